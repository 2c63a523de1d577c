from django.urls import path
from django.utils.translation import gettext_lazy as _

from envbureau.core.generic import Crud
from envbureau.core.pickers import picker_view

from . import views
from .filters import (
             CaseFilter,
             ClueFilter,
             InspectionFilter,
             MeasureFilter,
             PoolFilter,
             RatingFilter,
             RepairFilter,
             TransferFilter,
)
from .forms import InspectorForm, ItemForm, LegalBasisForm, PlanForm, PoolForm, PostingForm, RecusalForm
from .models import (
             Case,
             Clue,
             CreditRating,
             CreditRepair,
             DrawPlan,
             Inspection,
             InspectionItem,
             Inspector,
             InspectorPosting,
             LegalBasis,
             Measure,
             PoolEnterprise,
             Recusal,
             Transfer,
)

app_name = "enforcement"

items = Crud(InspectionItem, form_class=ItemForm, url_prefix="items", namespace="enforcement",
             title=_("随机抽查事项清单"), search_fields=("code", "name"),
             columns=[("code", _("事项编码")), ("name", _("检查事项")), ("method", _("检查方式")),
                      ("item_class", _("事项类别")), ("active", _("启用"))])
pool = Crud(PoolEnterprise, form_class=PoolForm, url_prefix="pool", namespace="enforcement",
            title=_("检查对象名录库"), search_fields=("name", "credit_code"), importer_kind="enforcement.pool",
            filterset_class=PoolFilter,
            columns=[("name", _("企业名称")), ("credit_code", _("统一社会信用代码")), ("jurisdiction", _("属地")),
                     ("supervision_class", _("监管类别")), ("positive_list", _("正面清单")),
                     ("credit_grade", _("信用等级")), ("cap_exempt", _("不受次数上限")), ("excluded", _("不参与双随机"))])
inspectors = Crud(Inspector, form_class=InspectorForm, url_prefix="inspectors", namespace="enforcement",
                  title=_("执法检查人员名录库"), search_fields=("name", "badge_no"), importer_kind="enforcement.inspector",
                  columns=[("name", _("姓名")), ("badge_no", _("执法证号")), ("department", _("所在部门")),
                           ("jurisdiction", _("所属区划")), ("certified", _("持证")), ("active", _("在岗"))])
recusals = Crud(Recusal, form_class=RecusalForm, url_prefix="recusals", namespace="enforcement",
                title=_("回避申报"),
                columns=[("inspector", _("执法人员")), ("enterprise", _("回避企业")), ("reason", _("回避事由")),
                         ("declared_on", _("申报日期")), ("until", _("回避截止"))])
postings = Crud(InspectorPosting, form_class=PostingForm, url_prefix="postings", namespace="enforcement",
                title=_("执法人员任职经历"), importer_kind="enforcement.posting",
                columns=[("inspector", _("执法人员")), ("kind", _("任职类型")), ("jurisdiction", _("任职区划")),
                         ("enterprise", _("曾任职企业")), ("post", _("职务")), ("started_on", _("任职起始日期")),
                         ("ended_on", _("任职结束日期"))])
plans = Crud(DrawPlan, form_class=PlanForm, url_prefix="plans", namespace="enforcement", title=_("抽查计划"),
             extra_detail_template="enforcement/_plan_extra.html", extra_detail_context=views.plan_extra,
             columns=[("name", _("计划名称")), ("jurisdiction", _("属地")), ("year", _("年度")), ("period", _("周期")),
                      ("ratio_key", _("重点比例")), ("ratio_general", _("一般比例")), ("ratio_special", _("特殊比例")),
                      ("team_size", _("每组人数")), ("yearly_cap", _("年度上限"))])
inspections = Crud(Inspection, url_prefix="inspections", namespace="enforcement", title=_("执法检查"),
                   filterset_class=InspectionFilter,
                   read_only=True, search_fields=("code", "enterprise_name"),
                   detail_fields=["code", "source", "source_ref", "draw", "enterprise_name", "jurisdiction", "method",
                                  "kind", "counts_toward_cap", "planned_on", "inspected_on", "team", "items",
                                  "findings", "result", "party_present", "follow_up", "state", "publish_due",
                                  "published_at"],
                   extra_detail_template="enforcement/_inspection_extra.html",
                   extra_detail_context=views.inspection_extra,
                   columns=[("code", _("检查编号")), ("enterprise_name", _("企业")), ("jurisdiction", _("属地")),
                            ("source", _("来源")), ("method", _("方式")), ("planned_on", _("计划日期")),
                            ("inspected_on", _("检查日期")), ("result", _("结果")), ("state", _("状态"))])

