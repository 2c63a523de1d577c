from django.urls import path
from django.utils.translation import gettext_lazy as _

from envbureau.core.generic import Crud

from . import views
from .filters import ComplaintFilter  # noqa: F401
from .forms import DeadlineRuleForm
from .models import DeadlineRule

app_name = "complaints"

rules = Crud(DeadlineRule, form_class=DeadlineRuleForm, url_prefix="rules", namespace="complaints",
             title=_("办理期限规则"),
             columns=[("name", _("名称")), ("jurisdiction", _("适用区域")), ("channel", _("渠道")), ("track", _("类别")),
                      ("accept_days", _("受理(天)")), ("accept_kind", _("计日")), ("finish_days", _("办结(天)")),
                      ("finish_kind", _("计日")), ("extension_max_days", _("最长延期")), ("active", _("启用"))])
urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("add/", views.complaint_add, name="add"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("photos/<int:pk>/", views.photo_file, name="photo"),
    path("<int:pk>/act/<str:action>/", views.complaint_action, name="action"),
    path("<int:pk>/duplicates/suggest/", views.duplicate_suggest, name="duplicate-suggest"),
    path("<int:pk>/duplicates/<int:link_id>/<str:decision>/", views.duplicate_decide, name="duplicate-decide"),
    path("stats/", views.stats, name="stats"),
    path("hotspots/", views.hotspots, name="hotspots"),
    *rules.urls(),
]
