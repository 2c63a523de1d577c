from django.urls import path
from django.utils.translation import gettext_lazy as _

from envbureau.core.generic import Crud
from envbureau.core.pickers import picker_view

from . import campaigns, cards, grids, outfalls, services, views
from .filters import (
    CampaignFilter,
    CardFilter,
    FundFilter,
    GridFilter,
    GridTrainingFilter,
    MilestoneFilter,
    OutfallFilter,
    PatrolFilter,
    ProjectFilter,
    ReportFilter,
    TargetFilter,
)
from .forms import (
    BasinMilestoneForm,
    CampaignForm,
    CardForm,
    FundForm,
    GridForm,
    GridTrainingForm,
    MilestoneForm,
    OutfallForm,
    ProjectForm,
    TargetForm,
)
from .models import (
    BasinMilestone,
    Campaign,
    CampaignTarget,
    Card,
    Fund,
    Grid,
    GridTraining,
    Milestone,
    Outfall,
    OutfallSample,
    Patrol,
    ProgressReport,
    Project,
)

app_name = "projects"

projects = Crud(Project, form_class=ProjectForm, url_prefix="projects", namespace="projects", title=_("工程项目"),
                filterset_class=ProjectFilter, search_fields=("code", "name", "enterprise_name", "task"),
                create=services.create_project, update=services.update_project,
                detail_fields=["code", "name", "battle", "task", "year", "jurisdiction", "owner_unit",
                               "enterprise_name", "location", "description", "planned_start", "planned_finish",
                               "investment_planned", "investment_completed", "state", "started_on", "finished_on",
                               "accepted_on", "evaluation_score", "evaluation_grade"],
                extra_detail_template="projects/_project_extra.html", extra_detail_context=views.project_extra,
                columns=[("code", _("项目编号")), ("name", _("项目名称")), ("battle", _("攻坚领域")), ("year", _("年度")),
                         ("jurisdiction", _("属地")), ("owner_unit", _("实施单位")),
                         ("planned_finish", _("计划完工")), ("investment_planned", _("计划投资(元)")),
                         ("investment_completed", _("完成投资(元)")), ("state", _("状态"))])
funds = Crud(Fund, form_class=FundForm, url_prefix="funds", namespace="projects", title=_("专项资金"),
             filterset_class=FundFilter, search_fields=("name", "project__name", "allocation_doc"),
             create=services.create_fund,
             detail_fields=["project", "level", "name", "reserve_batch", "requested", "approved", "allocated",
                            "allocation_doc", "allocated_on", "spent", "state"],
             extra_detail_template="projects/_fund_extra.html", extra_detail_context=views.fund_extra,
             columns=[("project", _("工程项目")), ("level", _("资金层级")), ("name", _("资金名称")),
                      ("reserve_batch", _("储备库批次")), ("approved", _("批准(元)")), ("allocated", _("下达(元)")),
                      ("spent", _("已支出(元)")), ("state", _("状态"))])
milestones = Crud(Milestone, form_class=MilestoneForm, url_prefix="milestones", namespace="projects",
                  title=_("项目节点"), filterset_class=MilestoneFilter,
                  detail_fields=["project", "name", "due", "done_on", "overdue"],
                  columns=[("project", _("工程项目")), ("name", _("节点")), ("due", _("计划完成")), ("done_on", _("实际完成")),
                           ("overdue", _("逾期未完成"))])
reports = Crud(ProgressReport, url_prefix="reports", namespace="projects", title=_("月度进展"), read_only=True,
               filterset_class=ReportFilter, search_fields=("project__name", "progress"),
               columns=[("project", _("工程项目")), ("month", _("月份")), ("stage", _("建设阶段")),
                        ("investment_completed", _("累计完成投资(元)")), ("progress", _("进展情况")),
                        ("due", _("应报日期")), ("reported_on", _("填报日期")), ("reported_by", _("填报人"))])

