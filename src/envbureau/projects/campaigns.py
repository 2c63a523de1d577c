"""Campaigns (专项行动): target lists with a class per target and the class's closure checks (两断三清 …);
each target's progress is the ledger problem opened for it (ledger.services.open_problem, source 专项行动,
batch = the campaign's name). No state machine of our own: done = the problem's rectification accepted
(ledger DONE_STATES) and, for classes with closure checks, every check recorded. A later check that finds
the problem back (反弹) reopens the problem through the ledger's own verb."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from envbureau.core import services as core_services
from envbureau.core import texts
from envbureau.core import workflow as wf
from envbureau.core.permissions import has_perm
from envbureau.core.scoping import can
from envbureau.ledger import services as ledger

from .models import Campaign, CampaignTarget

REF = "projects.campaigntarget"
# The title of a target's ledger problem, kept as facts (campaign, target, class) and worded per reader: the
# campaign's and the target's names are data, the class is a word of the campaign kind's fixed list.
PROBLEM_TITLE = gettext_noop("%(c)s:%(n)s(%(k)s)")
ledger.register_title_texts({"projects.campaign": (PROBLEM_TITLE, ("k",))})


def _ledger_actor(user, perm: str):
    """The user when they hold the ledger right themselves, else the trusted path: the campaign's own right
    (projects.change on the target, checked by the caller) is what lets them put it on the ledger."""
    return user if user is not None and has_perm(user, perm) else None


@transaction.atomic
def create_campaign(user, campaign: Campaign, m2m=None) -> Campaign:
    return core_services.create_object(user, campaign)


def _title_facts(t: CampaignTarget) -> dict:
    return {"msg": "projects.campaign", "args": {"c": t.campaign.name, "n": t.name, "k": t.class_conf()[0]}}


def _description_facts(t: CampaignTarget) -> dict:
    """The ledger problem's description as facts (core.texts lines): stored in Chinese, read per reader; the
    class and the close-out checks are words of the campaign kind's fixed lists."""
    lines = [texts.sentence(gettext_noop("整治类型:%(k)s"), ("k",), k=t.class_conf()[0])]
    if t.flags:
        lines.append(texts.sentence(gettext_noop("问题特征:%(f)s"), f=t.flags))
    if t.required_checks():
        lines.append(texts.sentence(gettext_noop("销号核查:%(c)s"), ("c",), c=t.required_checks()))
    if t.industry:
        lines.append(texts.sentence(gettext_noop("行业:%(i)s"), i=t.industry))
    return texts.lines(*lines)


def _dossier(t: CampaignTarget, user, title: str | dict) -> None:
    if t.enterprise_id:
        from envbureau.sources.services import add_dossier_event

        add_dossier_event(t.enterprise_id, "projects.campaigntarget", title, source_ref=f"{REF}:{t.pk}",
                          url=reverse("projects:targets-detail", args=[t.pk]), actor=user)


def open_target(user, t: CampaignTarget) -> CampaignTarget:
    """Put a saved target on the ledger (one problem per target, kept in target.problem_id)."""
    p = ledger.open_problem(
        _ledger_actor(user, "ledger.add"), source="campaign", title_facts=_title_facts(t),
        description_facts=_description_facts(t),
        category=t.campaign.category, jurisdiction=t.jurisdiction, enterprise_id=t.enterprise_id,
        source_ref=(REF, str(t.pk)), batch=t.campaign.name, deadline=t.due, location=t.address,
        responsible_units=[t.lead_unit] if t.lead_unit else None)
    t.problem_id = p.pk
    t.save(update_fields=["problem_id"])
    _dossier(t, user, texts.sentence(gettext_noop("列入专项行动“%(c)s”:%(k)s"), ("k",), c=t.campaign.name,
                                     k=t.class_conf()[0]))
    return t


def validate_class(t: CampaignTarget) -> None:
    classes = t.campaign.kind_conf().get("classes", {})
    if t.target_class not in classes:
        raise ValidationError({"target_class": _("“%(k)s”不是该行动的整治类型(可选:%(all)s)") % {
            "k": t.target_class, "all": "、".join(v[0] for v in classes.values())}})


