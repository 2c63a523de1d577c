"""Values as a person reads them: never a Python list, dict, repr, True/False/None or a stored choice code.

Used by the generic pages (cells, details) and by every "变更记录" (audit changes) table."""

from __future__ import annotations

import datetime as dt
import decimal
import re

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

EMPTY = "—"


def _listed(items) -> str:
    """Items as the reader lists them: 甲、乙 / a, b."""
    return pgettext("列举", "、").join(items) or EMPTY


def human(value, field=None) -> str:
    """One value as text; `field` (a model field) turns stored choice codes into their labels."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if field is not None and getattr(field, "flatchoices", None):
        labels = {k: v for k, v in field.flatchoices}
        if isinstance(value, (list, tuple)):
            return _listed(str(labels.get(v, v)) for v in value)
        if value in labels:
            return str(labels[value])
    if isinstance(value, (list, tuple, set)):
        return _listed(human(v) for v in value)
    if isinstance(value, dict):
        return ";".join(f"{k}: {human(v)}" for k, v in value.items()) or EMPTY
    if isinstance(value, (float, decimal.Decimal)):
        return format(value, "f").rstrip("0").rstrip(".") if value == value else EMPTY
    if isinstance(value, dt.datetime):
        from .timefmt import local_datetime

        return local_datetime(value)
    if isinstance(value, str) and REF.fullmatch(value):
        return ref_label(value)
    return str(value)


REF = re.compile(r"([a-z_]+\.[a-z_]+)[:#](\d+)")


def is_money(field) -> bool:
    """A decimal field holding an amount of money: its label names the unit, 元 or 万元 ("罚款(元)")."""
    from django.db import models

    if not isinstance(field, models.DecimalField):
        return False
    with translation.override("zh-hans"):
        label = str(field.verbose_name)
    return label.endswith(("元)", "元）"))


def money(value, field):
    """`value` with thousands separators and two decimals when `field` holds money; else None."""
    if field is None or value in (None, "") or not is_money(field):
        return None
    from .money import yuan

    shown = yuan(value)
    return shown if shown is not value else None


def ref_label(ref: str) -> str:
    """A cross-app reference ("quality.warning:12") as a person reads it: the object, by its kind and name."""
    m = REF.fullmatch(ref)
    model = _model(m.group(1)) if m else None
    if model is None:
        return ref
    obj = model._default_manager.filter(pk=m.group(2)).first()
    kind = model._meta.verbose_name
    return f"{kind} {obj}" if obj is not None else f"{kind}({_('已删除')})"


def _field(model, name):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _model(label):
    try:
        return apps.get_model(label) if label else None
    except (LookupError, ValueError):
        return None


def field_label(model_label, name) -> str:
    model = _model(model_label)
    f = _field(model, name) or (_field(model, name.removesuffix("_id")) if name.endswith("_id") else None)
    return _label(model, name, f)


def _unworded_facts(name: str, change) -> bool:
    """A `…facts` value pair (or value) that core.texts cannot word: the internals of a sentence whose words
    another field of the same record holds (a problem's title beside its title_facts)."""
    if not name.endswith("facts"):
        return False
    from . import texts

    values = change if isinstance(change, list) else [change]
    return all(not v or (isinstance(v, dict) and texts.words(v, None) is None) for v in values)


def _in_field_order(model, changes) -> list:
    """An entry's changed names in the model's field order (then any other name, alphabetically): the same order on
    every engine (PostgreSQL's jsonb keeps its keys in an order of its own) and the order of the record's page."""
    names = list(changes or {})
    if model is None:
        return sorted(names)
    order = {}
    for i, f in enumerate(model._meta.get_fields()):
        order.setdefault(f.name, i)
        if getattr(f, "attname", None):
            order.setdefault(f.attname, i)
    return sorted(names, key=lambda n: (order.get(n, len(order)), n))


BATCH_IDS = "ids"  # core.audit.record_batch: the rows one entry of several rows changed
BATCH_SHOWN = 20


def _batch_records(model, ids) -> str:
    """The rows of a batch entry by their names (the first BATCH_SHOWN), and how many there are."""
    if model is None:
        return _("共 %(n)s 条") % {"n": len(ids)}
    from django.core.exceptions import ValidationError

    try:
        pks = [model._meta.pk.to_python(i) for i in ids[:BATCH_SHOWN]]
        found = model._default_manager.in_bulk(pks)
    except (ValueError, TypeError, ValidationError):  # an id the key cannot read: counted, not named
        pks, found = [], {}
    names = [str(found[k]) for k in pks if k in found]
    if not names:
        return _("共 %(n)s 条") % {"n": len(ids)}
    return _("%(names)s(共 %(n)s 条)") % {"names": _listed(names), "n": len(ids)}


def changed_labels(model_label, changes) -> str:
    """The fields an audit entry changed, by their labels, listed as the reader lists words; the record's own id
    (an entry names its record already) and the entry's name facts are left out, as in change_rows."""
    from django.utils.translation import pgettext

    from .audit import REPR_FACTS

    model = _model(model_label)
    pk = model._meta.pk.name if model is not None else None
    return pgettext("列举", "、").join(_("涉及记录") if name == BATCH_IDS and _field(model, name) is None
                                      else field_label(model_label, name) for name in _in_field_order(model, changes)
                                      if name not in (pk, REPR_FACTS) and not _unworded_facts(name, changes[name]))


def _referenced(model, name):
    """The model a declared id reference points at (ScopeSpec.references, e.g. enterprise_id → sources.Enterprise),
    or None."""
    refs = getattr(getattr(model, "scope", None), "references", None) or {}
    return _model(refs.get(name)) if name in refs else None


_ID_SUFFIX = re.compile(r"\s*(?:ID|Id|id|编号)$")


def _label(model, name, f) -> str:
    """A field as people call it: its verbose name; a declared id reference by what it names ("企业", not "企业ID")."""
    if f is None or not hasattr(f, "verbose_name"):
        return name
    label = str(f.verbose_name)
    target = _referenced(model, name)
    if target is not None:
        label = _ID_SUFFIX.sub("", label).strip() or str(target._meta.verbose_name)
    return label


def change_rows(changes, model_label=None, memo: dict | None = None):
    """An audit entry's {field: [before, after]} as rows (field by its label, values by theirs). `memo`: a dict kept
    across the entries of one export, so that each referenced record is looked up once."""
    from .audit import REPR_FACTS

    model = _model(model_label)
    rows = []
    for name in _in_field_order(model, changes):
        change = changes[name]
        if name == REPR_FACTS:  # the entry's own name, shown as its label
            continue
        f = _field(model, name) or (_field(model, name.removesuffix("_id")) if name.endswith("_id") else None)
        if f is not None and getattr(f, "primary_key", False):
            continue  # the record's own id: the entry names the record already
        if _unworded_facts(name, change):
            continue  # a sentence's facts no reader can read (a module's own registry): its text field shows it
        if name == BATCH_IDS and f is None and isinstance(change, list):
            rows.append({"name": name, "field": _("涉及记录"), "other": _batch_records(model, change), "pair": False})
            continue
        label = _label(model, name, f)
        target = _referenced(model, name)
        if isinstance(change, list) and len(change) == 2:
            before, after = (_value(v, f, memo, target) for v in change)
            rows.append({"name": name, "field": label, "before": before, "after": after, "pair": True})
        elif isinstance(change, dict) and f is not None and f.many_to_many:
            parts = []
            for key, words in (("added", _("增加")), ("removed", _("移除"))):
                if change.get(key):
                    names = [str(o) for o in f.related_model._default_manager.filter(pk__in=change[key])]
                    parts.append(f"{words} {'、'.join(names) or human(change[key])}")
            rows.append({"name": name, "field": label, "other": ";".join(parts) or EMPTY, "pair": False})
        else:
            rows.append({"name": name, "field": label, "other": _value(change, f, memo, target), "pair": False})
    return rows


def _value(v, f, memo: dict | None = None, target=None):
    """`target`: the model a declared id reference (ScopeSpec.references) points at, read like a foreign key."""
    from django.db import models

    amount = money(v, f)
    if amount is not None:
        return amount
    words = getattr(getattr(f, "model", None), "human_values", {}).get(getattr(f, "name", None))
    if words is not None and v not in (None, ""):
        return words(v)  # a model's own words for a stored code (e.g. an HJ 212 factor by its name)
    if isinstance(v, dict) and str(getattr(f, "name", "")).endswith("facts"):
        from . import texts

        sentence = texts.words(v, None)  # a sentence's facts (core.texts) in words, never its keys
        if sentence is not None:
            return sentence
    if target is None and f is not None and isinstance(f, models.ForeignKey):
        target = f.related_model
    if target is not None and v not in (None, "") and isinstance(v, (int, str)) and not isinstance(v, bool):
        key = (target, v)
        if memo is not None and key in memo:
            text = memo[key]
        else:
            try:
                obj = target._default_manager.filter(pk=v).first()
            except (ValueError, TypeError):
                obj = None
            # a record deleted since: its kind, never a bare id
            text = str(obj) if obj is not None else f"{target._meta.verbose_name}({_('已删除')})"
            if memo is not None:
                memo[key] = text
        return text
    if f is not None and isinstance(f, models.DateTimeField) and isinstance(v, str):
        from django.utils.dateparse import parse_datetime

        parsed = parse_datetime(v)
        if parsed is not None:
            return human(parsed)
    return human(v, f)


def import_summary(saved) -> str:
    """What an import wrote, in words ("共 3 行,新增 3,更新 0"), never the importer's dict."""
    words = {"rows": _("共 %(n)s 行"), "created": _("新增 %(n)s"), "inserted": _("新增 %(n)s"),
             "updated": _("更新 %(n)s"), "unchanged": _("未变 %(n)s"), "deleted": _("删除 %(n)s"),
             "skipped": _("跳过 %(n)s"), "station_days": _("重算站点日 %(n)s"),
             "jurisdiction_days": _("重算区划日 %(n)s"), "section_periods": _("重算断面评价 %(n)s"),
             "warnings": _("新增预警 %(n)s")}
    if not isinstance(saved, dict):
        return human(saved)
    parts = []
    for key, value in saved.items():
        if isinstance(value, dict):
            inner = import_summary(value)
            if inner != EMPTY:
                parts.append(inner)
        elif key in words:
            parts.append(words[key] % {"n": human(value)})
    return ",".join(parts) or EMPTY



def month_label(year: int, month: int) -> str:
    """A calendar month as the reader writes it: "2026年1月" / "2026-01"."""
    return _("%(y)d年%(m)d月") % {"y": year, "m": month}


def quarter_label(year: int, quarter: int) -> str:
    return _("%(y)d年第%(q)d季度") % {"y": year, "q": quarter}


def year_label(year: int) -> str:
    return _("%(y)d年") % {"y": year}


def labelled(text):
    """Give a computed property or method the label its row carries on a detail page (core.generic.detail_label):
    ``@property`` over ``@labelled(_("用地类别"))`` over ``def land_class_label(self)``."""
    def deco(fn):
        fn.short_description = text
        return fn
    return deco


# How entries written before labels were kept name their object: "ledger.problem #54", "sources.alarm:1",
# "ledger.problem × 3" (the model label in place of the kind of object).
_INTERNAL_REPR = re.compile(r"\s*[a-z_0-9]+\.[a-z_0-9]+\s*(?:[#:]\s*\S+|×\s*\d+)?\s*")
_ROWS = re.compile(r"(\d+) rows")


def audit_labels(entries) -> list:
    """Name each audit entry's object as a person reads it, in the UI language, at display time (also for
    entries written before labels were kept): `e.label` = the object's own label (name, code, title) when it
    still exists; "问题台账 × 12" for a batch; the label stored when it was written for an object since
    deleted (`e.gone`), or "已删除的整改问题（编号 54）" when the stored one is a model label with an id.
    One query per kind of object on the page."""
    from . import texts
    from .audit import REPR_FACTS

    entries = list(entries)
    wanted: dict[str, set] = {}
    for e in entries:
        if _model(e.model) is not None and not _ROWS.fullmatch(e.object_id or ""):
            wanted.setdefault(e.model, set()).add(e.object_id)
    found: dict[str, dict] = {}
    for label, ids in wanted.items():
        model = _model(label)
        pks = []
        for i in ids:
            try:
                pks.append(model._meta.pk.to_python(i))
            except Exception:  # an id that is not this model's key (a masked token's prefix)
                continue
        try:
            objs = model._default_manager.select_related().in_bulk(pks) if pks else {}
        except Exception:  # a key the database refuses to compare
            objs = {}
        found[label] = {str(pk): o for pk, o in objs.items()}
        if hasattr(model, "attach_subjects"):  # objects labelled by the object they belong to (timeline events)
            model.attach_subjects(list(objs.values()))
    for e in entries:
        model = _model(e.model)
        kind = str(model._meta.verbose_name) if model is not None else e.model
        e.gone = False
        rows = _ROWS.fullmatch(e.object_id or "")
        obj = found.get(e.model, {}).get(e.object_id)
        if rows:
            e.label = f"{kind} × {rows.group(1)}"
        elif obj is not None:
            from .audit import object_label

            try:
                e.label = object_label(obj)
            except Exception:  # a label that cannot be built now: the one stored
                e.label = e.object_repr
        elif isinstance(e.changes, dict) and isinstance(e.changes.get(REPR_FACTS), dict):
            e.label = texts.shown(e.changes[REPR_FACTS], e.object_repr or "")  # a scan, an import: its sentence
        else:
            e.gone = model is not None
            stored = e.object_repr or ""
            if not stored or _INTERNAL_REPR.fullmatch(stored):
                e.label = _("已删除的%(k)s（编号 %(i)s）") % {"k": kind, "i": e.object_id}
                e.gone = False  # the words say it already
            else:
                e.label = stored
    return entries