campaign_list = Crud(Campaign, form_class=CampaignForm, url_prefix="campaigns", namespace="projects",
                     title=_("专项行动"), filterset_class=CampaignFilter, search_fields=("code", "name"),
                     create=campaigns.create_campaign,
                     detail_fields=["code", "name", "kind_label", "jurisdiction", "start", "deadline", "category",
                                    "description"],
                     extra_detail_template="projects/_campaign_extra.html", extra_detail_context=views.campaign_extra,
                     columns=[("code", _("行动编号")), ("name", _("行动名称")), ("kind_label", _("行动类型")),
                              ("jurisdiction", _("组织属地")), ("start", _("开始日期")), ("deadline", _("完成时限"))])
targets = Crud(CampaignTarget, form_class=TargetForm, url_prefix="targets", namespace="projects",
               title=_("行动对象清单"), filterset_class=TargetFilter, importer_kind="projects.campaigntarget",
               search_fields=("name", "credit_code", "address"),
               create=campaigns.create_target, update=campaigns.update_target,
               detail_fields=["campaign", "name", "credit_code", "address", "jurisdiction", "industry", "flags",
                              "class_label", "due", "lead_unit", "rechecks", "reopened", "last_checked_on"],
               extra_detail_template="projects/_target_extra.html", extra_detail_context=views.target_extra,
               columns=[("campaign", _("专项行动")), ("name", _("对象名称")), ("jurisdiction", _("属地")),
                        ("class_label", _("整治类型")), ("flags", _("问题特征")), ("due", _("整治时限")),
                        ("lead_unit", _("牵头单位")), ("reopened", _("反弹次数"))])

outfall_list = Crud(Outfall, form_class=OutfallForm, url_prefix="outfalls", namespace="projects", title=_("入河排污口"),
                    filterset_class=OutfallFilter, importer_kind="projects.outfall",
                    search_fields=("code", "name", "receiving_water", "responsible_unit"),
                    create=outfalls.create_outfall, update=outfalls.update_outfall,
                    detail_fields=["code", "name", "type_path", "jurisdiction", "longitude", "latitude", "basin",
                                   "receiving_water", "section_name", "responsible_unit", "permit_status", "permit_no",
                                   "survey_batch", "state", "trace_result", "outcome", "merged_into", "measures",
                                   "step_due", "closed_out_on"],
                    extra_detail_template="projects/_outfall_extra.html", extra_detail_context=views.outfall_extra,
                    columns=[("code", _("排口编码")), ("name", _("排口名称")), ("type1", _("排口类型")),
                             ("jurisdiction", _("属地")), ("basin", _("流域")), ("receiving_water", _("受纳水体")),
                             ("responsible_unit", _("责任主体")), ("state", _("状态")), ("outcome", _("整治方式")),
                             ("step_due", _("本步时限"))])
samples = Crud(OutfallSample, url_prefix="outfall-samples", namespace="projects", title=_("排口监测"), read_only=True,
               columns=[("outfall", _("排口")), ("sampled_on", _("采样日期")), ("dry_weather", _("晴天出水")),
                        ("water_class", _("水质类别")), ("compliant", _("达到受纳水体目标"))])
basin_targets = Crud(BasinMilestone, form_class=BasinMilestoneForm, url_prefix="basin-milestones", namespace="projects",
                     title=_("流域排口整治目标"),
                     columns=[("basin", _("流域")), ("jurisdiction", _("属地")), ("due", _("完成时限")),
                              ("traced_share", _("溯源比例")), ("rectified_share", _("整治比例")), ("note", _("依据"))])

grid_list = Crud(Grid, form_class=GridForm, url_prefix="grids", namespace="projects", title=_("网格"),
                 filterset_class=GridFilter, search_fields=("code", "name", "head"),
                 create=grids.create_grid, update=grids.update_grid,
                 detail_fields=["code", "name", "level_label", "parent", "jurisdiction", "head", "officers",
                                "frequency_days", "objects_note", "state", "last_patrol_on"],
                 extra_detail_template="projects/_grid_extra.html", extra_detail_context=views.grid_extra,
                 columns=[("code", _("网格编码")), ("name", _("网格名称")), ("level_label", _("网格层级")),
                          ("jurisdiction", _("所属区划")), ("head", _("网格长")), ("officers", _("网格员")),
                          ("last_patrol_on", _("最近巡查")), ("state", _("状态"))])
