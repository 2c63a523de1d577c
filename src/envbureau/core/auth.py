"""API token authentication: knox tokens (only a SHA-512 digest is stored; the token is shown once)."""

from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions


class PasswordChangeRequired(exceptions.APIException):
    status_code = 403
    default_code = "password_change_required"
    default_detail = _("请先修改初始密码")


class TokenAuthentication(KnoxTokenAuthentication):
    """A token stops working while its user must change the password (the web middleware cannot see
    token users: DRF authenticates them after the middleware has run)."""

    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        if user.must_change_password:
            raise PasswordChangeRequired()
        return user, token
