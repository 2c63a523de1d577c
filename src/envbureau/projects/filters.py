"""Filtersets shared by the list pages, the statistics links and the API: each number on the statistics page
links to the list filtered exactly as it was counted (stats.py)."""

import django_filters as df
from django.utils.translation import gettext_lazy as _

from envbureau.core.filters import ScopedFilterSet, YesNoSelect, picker_filter, within_filter
from envbureau.core.params import YEARS

from .choices import (
    COUNTED_STATES,
    FINISHED_STATES,
    FOUND_EXCLUDED,
    STARTED_STATES,
    Battle,
    CardColour,
    CardState,
    FundLevel,
    FundState,
    Outcome,
    OutfallState,
    OutfallType,
    ProjectState,
)
from .models import (
    Campaign,
    CampaignTarget,
    Card,
    Fund,
    Grid,
    GridTraining,
    Milestone,
    Outfall,
    Patrol,
    ProgressReport,
    Project,
)

STAGES = (("started", _("已开工")), ("finished", _("已完成建设")), ("unfinished", _("未完成")))


class ProjectFilter(ScopedFilterSet):
    jurisdiction = within_filter()
    year = df.NumberFilter(label=_("计划年度"), min_value=YEARS[0], max_value=YEARS[1])
    battle = df.ChoiceFilter(label=_("攻坚领域"), choices=Battle.choices)
    state = df.ChoiceFilter(label=_("状态"), choices=ProjectState.choices)
    stage = df.ChoiceFilter(label=_("进度"), choices=STAGES, method="f_stage")
    owner_unit = picker_filter("unit", _("实施单位"))
    enterprise_id = picker_filter("enterprise", _("企业"))

    class Meta:
        model = Project
        fields = ["jurisdiction", "year", "battle", "state", "stage", "owner_unit", "enterprise_id"]


    def f_stage(self, qs, name, value):
        # "planned" is every project not cancelled; the statistics count the same sets.
        if value == "started":
            return qs.filter(state__in=STARTED_STATES)
        if value == "finished":
            return qs.filter(state__in=FINISHED_STATES)
        if value == "unfinished":
            return qs.filter(state__in=[s for s in COUNTED_STATES if s not in FINISHED_STATES])
        return qs

    @property
    def qs(self):
        qs = super().qs
        # The plan (排定) leaves out cancelled projects unless asked for them by state.
        if self.data.get("year") and not self.data.get("state"):
            qs = qs.filter(state__in=COUNTED_STATES)
        return qs


class FundFilter(ScopedFilterSet):
    jurisdiction = within_filter("project__jurisdiction")
    year = df.NumberFilter(label=_("项目年度"), field_name="project__year", min_value=YEARS[0], max_value=YEARS[1])
    level = df.ChoiceFilter(label=_("资金层级"), choices=FundLevel.choices)
    state = df.ChoiceFilter(label=_("状态"), choices=FundState.choices)
    project = picker_filter("project", _("工程项目"))
    # the statistics' fund columns by battle and owner unit link here filtered the same way
    battle = df.ChoiceFilter(label=_("攻坚领域"), field_name="project__battle", choices=Battle.choices)
    owner_unit = picker_filter("unit", _("实施单位"), field_name="project__owner_unit")

    class Meta:
        model = Fund
        fields = ["jurisdiction", "year", "level", "state", "project", "battle", "owner_unit"]


class ReportFilter(ScopedFilterSet):
    project = picker_filter("project", _("工程项目"))
    month = df.DateFilter(label=_("月份(该月1日)"))

    class Meta:
        model = ProgressReport
        fields = ["project", "month"]


class MilestoneFilter(ScopedFilterSet):
    project = picker_filter("project", _("工程项目"))
    overdue = df.BooleanFilter(label=_("逾期未完成"), method="f_overdue", widget=YesNoSelect)

    class Meta:
        model = Milestone
        fields = ["project", "overdue"]

    def f_overdue(self, qs, name, value):
        # the same test as Milestone.is_late: not done and due before today
        if value is None:
            return qs
        from django.db.models import Q
        from django.utils import timezone

        late = Q(done_on__isnull=True, due__lt=timezone.localdate())
        return qs.filter(late) if value else qs.exclude(late)


class CampaignFilter(ScopedFilterSet):
    jurisdiction = within_filter()

    class Meta:
        model = Campaign
        fields = ["jurisdiction", "kind"]



TARGET_STATUS = (("done", _("已完成整治")), ("open", _("未完成")), ("overdue", _("逾期未完成")))


