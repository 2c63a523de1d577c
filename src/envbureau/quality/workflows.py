"""The quality app's closed loops on core.workflow: station warnings and data reviews.

Warnings: open → acknowledged → closed (a note), and 预警交办 (to_problem) hands one to the ledger.
Who may act: anyone granted quality.handle in the warning's area, or bureau staff who may change quality
records (their department's quality.change) — the permission "quality.handle|quality.change", which is
also who gets the task.
Data reviews: active → revoked; the review itself is the "review" line on its timeline.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from envbureau.core import texts
from envbureau.core import workflow as wf


def _actor(ctx):
    return ctx.user if ctx.user is not None and ctx.user.pk else None


def _acknowledge(ctx):
    ctx.obj.acknowledged_by, ctx.obj.acknowledged_at = _actor(ctx), timezone.now()


def _close(ctx):
    ctx.obj.closed_by, ctx.obj.closed_at, ctx.obj.close_note = _actor(ctx), timezone.now(), ctx.note


def _to_problem(ctx):
    from .services import open_problem_for

    ref, code = open_problem_for(ctx.user, ctx.obj, note=ctx.note, **ctx.data)
    ctx.obj.problem_ref = ref[:80]
    ctx.event_data = {"problem_ref": ref, "problem_code": code}
    if ctx.from_state == "open":
        _acknowledge(ctx)


def _name_the_problem(ctx):
    # The line says which problem it became (the reader follows it to closure in the ledger).
    said = texts.sentence(gettext_noop("预警交办为问题 %(c)s"), c=ctx.event_data["problem_code"])
    facts = texts.lines(said, texts.sentence("%(t)s", t=ctx.note)) if ctx.note else said
    ctx.event.note = texts.chinese(facts)  # stored in Chinese, the facts worded per reader on the timeline
    ctx.event.data = {**(ctx.event.data or {}), "note_facts": facts}
    ctx.event.save(update_fields=["note", "data"])


def _no_problem_yet(user, warning):
    from django.core.exceptions import ValidationError

    if warning.problem_ref:
        raise ValidationError(_("该预警已交办为问题:%(r)s") % {"r": warning.problem_ref})


HANDLERS = "quality.handle|quality.change"  # services.may_handle says the same for buttons
HANDLE = wf.TaskSpec(gettext_lazy("处理预警"), HANDLERS)

WARNING = wf.register(wf.Workflow(
    "quality.warning", module="quality", name=gettext_lazy("预警"),
    states=[wf.State("open", gettext_lazy("待处理"), "danger", task=HANDLE),
            wf.State("acknowledged", gettext_lazy("已确认"), "warning",
                     task=wf.TaskSpec(gettext_lazy("跟踪处置并关闭预警"), HANDLERS)),
            wf.State("closed", gettext_lazy("已关闭"), "secondary", terminal=True)],
    transitions=[
        wf.Transition("acknowledge", ("open",), "acknowledged", HANDLERS, gettext_lazy("确认"),
                      handler=_acknowledge, button="warning"),
        wf.Transition("close", ("open", "acknowledged"), "closed", HANDLERS, gettext_lazy("关闭"),
                      note_required=True, handler=_close, button="secondary"),
        wf.Transition("to_problem", ("open", "acknowledged"), "acknowledged", HANDLERS,
                      gettext_lazy("预警交办(转问题台账)"), params=("category", "deadline", "responsible_units"),
                      guard=_no_problem_yet, handler=_to_problem, after=_name_the_problem,
                      button="outline-danger"),
    ],
    title=lambda w: f"{w.get_kind_display()} {w.subject}",
    url=lambda w: reverse("quality:warning-detail", args=[w.pk]),
    verb_labels={"open": gettext_lazy("产生预警")},
))


def _revoked(ctx):
    from . import services

    services.unapply_review(ctx.obj)  # after the save: the masks are rebuilt without this review


REVIEW = wf.register(wf.Workflow(
    "quality.datareview", module="quality", name=gettext_lazy("数据审核"),
    states=[wf.State("active", gettext_lazy("有效"), "success"),
            wf.State("revoked", gettext_lazy("已撤销"), "secondary", terminal=True)],
    transitions=[wf.Transition("revoke", ("active",), "revoked", "quality.change", gettext_lazy("撤销审核"),
                               after=_revoked, button="outline-danger")],
    title=lambda r: str(r), url=lambda r: reverse("quality:reviews"),
    verb_labels={"review": gettext_lazy("审核(标记无效)")},
))
