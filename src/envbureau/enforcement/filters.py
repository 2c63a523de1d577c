"""Filtersets shared by the list pages, the statistics links and the API: each number on the statistics page
links to the list filtered exactly as it was counted."""

import django_filters as df
from django.utils.translation import gettext_lazy as _

from envbureau.core.filters import ScopedFilterSet, picker_filter
from envbureau.core.params import YEARS

from .choices import (
    NO_PENALTY,
    PENALTY,
    CaseState,
    InspectionResult,
    InspectionSource,
    InspectionState,
    MeasureKind,
    MeasureState,
    Outcome,
    RecheckResult,
)
from .models import Case, Inspection, Measure


def _jurisdiction(qs, value):
    if not value:
        return qs
    path = _path(value)
    return qs.filter(jurisdiction__path__startswith=path) if path else qs.none()


def _path(code):
    from envbureau.core.models import Jurisdiction

    j = Jurisdiction.objects.filter(code=str(code).strip()).first()
    return j.path if j else None  # (a NUL sentinel made PostgreSQL refuse the query: 500)


class InspectionFilter(ScopedFilterSet):
    jurisdiction = picker_filter("jurisdiction", _("属地"), method="f_jurisdiction")
    year = df.NumberFilter(label=_("检查年度"), method="f_year", min_value=YEARS[0], max_value=YEARS[1])
    source = df.ChoiceFilter(label=_("来源"), choices=InspectionSource.choices)
    state = df.ChoiceFilter(label=_("状态"), choices=InspectionState.choices)
    result = df.ChoiceFilter(label=_("结果"), choices=InspectionResult.choices)
    enterprise_id = picker_filter("enterprise", _("企业"))
    draw = df.NumberFilter(label=_("抽取ID"))

    class Meta:
        model = Inspection
        fields = ["jurisdiction", "year", "source", "state", "result", "enterprise_id", "draw"]

    def f_jurisdiction(self, qs, name, value):
        return _jurisdiction(qs, value)

    def f_year(self, qs, name, value):
        return qs.filter(inspected_on__year=int(value)) if value else qs


class CaseFilter(ScopedFilterSet):
    jurisdiction = picker_filter("jurisdiction", _("属地"), method="f_jurisdiction")
    filed_year = df.NumberFilter(label=_("立案年度"), method="f_filed", min_value=YEARS[0], max_value=YEARS[1])
    decided_year = df.NumberFilter(label=_("决定年度"), method="f_decided", min_value=YEARS[0], max_value=YEARS[1])
    transferred_year = df.NumberFilter(label=_("移送年度"), method="f_transferred", min_value=YEARS[0], max_value=YEARS[1])
    outcome_group = df.ChoiceFilter(label=_("处理结果"), method="f_group",
                                    choices=[("penalty", _("处罚")), ("no_penalty", _("不予处罚"))])
    outcome = df.ChoiceFilter(label=_("处理结果(明细)"), choices=Outcome.choices)
    state = df.ChoiceFilter(label=_("状态"), choices=CaseState.choices)
    enterprise_id = picker_filter("enterprise", _("企业"))

    class Meta:
        model = Case
        fields = ["jurisdiction", "filed_year", "decided_year", "transferred_year", "outcome_group", "outcome",
                  "state", "enterprise_id"]

    def f_jurisdiction(self, qs, name, value):
        return _jurisdiction(qs, value)

    def f_filed(self, qs, name, value):
        return qs.filter(filed_on__year=int(value)) if value else qs

    def f_decided(self, qs, name, value):
        return qs.filter(decided_on__year=int(value)) if value else qs

    def f_transferred(self, qs, name, value):
        return qs.filter(transferred_on__year=int(value)).exclude(transfer_kind="") if value else qs

    def f_group(self, qs, name, value):
        if value == "penalty":
            return qs.filter(outcome__in=[str(o) for o in PENALTY])
        if value == "no_penalty":
            return qs.filter(outcome__in=[str(o) for o in NO_PENALTY])
        return qs


class MeasureFilter(ScopedFilterSet):
    jurisdiction = picker_filter("jurisdiction", _("属地"), method="f_jurisdiction")
    year = df.NumberFilter(label=_("决定年度"), method="f_year", min_value=YEARS[0], max_value=YEARS[1])
    kind = df.ChoiceFilter(label=_("措施类型"), choices=MeasureKind.choices)
    state = df.ChoiceFilter(label=_("状态"), choices=MeasureState.choices)
    recheck_result = df.ChoiceFilter(label=_("复查结果"), choices=RecheckResult.choices)
    case = df.NumberFilter(label=_("案件ID"))
    enterprise_id = picker_filter("enterprise", _("企业"))

    class Meta:
        model = Measure
        fields = ["jurisdiction", "year", "kind", "state", "recheck_result", "case", "enterprise_id"]

    def f_jurisdiction(self, qs, name, value):
        return _jurisdiction(qs, value)

    def f_year(self, qs, name, value):
        return qs.filter(decided_on__year=int(value)) if value else qs
