"""Transfers of a case to the police (环境保护法 art. 63 with 移送行政拘留暂行办法; 国务院令第310号), each its own record on the workflow
`enforcement.transfer`: 已批准移送 →(移送案卷 {sent_on}) 已移送 →(登记处理结果 {outcome, outcome_on, detention_days})
已办结. A case may be transferred several times (the managers for detention after the decision, later a suspected
crime), each with its 案件移送书, receiving authority, persons concerned and the police's answer.

Limits (core.deadlines, on the transfer's page and in the task inbox):
* 行政拘留: the files go within `transfer_detention_working_days` = 3 working days of the transfer decision
  (移送行政拘留暂行办法 arts. 11, 19; every period in it is in working days);
* 涉嫌犯罪: within 24 hours of the head's approval (国务院令第310号 art. 5), `transfer_crime_days` = 1: the day
  after; the police then decide whether to open a criminal case within `transfer_answer_days` = 3 days of receipt
  (310号 art. 8 [1S]) — shown so the bureau can ask after it.

The persons concerned are personal data: the record is read by staff in scope only (no public path, no enterprise
path), and the case's timeline names the transfer by its number, never the persons."""

from __future__ import annotations

import datetime as dt
import uuid

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from envbureau.core import deadlines as dl
from envbureau.core import texts
from envbureau.core import workflow as wf
from envbureau.core.scoping import check_created

from . import config
from .choices import TransferKind, TransferOutcome
from .models import Case, Transfer

SEND = "transfer"  # the clock key the case used before transfers were records (kept for migrated clocks)
ANSWER = "answer"
CLOCKS = (SEND, ANSWER)
OUTCOMES = {  # the answers the police may give to each kind of transfer
    TransferKind.DETENTION: (TransferOutcome.DETAINED, TransferOutcome.NOT_DETAINED, TransferOutcome.RETURNED),
    TransferKind.CRIME: (TransferOutcome.PROSECUTED, TransferOutcome.NOT_PROSECUTED, TransferOutcome.RETURNED),
}


def _date(value, name: str) -> dt.date:
    """A date given on a step (today when blank), never later than today: what is recorded has happened."""
    from django.utils import timezone

    from .cases import _date as parse

    day = parse(value, name)
    if day > timezone.localdate():
        raise wf.TransitionError({name: _("日期不能晚于今天:%(d)s") % {"d": day}})
    return day


def send_rule(kind: str, jurisdiction=None) -> dl.Rule:
    """For detention, the files go to the police within 3 working days of the transfer decision (移送行政拘留暂行办法
    arts. 11, 19); a suspected crime is transferred within 24 hours of the head's approval (国务院令第310号 art. 5 [2S]),
    counted here as the day after the approval date."""
    if kind == TransferKind.CRIME:
        return dl.Rule(config.get("transfer_crime_days", jurisdiction), dl.CALENDAR,
                       label=gettext_lazy("移送涉嫌犯罪案件(批准后24小时内)"))
    return dl.Rule(config.get("transfer_detention_working_days", jurisdiction), dl.WORKING, label=gettext_lazy("移送案卷"))


def answer_rule(jurisdiction=None) -> dl.Rule:
    return dl.Rule(config.get("transfer_answer_days", jurisdiction), dl.CALENDAR,
                   label=gettext_lazy("公安机关决定是否立案"))


