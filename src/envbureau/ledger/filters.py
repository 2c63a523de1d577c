"""One filterset for the list page, the statistics page, the exports and the API."""

import django_filters as df
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from envbureau.core.models import Jurisdiction

from .choices import Category, Source, State
from .models import Problem, overdue_q


class ProblemFilter(df.FilterSet):
    q = df.CharFilter(label=_("关键词"), method="filter_q")
    source = df.ChoiceFilter(label=_("来源"), choices=Source.choices)
    category = df.ChoiceFilter(label=_("类型"), choices=Category.choices)
    state = df.ChoiceFilter(label=_("状态"), choices=State.choices)
    batch = df.CharFilter(label=_("批次"), method="filter_batch")
    unit = df.CharFilter(label=_("责任单位"), method="filter_unit")
    jurisdiction = df.CharFilter(label=_("属地(区划代码)"), method="filter_jurisdiction")
    since = df.DateFilter(label=_("交办日期起"), field_name="received_on", lookup_expr="gte")
    until = df.DateFilter(label=_("交办日期止"), field_name="received_on", lookup_expr="lte")
    overdue = df.BooleanFilter(label=_("逾期"), method="filter_overdue")
    enterprise_id = df.NumberFilter(label=_("企业ID"))

    class Meta:
        model = Problem
        fields = ["q", "source", "category", "state", "batch", "unit", "jurisdiction", "since", "until", "overdue"]

    def filter_q(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        if Problem.objects.filter(code=value).exists():  # a problem code: the unique index answers
            return qs.filter(code=value)
        return qs.filter(Q(title__icontains=value) | Q(location__icontains=value) | Q(code__icontains=value))

    def filter_batch(self, qs, name, value):
        # Exact batch (the batch links, statistics and the API use it; indexed). "前缀*" matches a prefix.
        value = value.strip()
        if value.endswith("*"):
            return qs.filter(batch__startswith=value[:-1])
        return qs.filter(batch=value) if value else qs

    def filter_unit(self, qs, name, value):
        value = value.strip()
        # responsible_units is a JSON list; a text match on it works on every engine.
        return qs.filter(responsible_units__icontains=value) if value else qs

    def filter_jurisdiction(self, qs, name, value):
        j = Jurisdiction.objects.filter(code=value.strip()).first()
        if j is None:
            return qs.none()
        ids = list(Jurisdiction.objects.filter(path__startswith=j.path).values_list("pk", flat=True))
        return qs.filter(jurisdiction_id__in=ids)

    def filter_overdue(self, qs, name, value):
        if value is None:
            return qs
        q = overdue_q(timezone.localdate())
        return qs.filter(q) if value else qs.exclude(q)
