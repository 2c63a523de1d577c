"""Automatic publication (一公开: 环办执法〔2021〕18号; 行政处罚法 art. 48): inspection results once recorded, penalty
decisions once final (served) and seizure decisions (with their extension and release, Order No. 29 art. 7), after a configurable delay in working days, and never later than their
publication due date. Run daily by the job `enforcement_autopublish`; each publication is the workflow's own
`publish` transition (timeline, tasks, audit), acted by the system."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_noop

from envbureau.core import deadlines as dl
from envbureau.core import texts
from envbureau.core import workflow as wf

from . import cases, config
from .choices import PENALTY, MeasureKind
from .models import Case, Inspection, Measure

AUTO = gettext_noop("自动公开")  # the timeline note, worded per reader

def inspection_ready_on(insp: Inspection) -> dt.date | None:
    """The day a recorded inspection's result is published automatically (None: never automatically)."""
    delay = config.get("auto_publish_inspection_working_days")
    if delay is None or insp.state != "recorded" or insp.inspected_on is None:
        return None
    day = dl.add_days(insp.inspected_on, int(delay), dl.WORKING)
    return min(day, insp.publish_due) if insp.publish_due else day


def penalty_ready_on(case: Case) -> dt.date | None:
    """The day a final (served) penalty decision is published automatically (None: never automatically)."""
    delay = config.get("auto_publish_penalty_working_days")
    if delay is None or case.published or case.outcome not in PENALTY or case.served_on is None:
        return None
    day = dl.add_days(case.served_on, int(delay), dl.WORKING)
    c = dl.clock(case, cases.PUBLICATION)
    # never after the publication due date; a decision served after that date is published on service
    return max(case.served_on, min(day, c.due)) if c else day


def seizure_ready_on(m: Measure) -> dt.date | None:
    """The day a seizure decision (with its extension and release so far) is published automatically (None:
    never automatically, or already published)."""
    delay = config.get("auto_publish_seizure_working_days")
    if delay is None or m.published or m.kind != MeasureKind.SEIZURE:
        return None
    day = dl.add_days(m.decided_on, int(delay), dl.WORKING)
    return min(day, m.publish_due) if m.publish_due else day


def due(today: dt.date) -> tuple[list[Inspection], list[Case], list[Measure]]:
    insp = [i for i in Inspection.objects.filter(state="recorded", inspected_on__isnull=False)
            if (d := inspection_ready_on(i)) is not None and d <= today]
    decided = Case.objects.filter(published=False, served_on__isnull=False, outcome__in=[str(o) for o in PENALTY])
    seized = Measure.objects.filter(kind=MeasureKind.SEIZURE, published=False, decided_on__lte=today)
    return (insp, [c for c in decided if (d := penalty_ready_on(c)) is not None and d <= today],
            [m for m in seized if (d := seizure_ready_on(m)) is not None and d <= today])


def run(today: dt.date, *, dry_run: bool = False) -> dict:
    """Publish what is due on `today`; returns the codes published (or that would be)."""
    insp, decided, seized = due(today)
    if not dry_run:
        for i in insp:
            wf.apply(None, i, "publish", note=texts.sentence(AUTO))
        for c in decided:
            wf.apply(None, c, "publish", note=texts.sentence(AUTO), published_on=today.isoformat())
        for m in seized:
            wf.apply(None, m, "publish", note=texts.sentence(AUTO), published_on=today.isoformat())
    return {"inspections": [i.code for i in insp], "penalties": [c.code for c in decided],
            "seizures": [m.code for m in seized]}
