from django.urls import path
from django.utils.translation import gettext_lazy as _

from envbureau.core.generic import Crud

from . import views
from .filters import SignOffStepFilter
from .forms import SignOffChainForm, SignOffStepForm
from .models import SignOffChain, SignOffStep

app_name = "ledger"

chains = Crud(SignOffChain, form_class=SignOffChainForm,
              columns=[("name", _("名称")), ("source", _("适用来源")), ("active", _("启用")),
                       (lambda c: " → ".join(s.name for s in c.steps.all()), _("验收步骤"))],
              url_prefix="chains", namespace="ledger", title=_("验收链"),
              extra_detail_template="ledger/_chain_steps.html")
steps = Crud(SignOffStep, form_class=SignOffStepForm, filterset_class=SignOffStepFilter,
             columns=[("chain", _("验收链")), ("order", _("顺序")), ("name", _("步骤名称")), ("permission", _("所需权限")),
                      ("role", _("限定角色")), ("level", _("签署层级")), ("evidence_required", _("须上传材料"))],
             url_prefix="chain-steps", namespace="ledger", title=_("验收步骤"), ordering=["chain", "order"])

urlpatterns = [
    path("", views.problem_list, name="index"),
    path("problems/", views.problem_list, name="problem-list"),
    path("problems/add/", views.problem_form, name="problem-add"),
    path("problems/<int:pk>/", views.problem_detail, name="problem-detail"),
    path("problems/<int:pk>/edit/", views.problem_form, name="problem-edit"),
    path("problems/<int:pk>/do/<str:verb>/", views.problem_action, name="problem-action"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("statistics/", views.statistics, name="statistics"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_read, name="inbox-read"),
]
urlpatterns += chains.urls() + steps.urls()
