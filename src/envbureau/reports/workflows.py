"""A report's loop on core.workflow: generated (by hand or on schedule) → waiting for sign-off, with a
签发报告 task for whoever holds reports.issue in its area → issued (numbered .docx + PDF, archived)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from envbureau.core import workflow as wf


def _issue(ctx):
    from envbureau.core.documents import issue

    rep = ctx.obj
    rep.issued_at = timezone.now()
    rep.issued_by = ctx.user if ctx.user is not None and ctx.user.pk else None
    doc = issue(ctx.user, rep, f"reports.{rep.kind}", pdf=False)  # PDF after the transaction (services)
    ctx.event_data = {"document_id": doc.pk, "number": doc.number}


REPORT = wf.register(wf.Workflow(
    "reports.report", module="reports", name=gettext_lazy("报告"),
    states=[wf.State("pending", gettext_lazy("待签发"), "warning",
                     task=wf.TaskSpec(gettext_lazy("审核签发报告"), "reports.issue", level="")),
            wf.State("issued", gettext_lazy("已签发"), "success", terminal=True)],
    transitions=[wf.Transition("issue", ("pending",), "issued", "reports.issue", gettext_lazy("签发"),
                               handler=_issue, button="success")],
    title=lambda r: r.title,
    url=lambda r: reverse("reports:archive-detail", args=[r.pk]),
    verb_labels={"open": gettext_lazy("生成报告")},
))
