"""Pages without COUNT(*): over a million complaints an exact count with a rare combination of
filters scans most of the table and costs more than the page itself. A page fetches one row more
than it shows to know whether a next page exists; totals come from the statistics (summary table)."""

from __future__ import annotations

from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param


class SeekPage:
    def __init__(self, qs, number, per_page: int):
        try:
            number = max(int(number or 1), 1)
        except (TypeError, ValueError):
            number = 1
        self.number = number
        rows = list(qs[(number - 1) * per_page: number * per_page + 1])
        self._has_next = len(rows) > per_page
        self.object_list = rows[:per_page]

    def has_next(self):
        return self._has_next

    def has_previous(self):
        return self.number > 1

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1


class SeekPagination(BasePagination):
    """Page-number pagination without a total: {"count": null, "next", "previous", "results"}."""

    page_size = 50
    max_page_size = 1000

    def paginate_queryset(self, queryset, request, view=None):
        try:
            size = min(max(int(request.query_params.get("page_size") or self.page_size), 1), self.max_page_size)
        except ValueError:
            size = self.page_size
        self.request = request
        self.page = SeekPage(queryset, request.query_params.get("page"), size)
        return self.page.object_list

    def _link(self, number):
        url = self.request.build_absolute_uri()
        return remove_query_param(url, "page") if number == 1 else replace_query_param(url, "page", number)

    def get_paginated_response(self, data):
        p = self.page
        return Response({"count": None, "page": p.number,
                         "next": self._link(p.number + 1) if p.has_next() else None,
                         "previous": self._link(p.number - 1) if p.has_previous() else None, "results": data})

    def get_schema_operation_parameters(self, view):
        return [
            {"name": "page", "required": False, "in": "query", "description": "页码(从 1 起)",
             "schema": {"type": "integer", "minimum": 1}},
            {"name": "page_size", "required": False, "in": "query",
             "description": f"每页条数(1–{self.max_page_size},默认 {self.page_size})",
             "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size}},
        ]

    def get_paginated_response_schema(self, schema):
        return {"type": "object", "properties": {
            "count": {"type": "integer", "nullable": True}, "page": {"type": "integer"},
            "next": {"type": "string", "nullable": True}, "previous": {"type": "string", "nullable": True},
            "results": schema}}