def h_transfer(ctx):
    """The case's 移送公安 step: makes one Transfer record (several per case allowed)."""
    case, d = ctx.obj, ctx.data
    kind = d.get("transfer_kind")
    if kind not in TransferKind.values:
        raise wf.TransitionError({"transfer_kind": _("请选择移送类型")})
    if kind == TransferKind.DETENTION and case.decided_on is None:  # 移送行政拘留暂行办法 arts. 2, 10: the penalty decision comes first
        raise wf.TransitionError({"transfer_kind": _("移送行政拘留应先作出行政处罚决定;涉嫌犯罪的可在案件审查时移送")})
    on = _date(d.get("transferred_on"), "transferred_on")
    if on < case.filed_on:
        raise wf.TransitionError({"transferred_on": _("移送日期早于立案日期")})
    if kind == TransferKind.DETENTION and on < case.decided_on:
        raise wf.TransitionError({"transferred_on": _("移送行政拘留的日期早于处罚决定日期 %(d)s") % {"d": case.decided_on}})
    authority = (d.get("authority") or "").strip()
    if not authority:
        raise wf.TransitionError({"authority": _("请填写接收移送的公安机关")})
    t = Transfer(code=f"tmp-{uuid.uuid4().hex[:12]}", case=case, kind=kind, enterprise_id=case.enterprise_id,
                 party=case.party, jurisdiction=case.jurisdiction, transferred_on=on, authority=authority[:200],
                 persons=(d.get("persons") or "").strip(), reason=(d.get("reason") or ctx.note or "").strip())
    t.save()
    t.code = f"{case.code}-YS{Transfer.objects.filter(case=case, pk__lte=t.pk).count()}"
    t.save(update_fields=["code"])
    check_created(ctx.user, t, "decide")  # the step's own permission, in the transfer's area
    dl.start_clock(t, SEND, send_rule(kind, case.jurisdiction), on)
    wf.record_event(t, ctx.user, "open", to_state=t.state,
                    note=texts.sentence(gettext_noop("批准%(k)s,接收机关:%(a)s"), ("k",),
                                        k=texts.zh_display(t, "kind"), a=t.authority))
    wf.sync_tasks(t, ctx.user)
    ctx.event_data = {"transfer": t.code, "transfer_kind": kind}
    ctx.transfer = t


def transfer_case(user, case: Case, *, kind: str, transferred_on=None, authority: str = "", persons: str = "",
                  reason: str = "") -> Transfer:
    """The service behind the page, the API and tests: the case's 移送公安 step, returning the new record."""
    wf.apply(user, case, "transfer", transfer_kind=kind, transferred_on=transferred_on, authority=authority,
             persons=persons, reason=reason)
    return Transfer.objects.filter(case=case).order_by("-pk").first()


def h_send(ctx):
    t = ctx.obj
    t.sent_on = _date(ctx.data.get("sent_on"), "sent_on")
    if t.sent_on < t.transferred_on:
        raise wf.TransitionError({"sent_on": _("案卷移送日期早于移送决定日期 %(d)s") % {"d": t.transferred_on}})
    c = dl.clock(t, SEND)
    t.sent_late = bool(c and t.sent_on > c.due)
    dl.stop(t, SEND)
    if t.kind == TransferKind.CRIME:
        dl.start_clock(t, ANSWER, answer_rule(t.jurisdiction), t.sent_on)
    ctx.event_data = {"late": t.sent_late}


def h_conclude(ctx):
    t, d = ctx.obj, ctx.data
    outcome = d.get("outcome")
    allowed = OUTCOMES[TransferKind(t.kind)]
    if outcome not in allowed:
        raise wf.TransitionError({"outcome": _("处理结果应为:%(o)s") % {
            "o": "、".join(str(TransferOutcome(o).label) for o in allowed)}})
    t.outcome = outcome
    t.outcome_on = _date(d.get("outcome_on"), "outcome_on")
    if t.sent_on and t.outcome_on < t.sent_on:
        raise wf.TransitionError({"outcome_on": _("处理结果日期早于案卷移送日期 %(d)s") % {"d": t.sent_on}})
    t.detained = outcome == TransferOutcome.DETAINED if t.kind == TransferKind.DETENTION else None
    days = d.get("detention_days")
    if t.detained:
        low, high = config.get("detention_days_range", t.jurisdiction)
        try:
            days = int(days)
        except (TypeError, ValueError):
            raise wf.TransitionError({"detention_days": _("请填写拘留天数")}) from None
        if not low <= days <= high:  # 环境保护法 art. 63: 10–15 days, 5–10 when minor
            raise wf.TransitionError({"detention_days": _("拘留天数应在 %(a)s 至 %(b)s 日之间") % {"a": low, "b": high}})
        t.detention_days = days
    elif days not in (None, ""):
        raise wf.TransitionError({"detention_days": _("未决定行政拘留,不填拘留天数")})
    else:
        t.detention_days = None
    t.outcome_note = ctx.note
    dl.stop(t, ANSWER)


def after_conclude(ctx):
    t = ctx.obj
    wf.record_event(t.case, ctx.user, "note", note=texts.sentence(
        gettext_noop("%(c)s 公安机关处理结果:%(o)s"), ("o",), c=t.code, o=texts.zh_display(t, "outcome")))


def workflow_due(t: Transfer):
    for key in CLOCKS:
        c = dl.clock(t, key)
        if c and c.stopped_at is None:
            return c.due
    return None


def detail_url(t: Transfer) -> str:
    return reverse("enforcement:transfers-detail", args=[t.pk])
