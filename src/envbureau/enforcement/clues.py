"""Clues that may become cases (the step before 立案 in the 2023 《生态环境行政处罚办法》, 生态环境部令第30号): an inspection finding, a complaint, an alarm or a
referral. Whether to file a case is decided within `filing_days` = 15 days of receiving the clue, extendable once
or more by `filing_extension_days` = 15 days in total with the head's approval (生态环境行政处罚办法 art. 18).

"Days": 行政处罚法 (2021) art. 85 makes only its 二日/三日/五日/七日 working days, so the 15 days are
calendar days counted from the day after the clue was received; a last day falling on a rest day moves to the next
working day (民法典 art. 203, as the 90-day decision limit). Received Mon 2026-09-21 → due Tue 2026-10-06 falls in
the National Day holiday → Thu 2026-10-08.

Workflow `enforcement.clue`: 待决定是否立案 →(立案: `cases.open_case(…, clue=)`) 已立案 | →(不予立案, reasons) 不予立案;
批准延长 keeps it pending with a later due date. The pending state gives the task 「决定是否立案」 due on the clock's
date: it shows in the task inbox and turns overdue the day after."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from envbureau.core import deadlines as dl
from envbureau.core import texts
from envbureau.core import workflow as wf
from envbureau.core.permissions import has_perm
from envbureau.core.scoping import check_created

from . import config
from .choices import ClueSource, ClueState
from .models import Case, Clue, PoolEnterprise

FILING = "filing"


def filing_rule(jurisdiction=None) -> dl.Rule:
    return dl.Rule(config.get("filing_days", jurisdiction), dl.CALENDAR, roll_forward=True,
                   label=gettext_lazy("决定是否立案"))


def filing_due(clue: Clue) -> dt.date | None:
    c = dl.clock(clue, FILING)
    return c.due if c else None


def _date(value, name: str) -> dt.date:
    from .cases import _date as parse

    day = parse(value, name)
    if day > timezone.localdate():
        raise ValidationError({name: _("日期不能晚于今天:%(d)s") % {"d": day}})
    return day


@transaction.atomic
def open_clue(user, *, source: str, enterprise_id: int, summary: str, received_on=None, source_ref: str = "") -> Clue:
    """Register a clue; its filing clock starts on `received_on` (today when blank)."""
    if user is not None and not has_perm(user, "enforcement.case"):
        raise PermissionDenied(_("您没有“案件办理”权限"))
    if source not in ClueSource.values:
        raise ValidationError({"source": _("未知的线索来源: %(v)s") % {"v": source}})
    pool = PoolEnterprise.objects.filter(enterprise_id=enterprise_id).first()
    if pool is None:
        raise ValidationError({"enterprise_id": _("企业 %(e)s 不在检查对象名录库中") % {"e": enterprise_id}})
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": _("请填写线索内容")})
    received_on = _date(received_on, "received_on")
    clue = Clue(code=f"tmp-{uuid.uuid4().hex[:12]}", source=source, source_ref=(source_ref or "").strip()[:100],
                enterprise_id=enterprise_id, party=pool.name, jurisdiction=pool.jurisdiction,
                received_on=received_on, summary=summary)
    clue.save()
    clue.code = f"XS{received_on.year}-{clue.pk:05d}"
    clue.save(update_fields=["code"])
    check_created(user, clue, "case")  # who may file cases, in the clue's area
    dl.start_clock(clue, FILING, filing_rule(clue.jurisdiction), received_on)
    wf.record_event(clue, user, "open", to_state=clue.state,
                    note=texts.sentence(gettext_noop("%(s)s:%(t)s"), ("s",), s=texts.zh_display(clue, "source"),
                                        t=summary[:100]))
    wf.sync_tasks(clue, user)
    return clue


def from_inspection(user, insp) -> Clue | None:
    """An inspection recorded with 立案查处 is a clue (its findings) received on the inspection day, unless one is
    already open for it."""
    ref = f"enforcement.inspection:{insp.pk}"
    if Clue.objects.filter(source_ref=ref).exists():
        return None
    return open_clue(user if user is None or has_perm(user, "enforcement.case") else None,
                     source=ClueSource.INSPECTION, enterprise_id=insp.enterprise_id,
                     summary=insp.findings or texts.chinese(texts.sentence(gettext_noop("执法检查 %(c)s 建议立案查处"), c=insp.code)),
                     received_on=insp.inspected_on, source_ref=ref)


def file_from(user, clue: Clue, case: Case) -> None:
    """Called by cases.open_case(…, clue=): the clue is decided by filing `case` on the case's filing date."""
    wf.apply(user, clue, "file", case=case.pk, decided_on=case.filed_on)


def h_file(ctx):
    clue, d = ctx.obj, ctx.data
    case = Case.objects.filter(pk=d.get("case")).first()
    if case is None:
        raise wf.TransitionError({"case": _("请在立案页面立案:线索随立案办结")})
    if case.enterprise_id != clue.enterprise_id:
        raise wf.TransitionError({"case": _("案件 %(c)s 的当事人不是线索所涉企业") % {"c": case.code}})
    clue.case = case
    _decide(clue, d.get("decided_on"))
    ctx.event_data = {"case": case.code}


def h_not_file(ctx):
    clue = ctx.obj
    clue.reason = ctx.note
    _decide(clue, ctx.data.get("decided_on"))


def _decide(clue: Clue, day) -> None:
    clue.decided_on = _date(day, "decided_on")
    if clue.decided_on < clue.received_on:
        raise wf.TransitionError({"decided_on": _("决定日期早于收到线索日期 %(d)s") % {"d": clue.received_on}})
    due = filing_due(clue)
    clue.decided_late = bool(due and clue.decided_on > due)
    dl.stop(clue, FILING)


def h_extend(ctx):
    clue = ctx.obj
    try:
        days = int(ctx.data.get("days"))
    except (TypeError, ValueError):
        raise wf.TransitionError({"days": _("请填写延长天数")}) from None
    c = dl.clock(clue, FILING)
    limit = config.get("filing_extension_days", clue.jurisdiction)
    if days < 1 or c.extension_days + days > limit:
        raise wf.TransitionError({"days": _("延长后总计超过 %(n)s 日") % {"n": limit}})
    dl.extend(ctx.user, clue, FILING, days, approver=ctx.user or texts.sentence(gettext_noop("系统")), reason=ctx.note)


def after_extend(ctx):
    """The open task 「决定是否立案」 moves to the extended due date."""
    wf.refresh_due(ctx.obj)


def workflow_due(clue: Clue):
    return filing_due(clue) if clue.state == ClueState.PENDING else None


def detail_url(clue: Clue) -> str:
    return reverse("enforcement:clues-detail", args=[clue.pk])