patrols = Crud(Patrol, url_prefix="patrols", namespace="projects", title=_("巡查记录"), read_only=True,
               filterset_class=PatrolFilter, search_fields=("visited", "findings", "grid__name"),
               detail_fields=["grid", "officer_name", "patrol_on", "started_at", "ended_at", "longitude", "latitude",
                              "visited", "findings", "complaint_number"],
               extra_detail_template="projects/_patrol_extra.html", extra_detail_context=views.patrol_extra,
               prepare_rows=views.patrol_problems,
               columns=[("grid", _("网格")), ("patrol_on", _("巡查日期")), ("officer_name", _("巡查人")),
                        ("visited", _("巡查对象")), ("findings", _("发现问题")), ("problem_cell", _("转入问题台账")),
                        ("complaint_number", _("跟进的信访投诉"))])

trainings = Crud(GridTraining, form_class=GridTrainingForm, url_prefix="grid-trainings", namespace="projects",
                 title=_("网格员培训"), filterset_class=GridTrainingFilter, search_fields=("topic", "organiser"),
                 columns=[("held_on", _("培训日期")), ("topic", _("培训内容")), ("jurisdiction", _("属地")),
                          ("trainees", _("参训人数")), ("organiser", _("组织单位"))])

card_list = Crud(Card, form_class=CardForm, url_prefix="cards", namespace="projects", title=_("红黄牌警示"),
                 filterset_class=CardFilter, search_fields=("enterprise_name", "reason", "period"),
                 create=cards.create_card, update=cards.update_card,
                 detail_fields=["enterprise_name", "jurisdiction", "colour", "criterion_label", "reason", "state",
                                "issued_on", "period_label", "publish_due", "rectify_due", "removed_on"],
                 extra_detail_template="projects/_card_extra.html", extra_detail_context=views.card_extra,
                 columns=[("enterprise_name", _("企业")), ("jurisdiction", _("属地")), ("colour", _("警示牌")),
                          ("criterion_label", _("警示情形")), ("period_label", _("公布批次")), ("issued_on", _("警示日期")),
                          ("rectify_due", _("整改期限")), ("state", _("状态"))])

urlpatterns = [
    path("pick/projects/", picker_view("project"), name="pick-projects"),
    path("pick/campaigns/", picker_view("campaign"), name="pick-campaigns"),
    path("pick/grids/", picker_view("grid"), name="pick-grids"),
    path("grids/statistics/", views.grid_statistics, name="grid-statistics"),
    path("grids/<int:pk>/patrol/", views.grid_patrol, name="grid-patrol"),
    path("outfalls/statistics/", views.outfall_statistics, name="outfall-statistics"),
    path("outfalls/<int:pk>/do/<str:verb>/", views.outfall_action, name="outfall-action"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("campaigns/<int:pk>/statistics/", views.campaign_statistics, name="campaign-statistics"),
    path("targets/<int:pk>/checks/", views.target_checks, name="target-checks"),
    path("targets/<int:pk>/recheck/", views.target_recheck, name="target-recheck"),
    path("", views.index, name="index"),
    path("statistics/", views.statistics, name="statistics"),
    path("projects/<int:pk>/do/<str:verb>/", views.project_action, name="project-action"),
    path("funds/<int:pk>/do/<str:verb>/", views.fund_action, name="fund-action"),
    path("cards/<int:pk>/do/<str:verb>/", views.card_action, name="card-action"),
]
urlpatterns += (projects.urls() + funds.urls() + milestones.urls() + reports.urls() + campaign_list.urls()
                + targets.urls() + outfall_list.urls() + samples.urls() + basin_targets.urls()
                + grid_list.urls() + patrols.urls() + trainings.urls() + card_list.urls())
