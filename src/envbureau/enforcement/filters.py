"""Filtersets shared by the list pages, the statistics links and the API: each number on the statistics page
links to the list filtered exactly as it was counted."""

import django_filters as df
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from envbureau.core.filters import ScopedFilterSet, picker_filter, within_filter
from envbureau.core.params import YEARS

from .choices import (
    NO_PENALTY,
    PENALTY,
    SPARED,
    CaseState,
    ClueSource,
    ClueState,
    Grade,
    InspectionResult,
    InspectionSource,
    InspectionState,
    MeasureKind,
    MeasureState,
    Outcome,
    RecheckResult,
    RepairState,
    SupervisionClass,
    TransferKind,
    TransferOutcome,
    TransferState,
)
from .models import (
    Case,
    Clue,
    CreditRating,
    CreditRepair,
    Draw,
    DrawPlan,
    Inspection,
    Measure,
    PoolEnterprise,
    Transfer,
)

NONE = "-"  # the group of records without an industry or a department


def industry_map(enterprise_ids) -> dict:
    """enterprise id → industry name in the registry ("" when none is recorded). The registry is read
    through the app registry (no import of the sources models); the ids come from already scoped rows."""
    from django.apps import apps

    Enterprise = apps.get_model("sources", "Enterprise")
    return dict(Enterprise.objects.filter(pk__in=list(enterprise_ids)).values_list("pk", "industry_name"))


def _industry(qs, value):
    """Records of enterprises whose registry industry is `value` (NONE: none recorded)."""
    if not value:
        return qs
    from django.apps import apps

    Enterprise = apps.get_model("sources", "Enterprise")
    name = "" if value == NONE else value
    ids = Enterprise.objects.filter(industry_name=name).values("pk")
    if name == "":  # also enterprises not (or no longer) in the registry
        return qs.filter(models.Q(enterprise_id__in=ids) | ~models.Q(enterprise_id__in=Enterprise.objects.values("pk")))
    return qs.filter(enterprise_id__in=ids)


def _department(qs, value, through):
    """Records with a team member / handler of department `value` (NONE: one without a department)."""
    if not value:
        return qs
    if value == NONE:
        return qs.filter(**{f"{through}__department__isnull": True}).distinct()
    try:
        return qs.filter(**{f"{through}__department_id": int(value)}).distinct()
    except ValueError:
        return qs.none()


def date_from(field: str, label):
    """A period's first day (local date, included) on `field`; a datetime field is read by its local date."""
    return df.DateFilter(label=label, field_name=field, lookup_expr="gte")


def date_to(field: str, label):
    """A period's last day (local date, included)."""
    return df.DateFilter(label=label, field_name=field, lookup_expr="lte")


def department_choices():
    """Departments by name (the value is the id, as the statistics links write it), and "none recorded"."""
    from envbureau.core.models import Department

    return [*Department.objects.order_by("code").values_list("pk", "name"), (NONE, _("未填部门"))]


def department_filter():
    return df.ChoiceFilter(label=_("部门"), choices=department_choices, method="f_department")


def _plans(request):
    """The draw plans the user may read, by name (the value stays the id)."""
    from envbureau.core.scoping import restrict

    qs = DrawPlan.objects.order_by("-year", "name")
    return restrict(qs, request.user, "view") if request is not None else qs


class DrawFilter(ScopedFilterSet):
    """Draws by area and year (the statistics' 双随机抽取 N 次 links here with both) and by plan. The year is the
    local (Asia/Shanghai) calendar year of the draw, as the statistics count it."""

    jurisdiction = within_filter()
    year = df.NumberFilter(label=_("抽取年度"), method="f_year", min_value=YEARS[0], max_value=YEARS[1])
    drawn_from = date_from("drawn_at__date", _("抽取日期自"))
    drawn_to = date_to("drawn_at__date", _("抽取日期至"))
    plan = df.ModelChoiceFilter(label=pgettext_lazy("一次抽取的", "抽查计划"), queryset=lambda request: _plans(request))

    class Meta:
        model = Draw
        fields = ["jurisdiction", "year", "drawn_from", "drawn_to", "plan"]

    def f_year(self, qs, name, value):
        return qs.filter(drawn_at__year=int(value)) if value else qs


