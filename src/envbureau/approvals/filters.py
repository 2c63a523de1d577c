"""Filtersets shared by the list pages, the statistics links and the API: each number on the statistics page
links to the list filtered exactly as it was counted."""

import django_filters as df
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from envbureau.core.filters import ScopedFilterSet, picker_filter
from envbureau.core.params import YEARS

from .choices import (
    DutyRole,
    EIACategory,
    EIAState,
    IncidentLevel,
    IncidentState,
    PermitCategory,
    PermitState,
    PlanState,
    PreReviewConclusion,
    PreReviewOrigin,
    PreReviewState,
    ReportKind,
    ReportState,
    RiskLevel,
)
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


def _path(code):
    from envbureau.core.models import Jurisdiction

    j = Jurisdiction.objects.filter(code=str(code).strip()).first()
    return j.path if j else None


def _jurisdiction(qs, value, prefix="jurisdiction"):
    if not value:
        return qs
    path = _path(value)
    return qs.filter(**{f"{prefix}__path__startswith": path}) if path else qs.none()


YES_NO = ((1, _("是")), (0, _("否")))


class EIAFilter(ScopedFilterSet):
    jurisdiction = picker_filter("jurisdiction", _("属地"), method="f_jurisdiction")
    category = df.ChoiceFilter(label=_("环评类别"), choices=EIACategory.choices)
    state = df.ChoiceFilter(label=_("状态"), choices=EIAState.choices)
    submitted_year = df.NumberFilter(label=_("申请年度"), field_name="submitted_on", lookup_expr="year",
                                     min_value=YEARS[0], max_value=YEARS[1])
    decided_year = df.NumberFilter(label=_("审批年度"), field_name="decided_on", lookup_expr="year",
                                   min_value=YEARS[0], max_value=YEARS[1])
    within_limit = df.BooleanFilter(label=_("在时限内办结"))
    decision = df.ChoiceFilter(label=_("审批结果"), method="f_decision",
                               choices=(("approved", _("批准")), ("refused", _("不予批准")), ("decided", _("办结(批准或不予批准)")),
                                        ("filed", _("备案")), ("approved_filed", _("审批或登记备案"))))
    industry = df.CharFilter(label=_("行业"), field_name="industry_name")
    enterprise_id = picker_filter("enterprise", _("企业"))

    class Meta:
        model = EIAApplication
        fields = ["jurisdiction", "category", "state", "submitted_year", "decided_year", "within_limit", "decision",
                  "industry", "enterprise_id"]

    def f_jurisdiction(self, qs, name, value):
        return _jurisdiction(qs, value)

    def f_decision(self, qs, name, value):
        if value == "approved":
            return qs.filter(state__in=["approved", "completed"])
        if value == "decided":
            return qs.filter(state__in=["approved", "completed", "refused"])
        if value == "approved_filed":  # "环评审批登记备案844只": approvals and registration filings as one figure
            return qs.filter(state__in=["approved", "completed", "filed"])
        return qs.filter(state=value)


class PermitFilter(ScopedFilterSet):
    jurisdiction = picker_filter("jurisdiction", _("属地"), method="f_jurisdiction")
    category = df.ChoiceFilter(label=_("管理类别"), choices=PermitCategory.choices)
    state = df.ChoiceFilter(label=_("状态"), choices=PermitState.choices)
    issued_year = df.NumberFilter(label=_("发证年度"), field_name="issued_on", lookup_expr="year",
                                  min_value=YEARS[0], max_value=YEARS[1])
    expiring_days = df.NumberFilter(label=_("N天内到期"), method="f_expiring", min_value=0, max_value=3650)
    enterprise_id = picker_filter("enterprise", _("企业"))

    class Meta:
        model = Permit
        fields = ["jurisdiction", "category", "state", "issued_year", "expiring_days", "enterprise_id"]

    def f_jurisdiction(self, qs, name, value):
        return _jurisdiction(qs, value)

    def f_expiring(self, qs, name, value):
        import datetime as dt

        today = timezone.localdate()
        return qs.filter(state__in=["valid", "renewing"], valid_until__gte=today,
                         valid_until__lte=today + dt.timedelta(days=int(value)))


class ReportFilter(ScopedFilterSet):
    jurisdiction = picker_filter("jurisdiction", _("属地"), method="f_jurisdiction")
    kind = df.ChoiceFilter(label=_("报告类型"), choices=ReportKind.choices)
    state = df.ChoiceFilter(label=_("状态"), choices=ReportState.choices)
    year = df.NumberFilter(label=_("年度"), min_value=YEARS[0], max_value=YEARS[1])
    overdue = df.BooleanFilter(label=_("逾期未提交"), method="f_overdue")
    late = df.BooleanFilter(label=_("逾期提交"))
    permit_number = df.CharFilter(label=_("许可证编号"), field_name="permit__number")

    class Meta:
        model = ExecutionReport
        fields = ["jurisdiction", "kind", "state", "year", "overdue", "late", "permit_number"]

    def f_jurisdiction(self, qs, name, value):
        return _jurisdiction(qs, value, "permit__jurisdiction")

    def f_overdue(self, qs, name, value):
        from .permits import overdue_reports

        if value is None:
            return qs
        over = overdue_reports(qs)
        return over if value else qs.exclude(pk__in=over.values("pk"))