class TargetFilter(ScopedFilterSet):
    campaign = picker_filter("campaign", _("专项行动"))
    target_class = df.CharFilter(label=_("整治类型"))
    jurisdiction = within_filter()
    status = df.ChoiceFilter(label=_("完成情况"), choices=TARGET_STATUS, method="f_status")
    enterprise_id = picker_filter("enterprise", _("企业"))

    class Meta:
        model = CampaignTarget
        fields = ["campaign", "target_class", "jurisdiction", "status", "enterprise_id"]


    def f_status(self, qs, name, value):
        from .campaign_stats import target_status

        return target_status(qs, value) if value else qs


OUTFALL_STAGES = (("found", _("排查发现")), ("confirmed", _("已确认")), ("monitored", _("已监测")),
                  ("traced", _("已溯源")), ("rectifying", _("整治中")), ("closed_out", _("已销号")))


class OutfallFilter(ScopedFilterSet):
    jurisdiction = within_filter()
    basin = df.CharFilter(label=_("流域"))
    type1 = df.ChoiceFilter(label=_("排口类型"), choices=OutfallType.choices)
    state = df.ChoiceFilter(label=_("状态"), choices=OutfallState.choices)
    stage = df.ChoiceFilter(label=_("进度"), choices=OUTFALL_STAGES, method="f_stage")
    outcome = df.ChoiceFilter(label=_("整治方式"), choices=Outcome.choices)
    survey_batch = df.CharFilter(label=_("排查批次"))
    enterprise_id = picker_filter("enterprise", _("企业"))

    class Meta:
        model = Outfall
        fields = ["jurisdiction", "basin", "type1", "state", "stage", "outcome", "survey_batch", "enterprise_id"]


    def f_stage(self, qs, name, value):
        from .outfall_stats import GROUPS

        if value == "found":
            return qs.exclude(state__in=FOUND_EXCLUDED)
        return qs.filter(state__in=GROUPS[value]) if value in GROUPS else qs


class GridFilter(ScopedFilterSet):
    jurisdiction = within_filter()
    level = df.NumberFilter(label=_("网格层级"))
    overdue = df.BooleanFilter(label=_("逾期未巡查"), method="f_overdue")

    class Meta:
        model = Grid
        fields = ["jurisdiction", "level", "state", "overdue"]


    def f_overdue(self, qs, name, value):
        if value is None:
            return qs
        from django.utils import timezone

        today = timezone.localdate()
        # select_related(None): the list and the API join the area, which .only() would defer (a FieldError);
        # the area's path is read for the settings of its jurisdiction (patrol_frequency_days)
        late = [g.pk for g in qs.filter(state="active").select_related(None).prefetch_related(None)
                .select_related("jurisdiction").only("pk", "level", "frequency_days", "last_patrol_on", "created_at",
                                                     "jurisdiction__path")
                if g.next_due() is not None and g.next_due() < today]
        return qs.filter(pk__in=late) if value else qs.exclude(pk__in=late)


class PatrolFilter(ScopedFilterSet):
    jurisdiction = within_filter("grid__jurisdiction")
    grid = picker_filter("grid", _("网格"))
    since = df.DateFilter(label=_("起"), field_name="patrol_on", lookup_expr="gte")
    until = df.DateFilter(label=_("止"), field_name="patrol_on", lookup_expr="lte")
    found = df.BooleanFilter(label=_("发现问题"), method="f_found")
    problem = df.BooleanFilter(label=_("转问题台账"), field_name="problem_id", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Patrol
        fields = ["jurisdiction", "grid", "since", "until", "found", "problem"]

    def f_found(self, qs, name, value):
        if value is None:
            return qs
        return qs.exclude(findings="") if value else qs.filter(findings="")


class GridTrainingFilter(ScopedFilterSet):
    jurisdiction = within_filter()
    since = df.DateFilter(label=_("起"), field_name="held_on", lookup_expr="gte")
    until = df.DateFilter(label=_("止"), field_name="held_on", lookup_expr="lte")

    class Meta:
        model = GridTraining
        fields = ["jurisdiction", "since", "until"]


class CardFilter(ScopedFilterSet):
    enterprise_id = picker_filter("enterprise", _("企业"))
    jurisdiction = within_filter()
    colour = df.ChoiceFilter(label=_("警示牌"), choices=CardColour.choices)
    state = df.ChoiceFilter(label=_("状态"), choices=CardState.choices)
    period = df.CharFilter(label=_("公布批次"))

    class Meta:
        model = Card
        fields = ["enterprise_id", "jurisdiction", "colour", "state", "period"]


