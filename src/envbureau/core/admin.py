"""The Django admin site: a fallback console for platform administrators only.

Everyday management happens in the platform's own pages (scoped, audited). Here the audit log,
import jobs and login failures are read-only, and only platform administrators get in.
"""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

from .models import AuditEntry, Department, ImportJob, Jurisdiction, LoginCounter, Role, RoleAssignment, User
from .permissions import is_platform_admin
from .views import ThrottleMixin

admin.site.site_header = _("生态环境数字监管平台 · 后台")
admin.site.site_title = _("平台后台")


def _platform_admins_only(request):
    user = request.user
    return bool(user.is_active and user.is_staff and is_platform_admin(user))


admin.site.has_permission = _platform_admins_only


class ThrottledAdminAuthenticationForm(ThrottleMixin, AdminAuthenticationForm):
    """The admin site's sign-in shares the platform's lockout (no second door for guessing)."""


admin.site.login_form = ThrottledAdminAuthenticationForm


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["time", "actor_name", "source", "action", "model", "object_id", "object_repr"]
    list_filter = ["source", "action", "model"]
    search_fields = ["actor_name", "object_repr", "object_id", "request_id"]
    date_hierarchy = "time"

    def get_actions(self, request):
        return {}  # no bulk "delete selected"


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ["created", "kind", "file_name", "status", "total_rows", "created_by"]
    list_filter = ["kind", "status"]


class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are listed to be revoked, never shown: the server keeps only their digest."""

    list_display = ["user", "created", "expiry"]
    fields = ["user", "created", "expiry"]
    readonly_fields = fields
    search_fields = ["user__username"]

    def has_add_permission(self, request, obj=None):
        return False  # tokens come from POST /api/v1/auth/token/, shown once there

    def has_change_permission(self, request, obj=None):
        return False


admin.site.unregister(AuthToken)
admin.site.register(AuthToken, ApiTokenAdmin)


@admin.register(LoginCounter)
class LoginCounterAdmin(ReadOnlyAdmin):
    list_display = ["username", "remote_addr", "failures", "last"]
    search_fields = ["username"]

    def has_delete_permission(self, request, obj=None):
        return True  # clearing failures lifts a lockout


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    filter_horizontal = ["departments"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = ["username", "display_name", "is_active", "is_superuser", "last_login"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("平台"), {"fields": ["display_name", "phone", "must_change_password"]}),)


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


admin.site.register(Department)
admin.site.register(Role)
