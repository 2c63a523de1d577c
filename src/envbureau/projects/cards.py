"""Red and yellow cards for enterprises (红黄牌警示; local practice, no national rule: Liuzhou since 2017, Jincheng, Jiangxi [R]):
criteria with the colour each gives, the publication cycle (half-yearly or quarterly, published within N days after
the period), the time to rectify, and the card's loop on the kit (workflows.CARD): 拟警示 → 警示中 (issued for a
period, on the enterprise's dossier) → re-check by the rectification date → 摘牌, or a yellow card raised to red."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from envbureau.core import services as core_services
from envbureau.core import texts
from envbureau.core import workflow as wf

from . import config
from .choices import CardColour, CardState
from .models import H1, H2, QUARTER, Card, period_facts
from .services import enterprise_model, parse_date


def period_of(day: dt.date, cycle: str) -> tuple[str, dt.date]:
    """The publication period holding `day` under `cycle` ("half_year" or "quarter"): its label and last day.
    The label is stored and filtered on (the public list's batches), so it is Chinese whoever issued the card;
    pages word it per reader (period_facts, Card.shown_period)."""
    if cycle == "quarter":
        q = (day.month - 1) // 3 + 1
        end = (dt.date(day.year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - dt.timedelta(days=1))
        return texts.chinese(texts.sentence(QUARTER, y=day.year, q=q)), end
    if cycle != "half_year":
        raise ValidationError({"card_cycle": _("公布周期应为 half_year 或 quarter:%(v)s") % {"v": cycle}})
    first = day.month <= 6
    return texts.chinese(texts.sentence(H1 if first else H2, y=day.year)), \
        dt.date(day.year, 6, 30) if first else dt.date(day.year, 12, 31)


def _check_rules(card: Card) -> None:
    criteria = config.get("card_criteria", card.jurisdiction)
    c = criteria.get(card.criterion)
    if c is None:
        raise ValidationError({"criterion": _("警示情形应为:%(v)s") % {"v": "、".join(_(x[0]) for x in criteria.values())}})
    if c[1] and c[1] != card.colour:
        raise ValidationError({"colour": _("“%(c)s”应给予%(k)s") % {"c": _(c[0]), "k": CardColour(c[1]).label}})


def _enterprise(card: Card) -> None:
    row = enterprise_model().objects.filter(pk=card.enterprise_id).values_list("name", "jurisdiction_id").first()
    if row is None:
        raise ValidationError({"enterprise_id": _("未找到该企业")})
    card.enterprise_name, card.jurisdiction_id = row


def _dossier(card: Card, user, title: str | dict, detail: str = "") -> None:
    from envbureau.sources.services import add_dossier_event

    add_dossier_event(card.enterprise_id, "projects.card", title, detail=detail, source_ref=f"projects.card:{card.pk}",
                      url=reverse("projects:cards-detail", args=[card.pk]), actor=user)


@transaction.atomic
def create_card(user, card: Card, m2m=None) -> Card:
    """Propose a card (web form, API): the enterprise's area and name come from the registry; the criterion
    must be one of the area's and give this colour."""
    if not card.enterprise_id:
        raise ValidationError({"enterprise_id": _("请选择企业")})
    _enterprise(card)
    _check_rules(card)
    card.state = CardState.PROPOSED
    card.created_by = user if getattr(user, "pk", None) else None
    core_services.create_object(user, card)
    wf.record_event(card, user, "open", to_state=card.state)
    wf.sync_tasks(card, user)
    return card


@transaction.atomic
def update_card(user, card: Card, m2m=None) -> Card:
    from envbureau.core.scoping import check_references

    # An enterprise outside the user's scope is named as such whatever the card's state (no probing by state).
    if card.enterprise_id != Card.objects.values_list("enterprise_id", flat=True).get(pk=card.pk):
        check_references(user, card, fields=["enterprise_id"])
    if card.state != CardState.PROPOSED:
        raise ValidationError({"state": _("只能修改拟警示的记录")})
    _enterprise(card)
    _check_rules(card)
    core_services.update_object(user, card)
    return card


def _due(ctx, start: dt.date) -> dt.date:
    if ctx.data.get("rectify_due") not in (None, ""):
        due = parse_date(ctx.data["rectify_due"], "rectify_due")
        if due <= start:
            raise wf.TransitionError({"rectify_due": [_("整改期限应晚于警示日期")]})
        return due
    return start + dt.timedelta(days=int(config.get("card_rectify_days", ctx.obj.jurisdiction)))


def h_issue(ctx) -> None:
    c = ctx.obj
    _check_rules(c)
    day = parse_date(ctx.data.get("issued_on"), "issued_on")
    if day > timezone.localdate():
        raise wf.TransitionError({"issued_on": [_("警示日期不能晚于今天")]})
    c.issued_on = day
    c.period, end = period_of(day, config.get("card_cycle", c.jurisdiction))
    c.publish_due = end + dt.timedelta(days=int(config.get("card_publish_days", c.jurisdiction)))
    c.rectify_due = _due(ctx, day)
    ctx.step = texts.sentence(gettext_noop("%(p)s %(c)s,整改期限 %(d)s"), ("c",), p=period_facts(c.period),
                              c=texts.zh_display(c, "colour"), d=c.rectify_due.isoformat())


def h_escalate(ctx) -> None:
    c = ctx.obj
    if c.colour != CardColour.YELLOW:
        raise wf.TransitionError({"colour": [_("只有黄牌可以升级为红牌")]})
    today = timezone.localdate()
    c.colour, c.criterion = CardColour.RED, "not_fixed_after_yellow"
    if c.criterion not in config.get("card_criteria", c.jurisdiction):
        raise wf.TransitionError({"criterion": [_("本地规则未设“黄牌警示后逾期未完成整改”情形")]})
    c.rectify_due = _due(ctx, today)
    ctx.step = texts.sentence(gettext_noop("整改期限 %(d)s"), d=c.rectify_due.isoformat())


def h_remove(ctx) -> None:
    c = ctx.obj
    day = parse_date(ctx.data.get("removed_on"), "removed_on")
    if day > timezone.localdate() or (c.issued_on and day < c.issued_on):
        raise wf.TransitionError({"removed_on": [_("摘牌日期应在警示日期和今天之间")]})
    c.removed_on = day


def after_issue(ctx) -> None:
    c = ctx.obj
    with translation.override("zh-hans"):
        criterion = c.criterion_label  # its Chinese msgid (config words), worded again per reader
    _dossier(c, ctx.user, texts.sentence(gettext_noop("%(c)s警示(%(p)s):%(r)s"), ("c", "r"),
                                         c=texts.zh_display(c, "colour"), p=period_facts(c.period), r=criterion),
             detail=f"{c.reason}\n{c.measure}".strip())


def after_escalate(ctx) -> None:
    c = ctx.obj
    _dossier(ctx.obj, ctx.user, texts.sentence(gettext_noop("黄牌升级为红牌警示")), detail=f"{ctx.note}\n{c.measure}".strip())


def after_remove(ctx) -> None:
    c = ctx.obj
    _dossier(c, ctx.user, texts.sentence(gettext_noop("%(c)s摘牌"), ("c",), c=texts.zh_display(c, "colour")), detail=ctx.note)


def dossier_badge(user, enterprise) -> list[dict]:
    """The card in force on an enterprise (issued, not yet removed) for the head of its dossier: a red card
    before a yellow one; nothing for a user who may not read the card."""
    from envbureau.core.scoping import restrict

    card = (restrict(Card.objects.filter(enterprise_id=enterprise.pk, state=CardState.ISSUED), user, "view")
            .select_related("jurisdiction").order_by("colour", "-issued_on", "-pk").first())  # "red" sorts before "yellow"
    if card is None:
        return []
    text = (_("%(c)s警示(%(p)s)") % {"c": card.get_colour_display(), "p": card.shown_period} if card.period
            else _("%(c)s警示") % {"c": card.get_colour_display()})
    hint = card.criterion_label
    if card.rectify_due:
        hint += " · " + _("整改期限 %(d)s") % {"d": card.rectify_due.isoformat()}
    return [{"text": text, "colour": "danger" if card.colour == CardColour.RED else "warning",
             "url": reverse("projects:cards-detail", args=[card.pk]), "hint": hint}]
