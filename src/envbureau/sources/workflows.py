"""The sources app's closed loops on core.workflow: online-monitoring alarms and abnormal-data declarations.

Alarms: open → acknowledged → closed (a handling note), and to_problem hands one to the ledger; every note is
a line of the alarm's timeline (no longer appended to alarm.note, which keeps the closing note).
Declarations: pending → approved / rejected (a note) / withdrawn (by the enterprise).
Staff verbs are granted by their own permission (sources.ack_alarm, close_alarm, approve_declaration) or, for
departments responsible for the sources module, by sources.change: either of two permissions, so the
transition's permission names both ("sources.ack_alarm|sources.change"), and so does the task's.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from envbureau.core import texts
from envbureau.core import workflow as wf


def _staff(action: str) -> str:
    """The verb's own permission or, for departments responsible for the sources module, sources.change
    (services.may says the same for buttons); also who gets the task."""
    return f"sources.{action}|sources.change"


def _actor(ctx):
    return ctx.user if getattr(ctx.user, "pk", None) else None


# ---- alarms -------------------------------------------------------------------------------------

def _acknowledge(ctx):
    ctx.obj.acknowledged_by, ctx.obj.acknowledged_at = _actor(ctx), timezone.now()


def _close(ctx):
    a, now = ctx.obj, timezone.now()
    a.closed_by, a.closed_at, a.note = _actor(ctx), now, ctx.note
    # Closing ends the episode: if the condition still persists, the next occurrence opens a new alarm.
    if a.active:
        a.active = False
        a.ended_at = a.ended_at or now


def _no_problem_yet(user, alarm):
    if alarm.problem_ref:
        raise ValidationError(_("该报警已转为问题:%(r)s") % {"r": alarm.problem_ref})


def _to_problem(ctx):
    from .services import open_problem_for

    ref, code = open_problem_for(ctx.user, ctx.obj, **ctx.data)
    ctx.obj.problem_ref = ref[:60]
    ctx.event_data = {"problem_ref": ref, "problem_code": code}
    if ctx.from_state == "open":
        _acknowledge(ctx)


def _name_the_problem(ctx):
    said = texts.sentence(gettext_noop("报警转为问题 %(c)s"), c=ctx.event_data["problem_code"])
    facts = texts.lines(said, texts.sentence("%(t)s", t=ctx.note)) if ctx.note else said
    ctx.event.note = texts.chinese(facts)  # stored in Chinese, the facts worded per reader on the timeline
    ctx.event.data = {**(ctx.event.data or {}), "note_facts": facts}
    ctx.event.save(update_fields=["note", "data"])


ALARM = wf.register(wf.Workflow(
    "sources.alarm", module="sources", name=gettext_lazy("报警"),
    states=[wf.State("open", gettext_lazy("待处理"), "danger",
                     task=wf.TaskSpec(gettext_lazy("处理报警"), _staff("ack_alarm"))),
            wf.State("acknowledged", gettext_lazy("已确认"), "warning",
                     task=wf.TaskSpec(gettext_lazy("处置并关闭报警"), _staff("close_alarm"))),
            wf.State("closed", gettext_lazy("已关闭"), "secondary", terminal=True)],
    transitions=[
        wf.Transition("acknowledge", ("open",), "acknowledged", _staff("ack_alarm"), gettext_lazy("确认"),
                      handler=_acknowledge, button="warning"),
        wf.Transition("close", ("open", "acknowledged"), "closed", _staff("close_alarm"), gettext_lazy("关闭"),
                      note_required=True, handler=_close, button="secondary"),
        wf.Transition("to_problem", ("open", "acknowledged"), "acknowledged", _staff("close_alarm"),
                      gettext_lazy("转为问题"), params=("category", "deadline"), guard=_no_problem_yet,
                      handler=_to_problem, after=_name_the_problem, button="outline-danger"),
    ],
    field="status",
    title=lambda a: f"{a.enterprise.name} {a.point.name} {a.get_kind_display()}",
    url=lambda a: reverse("sources:alarm-detail", args=[a.pk]),
    verb_labels={"open": gettext_lazy("产生报警")},
))


# ---- declarations ---------------------------------------------------------------------------------

def _reviewed(ctx):
    d = ctx.obj
    d.reviewed_by, d.reviewed_at, d.review_note = _actor(ctx), timezone.now(), ctx.note


def _approved(ctx):
    from .services import add_dossier_event, apply_declaration

    d = ctx.obj
    counts = apply_declaration(d)
    ctx.event.data = {**ctx.event.data, **counts}
    ctx.event.save(update_fields=["data"])
    add_dossier_event(d.enterprise_id, "sources.declaration",
                      facts=texts.sentence(gettext_noop("异常申报通过:%(k)s"), ("k",), k=texts.zh_display(d, "kind")),
                      detail_facts=texts.sentence(gettext_noop("标记小时数据 %(h)d 条、报警 %(a)d 条"),
                                                  h=counts["hourly"], a=counts["alarms"]),
                      source_ref=f"sources.declaration:{d.pk}", actor=ctx.user)


def _rejected(ctx):
    from .services import add_dossier_event

    d = ctx.obj
    add_dossier_event(d.enterprise_id, "sources.declaration",
                      facts=texts.sentence(gettext_noop("异常申报被驳回:%(k)s"),
                                           ("k",), k=texts.zh_display(d, "kind")),
                      detail=d.review_note, source_ref=f"sources.declaration:{d.pk}", actor=ctx.user)


DECLARATION = wf.register(wf.Workflow(
    "sources.declaration", module="sources", name=gettext_lazy("异常申报"),
    states=[wf.State("pending", gettext_lazy("待审核"), "warning",
                     task=wf.TaskSpec(gettext_lazy("审核异常申报"), _staff("approve_declaration"))),
            wf.State("approved", gettext_lazy("已通过"), "success", terminal=True),
            wf.State("rejected", gettext_lazy("已驳回"), "danger", terminal=True),
            wf.State("withdrawn", gettext_lazy("已撤回"), "secondary", terminal=True)],
    transitions=[
        wf.Transition("approve", ("pending",), "approved", _staff("approve_declaration"), gettext_lazy("通过"),
                      handler=_reviewed, after=_approved, button="success"),
        wf.Transition("reject", ("pending",), "rejected", _staff("approve_declaration"), gettext_lazy("驳回"),
                      note_required=True, handler=_reviewed, after=_rejected, button="danger"),
        wf.Transition("withdraw", ("pending",), "withdrawn", "sources.declare", gettext_lazy("撤回"),
                      button="outline-secondary"),
    ],
    field="status",
    title=lambda d: f"{d.enterprise.name} {d.get_kind_display()}",
    url=lambda d: reverse("sources:declaration-detail", args=[d.pk]),
    verb_labels={"submit": gettext_lazy("提交申报")},
))
