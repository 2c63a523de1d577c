from django.urls import path
from django.utils.translation import gettext_lazy as _

from envbureau.core.generic import Crud
from envbureau.core.permissions import has_perm

from . import views
from .filters import (
    CheckFilter,
    DutyFilter,
    EIAFilter,
    IncidentFilter,
    PermitFilter,
    PlanFilter,
    PreReviewFilter,
    ReportFilter,
)
from .forms import DutyForm
from .models import (
    DutyShift,
    EIAApplication,
    EmergencyPlan,
    ExecutionReport,
    HazardCheck,
    Incident,
    Permit,
    PreReview,
)

app_name = "approvals"


def _holds(*perms):
    return lambda user: any(has_perm(user, f"approvals.{p}") for p in perms)


eia = Crud(EIAApplication, url_prefix="eia", namespace="approvals", title=_("环评审批"), read_only=True,
           new_page=("approvals:eia-new", _("环评申请"), _holds("add", "apply")),
           filterset_class=EIAFilter, search_fields=("code", "project_name", "builder"),
           detail_fields=["code", "builder", "credit_code", "project_name", "category", "industry_name", "investment",
                          "env_investment", "jurisdiction", "location", "commitment", "state", "submitted_on",
                          "missing_materials", "corrections", "accepted_on", "acceptance_notice_until",
                          "expert_opinion", "proposed_on", "proposal_notice_until", "decided_on", "conditions",
                          "decision_reasons", "limit_days", "limit_source_label", "due_on", "days_used", "within_limit",
                          "filing_no", "completed_on", "completion_note"],
           extra_detail_template="approvals/_eia_extra.html", extra_detail_context=views.eia_extra,
           columns=[("code", _("申请编号")), ("project_name", _("项目名称")), ("builder", _("建设单位")),
                    ("category", _("类别")), ("jurisdiction", _("属地")), ("submitted_on", _("申请日期")),
                    ("state", _("状态")), ("decided_on", _("审批日期")), ("within_limit", _("时限内"))])
permits = Crud(Permit, url_prefix="permits", namespace="approvals", title=_("排污许可证"), read_only=True,
               new_page=("approvals:permit-new", _("核发许可证"), _holds("permit")),
               filterset_class=PermitFilter, search_fields=("number", "enterprise_name"), importer_kind="approvals.permit",
               detail_fields=["number", "enterprise_name", "credit_code", "jurisdiction", "category", "authority",
                              "issued_on", "valid_from", "valid_until", "report_frequency", "monitoring_duties",
                              "record_keeping", "state", "version", "renewal_applied_on", "renewal_late",
                              "revoked_on"],
               extra_detail_template="approvals/_permit_extra.html", extra_detail_context=views.permit_extra,
               columns=[("number", _("许可证编号")), ("enterprise_name", _("单位")), ("jurisdiction", _("属地")),
                        ("category", _("管理类别")), ("issued_on", _("发证日期")), ("valid_until", _("有效期至")),
                        ("state", _("状态"))])
reports = Crud(ExecutionReport, url_prefix="reports", namespace="approvals", title=_("执行报告"), read_only=True,
               filterset_class=ReportFilter, search_fields=("permit__number", "permit__enterprise_name"),
               detail_fields=["permit", "kind", "year", "period", "due_on", "state", "submitted_on", "late", "content",
                              "review_note"],
               extra_detail_template="approvals/_report_extra.html", extra_detail_context=views.report_extra,
               columns=[("permit", _("许可证")), ("kind", _("报告类型")), ("year", _("年度")), ("period", _("期次")),
                        ("due_on", _("应提交日期")), ("state", _("状态")), ("submitted_on", _("提交日期")),
                        ("late", _("逾期提交"))])
plans = Crud(EmergencyPlan, url_prefix="plans", namespace="approvals", title=_("应急预案备案"), read_only=True,
             new_page=("approvals:plan-new", _("提交备案"), _holds("apply", "emergency")),
             filterset_class=PlanFilter, search_fields=("code", "title", "enterprise_name"),
             importer_kind="approvals.emergencyplan",
             detail_fields=["code", "enterprise_name", "jurisdiction", "title", "signed_on", "submitted_on",
                            "filing_due", "submitted_late", "state", "filed_on", "filing_no", "revision_due",
                            "risk_level", "risk_label", "drills", "last_drill_on"],
             extra_detail_template="approvals/_plan_extra.html", extra_detail_context=views.plan_extra,
             columns=[("code", _("预案编号")), ("enterprise_name", _("企业")), ("jurisdiction", _("属地")),
                      ("title", _("预案名称")), ("signed_on", _("签署日期")), ("state", _("状态")),
                      ("risk_label", _("环境风险等级")), ("revision_due", _("应修订日期"))])