@transaction.atomic
def create_target(user, t: CampaignTarget, m2m=None) -> CampaignTarget:
    validate_class(t)
    if t.due is None:
        t.due = t.campaign.deadline
    core_services.create_object(user, t)
    return open_target(user, t)


@transaction.atomic
def update_target(user, t: CampaignTarget, m2m=None) -> CampaignTarget:
    validate_class(t)
    before = CampaignTarget.objects.filter(pk=t.pk).values_list("enterprise_id", flat=True).first()
    t = core_services.update_object(user, t)
    if t.enterprise_id and t.enterprise_id != before:  # linked to an enterprise now: its dossier shows the target
        _dossier(t, user, texts.sentence(gettext_noop("列入专项行动“%(c)s”:%(k)s"), ("k",), c=t.campaign.name,
                                     k=t.class_conf()[0]))
    return t


def _may_change(user, t: CampaignTarget) -> None:
    if user is not None and not can(user, t, "change"):
        raise PermissionDenied(_("您无权办理该行动对象"))


@transaction.atomic
def record_checks(user, t: CampaignTarget, checks: dict, note: str = "") -> CampaignTarget:
    """Record closure checks (e.g. 断水 2026-05-10): {check: date}. Unknown checks are refused by name."""
    _may_change(user, t)
    t = CampaignTarget.objects.select_for_update().get(pk=t.pk)
    allowed = t.required_checks()
    done = {}
    for name, value in (checks or {}).items():
        if name not in allowed:
            raise ValidationError({"checks": [_("“%(c)s”不是该整治类型的核查项(%(all)s)") % {
                "c": name, "all": "、".join(allowed) or _("无")}]})
        if value in (None, "", False):
            continue
        if value is True:
            value = timezone.localdate()
        try:
            day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        except ValueError:
            raise ValidationError({"checks": [_("“%(c)s”的日期格式应为 YYYY-MM-DD:%(v)s") % {"c": name, "v": value}]}) \
                from None
        done[name] = day.isoformat()
    if not done:
        raise ValidationError({"checks": [_("请至少填写一项核查")]})
    t.checks = {**t.checks, **done}
    t.save(update_fields=["checks"])
    wf.record_event(t, user, "check", note=note or texts.sentence(
        gettext_noop("销号核查:%(c)s"), c="、".join(f"{k} {v}" for k, v in done.items())),
                    data={"checks": done})
    return t


@transaction.atomic
def recheck(user, t: CampaignTarget, *, passed: bool, note: str, on: dt.date | None = None) -> CampaignTarget:
    """A later check (复查): passed, or the problem is back (反弹) and the target reopens through the ledger."""
    _may_change(user, t)
    if not (note or "").strip():
        raise ValidationError({"note": [_("须填写复查情况")]})
    t = CampaignTarget.objects.select_for_update().select_related("campaign").get(pk=t.pk)
    t.rechecks += 1
    t.last_checked_on = on or timezone.localdate()
    if not passed:
        state = states([t.pk]).get(t.pk)
        if state not in ledger.DONE_STATES:
            raise ValidationError({"passed": [_("该对象尚未完成整治,无需重新打开")]})
        problem = ledger.problems_for_ref(REF, str(t.pk)).get(pk=t.problem_id)
        ledger.reopen(_ledger_actor(user, "ledger.reopen"), problem,   # read per reader
                      note=texts.sentence(gettext_noop("复查发现反弹:%(n)s"), n=note))
        t.reopened += 1
        t.checks = {}
    t.save(update_fields=["rechecks", "last_checked_on", "reopened", "checks"])
    wf.record_event(t, user, "recheck" if passed else "reopen", note=note, data={"passed": passed})
    return t


def states(pks=None) -> dict[int, str]:
    """{target id: its ledger problem's state}."""
    return {int(k): v for k, v in ledger.states_by_ref(REF, pks).items()}


def is_done(t: CampaignTarget, state: str | None) -> bool:
    return state in ledger.DONE_STATES and not t.missing_checks()