bases = Crud(LegalBasis, form_class=LegalBasisForm, url_prefix="legal-bases", namespace="enforcement",
             title=_("法律依据"), search_fields=("provision", "instrument", "article"),
             columns=[("provision", _("条款键")), ("instrument", _("法律文件")), ("article", _("条款")),
                      ("effective_from", _("施行日期")), ("effective_to", _("失效日期")), ("fine_min", _("罚款下限")),
                      ("fine_max", _("罚款上限")), ("successor", _("对应新条款"))])
cases = Crud(Case, url_prefix="cases", namespace="enforcement", title=_("行政处罚案件"), read_only=True,
             filterset_class=CaseFilter,
             search_fields=("code", "party", "cause"),
             detail_fields=["code", "party", "credit_code", "jurisdiction", "inspection", "source", "cause", "facts",
                            "act_date", "legal_basis", "handlers", "filed_on", "state", "outcome", "outcome_reason",
                            "fine", "hearing_right", "statement", "notified_on", "decided_on", "decided_late",
                            "served_on", "payment_due", "paid_on", "surcharge", "closed_on"],
             extra_detail_template="enforcement/_case_extra.html", extra_detail_context=views.case_extra,
             columns=[("code", _("案件编号")), ("party", _("当事人")), ("jurisdiction", _("属地")), ("cause", _("案由")),
                      ("filed_on", _("立案日期")), ("state", _("状态")), ("outcome", _("处理结果")),
                      ("fine", _("罚款(元)")), (views.case_spared, _("免除或减轻罚款(元)")), ("decided_on", _("决定日期")),
                      (views.case_transfers, _("移送"))],
             prepare_rows=views.case_fine_minimums)

ratings = Crud(CreditRating, url_prefix="ratings", namespace="enforcement", title=_("环境信用评价"), read_only=True,
               filterset_class=RatingFilter,
               search_fields=("enterprise_name",),
               detail_fields=["enterprise_name", "jurisdiction", "year", "score", "grade", "veto_reason_label",
                              "explanation_label", "published_on", "repaired_from", "repaired_on", "repair_note"],
               extra_detail_template="enforcement/_rating_extra.html", extra_detail_context=views.rating_extra,
               columns=[("enterprise_name", _("企业")), ("jurisdiction", _("属地")), ("year", _("年度")),
                        ("score", _("得分")), ("grade", _("信用等级")), ("veto_reason_label", _("一票否决")),
                        ("repaired_from", _("修复前等级"))])

measures = Crud(Measure, url_prefix="measures", namespace="enforcement", title=_("行政命令与强制措施"), read_only=True,
                filterset_class=MeasureFilter, search_fields=("code", "party"),
                detail_fields=["code", "case", "kind", "party", "jurisdiction", "state", "basis", "reason", "content",
                               "decided_on", "correct_by", "served_on", "ends_on", "extended_days", "recheck_due",
                               "rechecked_on", "recheck_result", "recheck_inspection", "recheck_late", "released_on",
                               "release_reason", "period_start", "period_end", "days", "daily_amount", "fine",
                               "payment_due", "paid_on"],
                extra_detail_template="enforcement/_measure_extra.html", extra_detail_context=views.measure_extra,
                columns=[("code", _("决定编号")), ("kind", _("措施类型")), ("party", _("当事人")),
                         ("jurisdiction", _("属地")), ("decided_on", _("决定日期")), ("served_on", _("送达日期")),
                         ("ends_on", _("期限届满日")), ("recheck_result", _("复查结果")), ("fine", _("罚款(元)")),
                         ("state", _("状态"))])

clues = Crud(Clue, url_prefix="clues", namespace="enforcement", title=_("案件线索"), read_only=True,
             filterset_class=ClueFilter, search_fields=("code", "party", "summary"),
             detail_fields=["code", "source", "source_ref", "party", "jurisdiction", "received_on", "summary", "state",
                            "decided_on", "decided_late", "reason"],
             extra_detail_template="enforcement/_clue_extra.html", extra_detail_context=views.clue_extra,
             columns=[("code", _("线索编号")), ("source", _("线索来源")), ("party", _("当事人")),
                      ("jurisdiction", _("属地")), ("received_on", _("收到日期")), (views.clue_due, _("立案期限")),
                      ("state", _("状态")), ("decided_on", _("决定日期"))])