checks = Crud(HazardCheck, url_prefix="checks", namespace="approvals", title=_("隐患排查"), read_only=True,
              new_page=("approvals:check-new", _("登记排查"), _holds("emergency")),
              filterset_class=CheckFilter, search_fields=("round_name", "enterprise_name"),
              detail_fields=["round_name", "enterprise_name", "jurisdiction", "checked_on", "checkers"],
              extra_detail_template="approvals/_check_extra.html", extra_detail_context=views.check_extra,
              columns=[("round_name", _("排查轮次")), ("enterprise_name", _("企业")), ("jurisdiction", _("属地")),
                       ("checked_on", _("排查日期")), ("checkers", _("排查人员"))])
incidents = Crud(Incident, url_prefix="incidents", namespace="approvals", title=_("突发环境事件"), read_only=True,
                 filterset_class=IncidentFilter,
                 new_page=("approvals:incident-new", _("事件报告"), _holds("emergency")),
                 search_fields=("code", "title", "enterprise_name"),
                 detail_fields=["code", "title", "kind", "level", "jurisdiction", "enterprise_name", "location",
                                "occurred_at", "reported_at", "description", "state", "initial_report_due",
                                "initial_reported_at", "initial_report_late", "follow_ups", "summary", "closed_at"],
                 extra_detail_template="approvals/_incident_extra.html", extra_detail_context=views.incident_extra,
                 columns=[("code", _("事件编号")), ("title", _("事件名称")), ("level", _("等级")),
                          ("jurisdiction", _("属地")), ("occurred_at", _("发生时间")), ("state", _("状态"))])
prereviews = Crud(PreReview, url_prefix="prereviews", namespace="approvals", title=_("项目预审"), read_only=True,
                  new_page=("approvals:prereview-new", _("登记项目预审"), _holds("add")),
                  filterset_class=PreReviewFilter, search_fields=("code", "project_name", "applicant"),
                  importer_kind="approvals.prereview",
                  detail_fields=["code", "origin", "project_name", "applicant", "credit_code", "industry_name",
                                 "jurisdiction", "location", "investment", "zoning_category", "zoning_unit", "summary",
                                 "state", "received_on", "due_on", "concluded_on", "conclusion", "reasons",
                                 "within_limit"],
                  extra_detail_template="approvals/_prereview_extra.html", extra_detail_context=views.prereview_extra,
                  columns=[("code", _("预审编号")), ("project_name", _("项目名称")), ("applicant", _("申报单位")),
                           ("origin", _("项目来源")), ("industry_name", _("行业")), ("jurisdiction", _("属地")),
                           ("investment", _("总投资(万元)")), ("received_on", _("收件日期")), ("state", _("状态")),
                           ("conclusion", _("预审结论")), ("concluded_on", _("出具意见日期"))])
duty = Crud(DutyShift, form_class=DutyForm, url_prefix="duty", namespace="approvals", title=_("应急值班表"),
            search_fields=("person",), filterset_class=DutyFilter,
            columns=[("day", _("日期")), ("role", _("岗位")), ("person", _("值班人员")), ("phone", _("联系电话")),
                     ("jurisdiction", _("属地"))])

urlpatterns = [
    path("", views.index, name="index"),
    path("eia/new/", views.eia_add, name="eia-new"),
    path("eia/<int:pk>/do/<str:verb>/", views.eia_action, name="eia-action"),
    path("permits/new/", views.permit_add, name="permit-new"),
    path("permits/<int:pk>/do/<str:verb>/", views.permit_action, name="permit-action"),
    path("reports/<int:pk>/do/<str:verb>/", views.report_action, name="report-action"),
    path("statistics/", views.statistics, name="statistics"),
    path("plans/new/", views.plan_add, name="plan-new"),
    path("plans/<int:pk>/do/<str:verb>/", views.plan_action, name="plan-action"),
    path("checks/new/", views.check_add, name="check-new"),
    path("risk-map/", views.risk_map, name="risk-map"),
    path("eia/<int:pk>/materials/", views.eia_material_upload, name="eia-material-upload"),
    path("plans/<int:pk>/materials/", views.plan_material_upload, name="plan-material-upload"),
    path("materials/<int:pk>/", views.material_download, name="material"),
    path("incidents/new/", views.incident_add, name="incident-new"),
    path("incidents/<int:pk>/do/<str:verb>/", views.incident_action, name="incident-action"),
    path("prereviews/new/", views.prereview_add, name="prereview-new"),
    path("prereviews/<int:pk>/do/<str:verb>/", views.prereview_action, name="prereview-action"),
]
urlpatterns += (eia.urls() + permits.urls() + reports.urls() + plans.urls() + checks.urls() + incidents.urls()
                + prereviews.urls() + duty.urls())