class InspectionFilter(ScopedFilterSet):
    jurisdiction = within_filter()
    year = df.NumberFilter(label=_("检查年度"), method="f_year", min_value=YEARS[0], max_value=YEARS[1])
    inspected_from = date_from("inspected_on", _("检查日期自"))
    inspected_to = date_to("inspected_on", _("检查日期至"))
    source = df.ChoiceFilter(label=_("来源"), choices=InspectionSource.choices)
    state = df.ChoiceFilter(label=_("状态"), choices=InspectionState.choices)
    result = df.ChoiceFilter(label=_("结果"), choices=InspectionResult.choices)
    enterprise_id = picker_filter("enterprise", _("企业"))
    draw = picker_filter("draw", _("双随机抽取"))
    industry = df.CharFilter(label=_("行业"), method="f_industry")
    department = department_filter()

    class Meta:
        model = Inspection
        fields = ["jurisdiction", "year", "inspected_from", "inspected_to", "source", "state", "result",
                  "enterprise_id", "draw", "industry", "department"]

    def f_industry(self, qs, name, value):
        return _industry(qs, value)

    def f_department(self, qs, name, value):
        return _department(qs, value, "team")

    def f_year(self, qs, name, value):
        return qs.filter(inspected_on__year=int(value)) if value else qs


class CaseFilter(ScopedFilterSet):
    jurisdiction = within_filter()
    filed_year = df.NumberFilter(label=_("立案年度"), method="f_filed", min_value=YEARS[0], max_value=YEARS[1])
    decided_year = df.NumberFilter(label=_("决定年度"), method="f_decided", min_value=YEARS[0], max_value=YEARS[1])
    transferred_year = df.NumberFilter(label=_("移送年度"), method="f_transferred", min_value=YEARS[0], max_value=YEARS[1])
    filed_from = date_from("filed_on", _("立案日期自"))
    filed_to = date_to("filed_on", _("立案日期至"))
    decided_from = date_from("decided_on", _("决定日期自"))
    decided_to = date_to("decided_on", _("决定日期至"))
    transferred_from = df.DateFilter(label=_("移送日期自"), method="f_transferred_from")
    transferred_to = df.DateFilter(label=_("移送日期至"), method="f_transferred_to")
    outcome_group = df.ChoiceFilter(label=_("处理结果"), method="f_group",
                                    choices=[("penalty", _("处罚")), ("no_penalty", _("不予处罚")),
                                             ("spared", _("免罚或减轻(有免除金额)"))])
    industry = df.CharFilter(label=_("行业"), method="f_industry")
    department = department_filter()
    outcome = df.ChoiceFilter(label=_("处理结果(明细)"), choices=Outcome.choices)
    transfer_kind = df.ChoiceFilter(label=_("移送类型"), choices=TransferKind.choices, method="f_transfer_kind")
    state = df.ChoiceFilter(label=_("状态"), choices=CaseState.choices)
    enterprise_id = picker_filter("enterprise", _("企业"))

    class Meta:
        model = Case
        fields = ["jurisdiction", "filed_year", "decided_year", "transferred_year", "filed_from", "filed_to",
                  "decided_from", "decided_to", "transferred_from", "transferred_to", "outcome_group", "outcome",
                  "transfer_kind", "state", "enterprise_id", "industry", "department"]

    def f_industry(self, qs, name, value):
        return _industry(qs, value)

    def f_department(self, qs, name, value):
        return _department(qs, value, "handlers")

    def f_filed(self, qs, name, value):
        return qs.filter(filed_on__year=int(value)) if value else qs

    def f_decided(self, qs, name, value):
        return qs.filter(decided_on__year=int(value)) if value else qs

    # a case with transfers (several possible, each its own record): the transfer's date and kind
    def f_transferred(self, qs, name, value):
        return qs.filter(pk__in=Transfer.objects.filter(transferred_on__year=int(value)).values("case_id")) \
            if value else qs

    def f_transferred_from(self, qs, name, value):
        return qs.filter(pk__in=Transfer.objects.filter(transferred_on__gte=value).values("case_id")) if value else qs

    def f_transferred_to(self, qs, name, value):
        return qs.filter(pk__in=Transfer.objects.filter(transferred_on__lte=value).values("case_id")) if value else qs

    def f_transfer_kind(self, qs, name, value):
        return qs.filter(pk__in=Transfer.objects.filter(kind=value).values("case_id")) if value else qs

    def f_group(self, qs, name, value):
        if value == "penalty":
            return qs.filter(outcome__in=[str(o) for o in PENALTY])
        if value == "no_penalty":
            return qs.filter(outcome__in=[str(o) for o in NO_PENALTY])
        if value == "spared":
            return qs.filter(outcome__in=[str(o) for o in SPARED])
        return qs