class PlanFilter(ScopedFilterSet):
    jurisdiction = picker_filter("jurisdiction", _("属地"), method="f_jurisdiction")
    state = df.ChoiceFilter(label=_("状态"), choices=PlanState.choices)
    risk_level = df.ChoiceFilter(label=_("环境风险等级"), choices=RiskLevel.choices)
    filed_year = df.NumberFilter(label=_("备案年度"), field_name="filed_on", lookup_expr="year",
                                 min_value=YEARS[0], max_value=YEARS[1])
    submitted_late = df.BooleanFilter(label=_("超期提交备案"))
    enterprise_id = picker_filter("enterprise", _("企业"))

    class Meta:
        model = EmergencyPlan
        fields = ["jurisdiction", "state", "risk_level", "filed_year", "submitted_late", "enterprise_id"]

    def f_jurisdiction(self, qs, name, value):
        return _jurisdiction(qs, value)


class CheckFilter(ScopedFilterSet):
    jurisdiction = picker_filter("jurisdiction", _("属地"), method="f_jurisdiction")
    round_name = df.CharFilter(label=_("排查轮次"))
    year = df.NumberFilter(label=_("排查年度"), field_name="checked_on", lookup_expr="year",
                           min_value=YEARS[0], max_value=YEARS[1])
    enterprise_id = picker_filter("enterprise", _("企业"))

    class Meta:
        model = HazardCheck
        fields = ["jurisdiction", "round_name", "year", "enterprise_id"]

    def f_jurisdiction(self, qs, name, value):
        return _jurisdiction(qs, value)


class IncidentFilter(ScopedFilterSet):
    """Incidents (page, API and the statistics' links): area, level, state, the year it occurred (local time)."""

    jurisdiction = picker_filter("jurisdiction", _("属地"), method="f_jurisdiction")
    level = df.ChoiceFilter(label=_("事件等级"), choices=IncidentLevel.choices)
    state = df.ChoiceFilter(label=_("状态"), choices=IncidentState.choices)
    year = df.NumberFilter(label=_("发生年度"), field_name="occurred_at", lookup_expr="year",
                           min_value=YEARS[0], max_value=YEARS[1])
    enterprise_id = picker_filter("enterprise", _("企业"))

    class Meta:
        model = Incident
        fields = ["jurisdiction", "level", "state", "year", "enterprise_id"]

    def f_jurisdiction(self, qs, name, value):
        return _jurisdiction(qs, value)


class DutyFilter(ScopedFilterSet):
    """The duty roster (page and API): a day (or a range), a post, an area (and the areas inside it)."""

    day = df.DateFilter(label=_("日期"))
    day_from = df.DateFilter(label=_("日期自"), field_name="day", lookup_expr="gte")
    day_to = df.DateFilter(label=_("日期至"), field_name="day", lookup_expr="lte")
    role = df.ChoiceFilter(label=_("岗位"), choices=DutyRole.choices)
    jurisdiction = picker_filter("jurisdiction", _("属地"), method="f_jurisdiction")

    class Meta:
        model = DutyShift
        fields = ["day", "day_from", "day_to", "role", "jurisdiction"]

    def f_jurisdiction(self, qs, name, value):
        return _jurisdiction(qs, value)


def risk_rows(request, plans):
    """The risk-source rows for the map page and its API: area and enterprise filters choose the plans, the
    level filter applies to each enterprise's current plan (a newer draft of another level must not move an
    enterprise into that level). Returns (the bound filterset for the form and its errors, rows)."""
    from . import emergency

    f = PlanFilter(request.GET, queryset=plans, request=request)
    data = request.GET.copy()
    level = data.pop("risk_level", [""])[-1]
    if f.form.is_bound and not f.is_valid():
        return f, []  # a bad value lists nothing and says so on its field
    rows = emergency.risk_sources(PlanFilter(data, queryset=plans, request=request).qs)
    return f, [r for r in rows if not level or r["level"] == level]


class PreReviewFilter(ScopedFilterSet):
    jurisdiction = picker_filter("jurisdiction", _("属地"), method="f_jurisdiction")
    origin = df.ChoiceFilter(label=_("项目来源"), choices=PreReviewOrigin.choices)
    state = df.ChoiceFilter(label=_("状态"), choices=PreReviewState.choices)
    conclusion = df.ChoiceFilter(label=_("预审结论"), choices=PreReviewConclusion.choices)
    received_year = df.NumberFilter(label=_("收件年度"), field_name="received_on", lookup_expr="year",
                                    min_value=YEARS[0], max_value=YEARS[1])
    concluded_year = df.NumberFilter(label=_("出具意见年度"), field_name="concluded_on", lookup_expr="year",
                                     min_value=YEARS[0], max_value=YEARS[1])
    within_limit = df.BooleanFilter(label=_("在时限内出具"))
    industry = df.CharFilter(label=_("行业"), field_name="industry_name")
    enterprise_id = picker_filter("enterprise", _("企业"))

    class Meta:
        model = PreReview
        fields = ["jurisdiction", "origin", "state", "conclusion", "received_year", "concluded_year", "within_limit",
                  "industry", "enterprise_id"]

    def f_jurisdiction(self, qs, name, value):
        return _jurisdiction(qs, value)