transfers = Crud(Transfer, url_prefix="transfers", namespace="enforcement", title=_("移送公安"), read_only=True,
                 filterset_class=TransferFilter, search_fields=("code", "party", "authority"),
                 detail_fields=["code", "case", "kind", "party", "jurisdiction", "state", "transferred_on", "authority",
                                "persons", "reason", "sent_on", "sent_late", "outcome", "outcome_on", "detained",
                                "detention_days", "outcome_note"],
                 extra_detail_template="enforcement/_transfer_extra.html", extra_detail_context=views.transfer_extra,
                 columns=[("code", _("移送编号")), ("kind", _("移送类型")), ("party", _("当事人")),
                          ("jurisdiction", _("属地")), ("transferred_on", _("移送决定日期")), ("authority", _("接收机关")),
                          ("sent_on", _("案卷移送日期")), ("outcome", _("处理结果")), ("detention_days", _("拘留天数")),
                          ("state", _("状态"))])

repairs = Crud(CreditRepair, url_prefix="repairs", namespace="enforcement", title=_("信用修复申请"), read_only=True,
               search_fields=("enterprise_name",),
               filterset_class=RepairFilter,
               detail_fields=["rating", "enterprise_name", "jurisdiction", "grade_before", "applied_on", "applicant",
                              "corrective_actions", "documents_label", "materials", "state", "decided_on",
                              "decision_note", "publicity_until", "objected_on", "objection", "effective_on",
                              "grade_after"],
               extra_detail_template="enforcement/_repair_extra.html", extra_detail_context=views.repair_extra,
               columns=[("enterprise_name", _("企业")), ("jurisdiction", _("属地")), ("grade_before", _("申请时等级")),
                        ("applied_on", _("申请日期")), ("state", _("状态")), ("decided_on", _("决定日期")),
                        ("publicity_until", _("公示截止")), ("effective_on", _("修复生效日期")),
                        ("grade_after", _("修复后等级"))])

urlpatterns = [
    path("pick/cases/", picker_view("case"), name="pick-cases"),
    path("pick/draws/", picker_view("draw"), name="pick-draws"),
    path("inspections/<int:pk>/photos/", views.inspection_photo, name="inspection-photo"),
    path("inspections/<int:pk>/signatures/", views.inspection_sign, name="inspection-sign"),
    path("inspections/<int:pk>/monitoring/", views.inspection_monitoring, name="inspection-monitoring"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("ratings/<int:pk>/repair-apply/", views.repair_apply, name="repair-apply"),
    path("repairs/<int:pk>/do/<str:verb>/", views.repair_action, name="repair-action"),
    path("cases/<int:pk>/measures/new/", views.measure_add, name="measure-add"),
    path("cases/<int:pk>/daily-penalty/new/", views.daily_penalty_add, name="daily-penalty-add"),
    path("measures/<int:pk>/do/<str:verb>/", views.measure_action, name="measure-action"),
    path("transfers/<int:pk>/do/<str:verb>/", views.transfer_action, name="transfer-action"),
    path("clues/new/", views.clue_add, name="clue-add"),
    path("clues/<int:pk>/do/<str:verb>/", views.clue_action, name="clue-action"),
    path("ratings/new/", views.rating_add, name="rating-add"),
    path("cases/new/", views.case_add, name="case-add"),
    path("statistics/", views.statistics, name="statistics"),
    path("cases/<int:pk>/do/<str:verb>/", views.case_action, name="case-action"),
    path("", views.index, name="index"),
    path("inspections/new/", views.inspection_add, name="inspection-add"),
    path("inspections/<int:pk>/do/<str:verb>/", views.inspection_action, name="inspection-action"),
    path("draws/", views.draw_list, name="draw-list"),
    path("draws/<int:pk>/", views.draw_detail, name="draw-detail"),
    path("draws/<int:pk>/publish/", views.draw_publish, name="draw-publish"),
    path("draws/<int:pk>/inputs.json", views.draw_inputs, name="draw-inputs"),
    path("plans/<int:pk>/draw/", views.draw_run, name="draw-run"),
    path("plans/<int:pk>/commit/", views.draw_commit, name="draw-commit"),
    path("draws/<int:pk>/reveal/", views.draw_reveal, name="draw-reveal"),
    path("legal-bases/remap/", views.legal_remap, name="legal-remap"),
    path("pool/sync/", views.pool_sync, name="pool-sync"),
]
urlpatterns += (items.urls() + pool.urls() + inspectors.urls() + recusals.urls() + postings.urls() + plans.urls()
                + inspections.urls() + bases.urls() + cases.urls() + ratings.urls() + measures.urls() + repairs.urls()
                + transfers.urls() + clues.urls())