class MeasureFilter(ScopedFilterSet):
    jurisdiction = within_filter()
    year = df.NumberFilter(label=_("决定年度"), method="f_year", min_value=YEARS[0], max_value=YEARS[1])
    decided_from = date_from("decided_on", _("决定日期自"))
    decided_to = date_to("decided_on", _("决定日期至"))
    kind = df.ChoiceFilter(label=_("措施类型"), choices=MeasureKind.choices)
    kind_group = df.ChoiceFilter(label=_("措施类别"), method="f_group",
                                 choices=[("production", _("限制生产或停产整治"))])
    state = df.ChoiceFilter(label=_("状态"), choices=MeasureState.choices)
    recheck_result = df.ChoiceFilter(label=_("复查结果"), choices=RecheckResult.choices)
    case = picker_filter("case", _("案件"))
    enterprise_id = picker_filter("enterprise", _("企业"))
    industry = df.CharFilter(label=_("行业"), method="f_industry")
    department = department_filter()

    class Meta:
        model = Measure
        fields = ["jurisdiction", "year", "decided_from", "decided_to", "kind", "kind_group", "state", "recheck_result", "case", "enterprise_id",
                  "industry", "department"]

    def f_industry(self, qs, name, value):
        return _industry(qs, value)

    def f_department(self, qs, name, value):
        return _department(qs, value, "case__handlers")  # a measure's department: its case's handlers'

    def f_group(self, qs, name, value):
        return qs.filter(kind__in=["limit", "stop"]) if value == "production" else qs

    def f_year(self, qs, name, value):
        return qs.filter(decided_on__year=int(value)) if value else qs


class ClueFilter(ScopedFilterSet):
    jurisdiction = within_filter()
    source = df.ChoiceFilter(label=_("线索来源"), choices=ClueSource.choices)
    state = df.ChoiceFilter(label=_("状态"), choices=ClueState.choices)
    received_from = date_from("received_on", _("收到日期自"))
    received_to = date_to("received_on", _("收到日期至"))
    enterprise_id = picker_filter("enterprise", _("企业"))

    class Meta:
        model = Clue
        fields = ["jurisdiction", "source", "state", "received_from", "received_to", "enterprise_id"]


class TransferFilter(ScopedFilterSet):
    """Transfers to the police: the statistics' 移送公安 N 件 and 拘留 N 件 open this list filtered the same way."""
    jurisdiction = within_filter()
    year = df.NumberFilter(label=_("移送年度"), method="f_year", min_value=YEARS[0], max_value=YEARS[1])
    transferred_from = date_from("transferred_on", _("移送日期自"))
    transferred_to = date_to("transferred_on", _("移送日期至"))
    kind = df.ChoiceFilter(label=_("移送类型"), choices=TransferKind.choices)
    state = df.ChoiceFilter(label=_("状态"), choices=TransferState.choices)
    outcome = df.ChoiceFilter(label=_("公安机关处理结果"), choices=TransferOutcome.choices)
    detained = df.BooleanFilter(label=_("行政拘留"))
    case = picker_filter("case", _("案件"))
    enterprise_id = picker_filter("enterprise", _("企业"))

    class Meta:
        model = Transfer
        fields = ["jurisdiction", "year", "transferred_from", "transferred_to", "kind", "state", "outcome", "detained",
                  "case", "enterprise_id"]

    def f_year(self, qs, name, value):
        return qs.filter(transferred_on__year=int(value)) if value else qs


