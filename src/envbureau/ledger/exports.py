"""Excel exports in the column layouts bureaus use (the Zhangzhou supervision system's 销号汇总表; published rectification task lists).

- "tasks": 整改任务清单/进展表 (as published rectification plans list tasks): 序号 | 督察反馈问题 | 整改目标 | 整改措施 | 责任单位(牵头/配合) | 责任领导 |
  整改时限 | 整改进展情况 | 完成情况 | 销号情况 / 公示时间 — plus 问题编号, 来源, 批次, 属地, 类型 so the file re-imports.
- "closure": 督察销号汇总表 (the Zhangzhou supervision system's export): 项目名称 | 问题简述 | 问题整改完成时限 | 整改进度, then one date column per
  sign-off step of the chains in use (the system stores the chain as data, so the columns follow it).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from envbureau.core.excel import workbook_bytes

from .choices import CLOSED_STATES, DONE_STATES, PROGRESS_WORDS, State
from .models import Problem, SignOff, SignOffStep


def progress_word(p: Problem, today: dt.date) -> str:
    if p.state in DONE_STATES:
        return str(PROGRESS_WORDS["done"])
    if p.state == State.CLOSURE_REQUESTED:
        return str(PROGRESS_WORDS["basically_done"])
    if p.is_overdue(today):
        return str(PROGRESS_WORDS["behind"])
    if p.long_term:
        return str(PROGRESS_WORDS["long_term"])
    return str(PROGRESS_WORDS["on_schedule"])


def closure_word(p: Problem) -> str:
    if p.state == State.NOTICED:
        return _("已销号,已公示(%(a)s至%(b)s)") % {"a": timezone.localtime(p.noticed_at).date(), "b": p.notice_until}
    if p.state in CLOSED_STATES:
        return _("已销号(%(d)s)") % {"d": timezone.localtime(p.closed_out_at).date()}
    return _("未销号")


def units_text(units: list[str]) -> str:
    if not units:
        return ""
    text = _("牵头:") + units[0]
    if len(units) > 1:
        text += ";" + _("配合:") + "、".join(units[1:])
    return text


TASK_HEADER = ["序号", "问题编号", "问题来源", "批次", "属地", "问题类型", "督察反馈问题", "整改目标", "整改措施",
               "责任单位", "责任领导", "整改时限", "整改进展情况", "完成情况", "销号情况/公示时间"]


def task_rows(qs, today: dt.date | None = None, limit: int = 100000) -> list[list]:
    today = today or timezone.localdate()
    rows = []
    for i, p in enumerate(qs.select_related("jurisdiction")[:limit], start=1):
        rows.append([
            i, p.code, p.get_source_display(), p.batch, p.jurisdiction.name, p.get_category_display(),
            p.title + ("\n" + p.description if p.description else ""), p.target, p.measures,
            units_text(p.responsible_units), p.responsible_person,
            _("长期坚持") if p.long_term and not p.deadline else (p.deadline or ""),
            p.progress, progress_word(p, today), closure_word(p),
        ])
    return rows


def closure_rows(qs, limit: int = 100000) -> tuple[list[str], list[list]]:
    problems = list(qs.select_related("jurisdiction")[:limit])
    steps = list(SignOffStep.objects.filter(chain__active=True).order_by("order", "id").values_list("name", flat=True))
    step_names = list(dict.fromkeys(steps)) or ["验收"]
    signed: dict[int, dict[str, dt.datetime]] = {}
    ids = [p.pk for p in problems]
    for i in range(0, len(ids), 900):  # stay under SQLite's parameter limit
        for s in SignOff.objects.filter(problem_id__in=ids[i:i + 900]).order_by("round", "signed_at"):
            signed.setdefault(s.problem_id, {})[s.step_name] = s.signed_at  # the latest round wins
    header = ["序号", "问题编号", "项目名称", "问题简述", "属地", "问题整改完成时限", "整改进度"]
    header += [f"实际{name}时间" for name in step_names] + ["销号时间", "公示时间"]
    rows = []
    for i, p in enumerate(problems, start=1):
        dates = signed.get(p.pk, {})
        rows.append([i, p.code, p.batch or p.get_source_display(), p.title, p.jurisdiction.name, p.deadline or "",
                     p.get_state_display()]
                    + [_d(dates.get(n)) for n in step_names]
                    + [_d(p.closed_out_at), _d(p.noticed_at)])
    return header, rows


def _d(value):
    return timezone.localtime(value).date() if value else ""


def ledger_workbook(qs, layout: str = "tasks", title: str = "", heading: str | None = None) -> bytes:
    """`heading`: the export's title row (core.excel.export_title); none for a file sent on as it is."""
    if layout == "closure":
        header, rows = closure_rows(qs)
        return workbook_bytes([(title or _("督察销号汇总表"), header, rows)], title=heading)
    return workbook_bytes([(title or _("整改任务清单"), TASK_HEADER, task_rows(qs))], title=heading)
