"""A paginator that stops counting at CAP rows: an exact COUNT(*) over a million complaints costs more
than the page itself, and nobody pages past 10,000 rows (filters narrow the list instead)."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.response import Response

from envbureau.core.drf import Pagination

CAP = 10_000


class CappedPaginator(Paginator):
    cap = CAP

    @cached_property
    def count(self):
        n = self.object_list[: self.cap + 1].count()
        self.capped = n > self.cap
        return min(n, self.cap)

    capped = False


class CappedPagination(Pagination):
    """DRF pagination with `count` exact up to 10,000 and `count_capped: true` beyond."""

    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data):
        return Response({"count": self.page.paginator.count, "count_capped": self.page.paginator.capped,
                         "next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})
