import django_filters as df
from django.utils.translation import gettext_lazy as _

from envbureau.core.filters import ScopedFilterSet

from .models import Report


class ReportFilter(ScopedFilterSet):
    """The archive page (which names the type `type`) and /api/v1/reports/reports/ (`kind`)."""

    type = df.CharFilter(label=_("报告类型"), field_name="kind")

    class Meta:
        model = Report
        fields = ["kind", "state", "period_key"]