class PoolFilter(ScopedFilterSet):
    jurisdiction = within_filter()
    positive_on = df.DateFilter(label=_("某日在正面清单"), method="f_positive")
    supervision_class = df.ChoiceFilter(label=_("监管类别"), choices=SupervisionClass.choices)
    credit_grade = df.ChoiceFilter(label=_("信用等级"), choices=Grade.choices)
    inspected_year = df.NumberFilter(label=_("检查年度"), method="f_inspected", min_value=YEARS[0], max_value=YEARS[1])
    inspected_from = df.DateFilter(label=_("检查日期自"), method="f_inspected_range")
    inspected_to = df.DateFilter(label=_("检查日期至"), method="f_inspected_range")

    class Meta:
        model = PoolEnterprise
        fields = ["jurisdiction", "positive_on", "supervision_class", "credit_grade", "inspected_year",
                  "inspected_from", "inspected_to"]

    def f_inspected_range(self, qs, name, value):
        """Enterprises with a check between inspected_from and inspected_to (both applied to the same checks,
        once: a check after `from` and another before `to` is not one in the period)."""
        if not value or (name == "inspected_to" and self.form.cleaned_data.get("inspected_from")):
            return qs
        lo, hi = self.form.cleaned_data.get("inspected_from"), self.form.cleaned_data.get("inspected_to")
        checks = Inspection.objects.all()
        if lo:
            checks = checks.filter(inspected_on__gte=lo)
        if hi:
            checks = checks.filter(inspected_on__lte=hi)
        return self._inspected_by(qs, checks)

    def f_positive(self, qs, name, value):
        return positive_on(qs, value) if value else qs

    def f_inspected(self, qs, name, value):
        """Enterprises inspected in that year (the statistics' 检查企业 N 家 links here): by the checks the user
        may read, in the area asked for when one is (?jurisdiction=), as the statistics count them."""
        if not value:
            return qs
        return self._inspected_by(qs, Inspection.objects.filter(inspected_on__year=int(value)))

    def _inspected_by(self, qs, checks):
        from envbureau.core.models import Jurisdiction
        from envbureau.core.scoping import restrict

        checks = restrict(checks, self.request.user if self.request else None, "view")
        code = self.data.get("jurisdiction")
        if code:
            j = Jurisdiction.objects.filter(code=str(code).strip()[:100]).first()
            checks = checks.filter(jurisdiction__path__startswith=j.path) if j else checks.none()
        return inspected(qs, checks)


def inspected(pool, checks):
    """Pool entries of the enterprises `checks` inspected: 检查企业 N 家 counts these and its link lists them."""
    return pool.filter(enterprise_id__in=checks.values("enterprise_id"))


def positive_on(qs, day):
    """Pool entries on the positive list on `day` (flag set, validity not run out)."""
    return qs.filter(positive_list=True).filter(models.Q(positive_until__isnull=True) | models.Q(positive_until__gte=day))


class RatingFilter(ScopedFilterSet):
    jurisdiction = within_filter()
    published_year = df.NumberFilter(label=_("公布年度"), method="f_published", min_value=YEARS[0],
                                     max_value=YEARS[1])
    repaired_year = df.NumberFilter(label=_("修复年度"), method="f_repaired", min_value=YEARS[0], max_value=YEARS[1])
    published_from = date_from("published_on", _("公布日期自"))
    published_to = date_to("published_on", _("公布日期至"))
    repair_from = date_from("repaired_on", _("修复日期自"))
    repair_to = date_to("repaired_on", _("修复日期至"))
    year = df.NumberFilter(label=_("评价年度"), min_value=YEARS[0], max_value=YEARS[1])
    grade = df.ChoiceFilter(label=_("信用等级"), choices=Grade.choices)
    published_grade = df.ChoiceFilter(label=_("公布时等级"), choices=Grade.choices, method="f_published_grade")

    class Meta:
        model = CreditRating
        fields = ["jurisdiction", "published_year", "repaired_year", "published_from", "published_to", "repair_from",
                  "repair_to", "year", "grade", "published_grade"]

    def f_published_grade(self, qs, name, value):
        return published_grade(qs, value) if value else qs

    def f_published(self, qs, name, value):
        return qs.filter(published_on__year=int(value)) if value else qs

    def f_repaired(self, qs, name, value):
        return qs.filter(repaired_on__year=int(value)) if value else qs


def published_grade(qs, grade):
    """Ratings published with `grade`: a repair moves the grade up but keeps the published one (repaired_from)."""
    return qs.filter(models.Q(repaired_from=grade) | models.Q(repaired_from="", grade=grade))


class RepairFilter(ScopedFilterSet):
    jurisdiction = within_filter()
    state = df.ChoiceFilter(label=_("状态"), choices=RepairState.choices)
    applied_from = date_from("applied_on", _("申请日期自"))
    applied_to = date_to("applied_on", _("申请日期至"))
    effective_from = date_from("effective_on", _("修复生效日期自"))
    effective_to = date_to("effective_on", _("修复生效日期至"))

    class Meta:
        model = CreditRepair
        fields = ["jurisdiction", "state", "applied_from", "applied_to", "effective_from", "effective_to"]
