from django.utils.translation import gettext_lazy as _

REPORT_STATES = [("pending", _("待签发")), ("issued", _("已签发"))]
PERMISSION_ACTIONS = [("issue", _("签发报告"))]
