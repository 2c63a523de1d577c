"""Import framework: template per importable model, row-by-row validation naming row and column,
a preview, and an all-or-nothing commit audited as source "import".

An importer declares its columns and two methods:

    class StationImporter(Importer):
        kind = "quality.airstation"; label = _("空气站点"); module = "quality"
        columns = [Column("code", _("站点编码"), required=True), ...]
        def clean_row(self, values: dict, ctx) -> object: ...   # raise RowError(column, message)
        def save_rows(self, cleaned: list, ctx) -> dict: ...     # inside the transaction

and registers itself with `register(StationImporter)`. The web pages (/imports/), the API and the
CLI (`envbureau import KIND FILE`) all run the same code.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from . import audit
from .excel import FileFormatError, _as_text, is_formula_like, open_table, workbook_bytes
from .permissions import has_perm
from .scoping import allowed_jurisdictions, restrict


# ---------------------------------------------------------------------------
# columns: one parser per kind of cell, the same words and formats for every importer
# ---------------------------------------------------------------------------
@dataclass
class Column:
    """A text column; the subclasses below parse typed cells. ``parse`` turns a non-empty cell into
    the value clean_row receives, or raises RowError naming this column."""

    key: str
    label: str
    required: bool = False
    help: str = ""
    example: object = ""
    aliases: tuple = ()
    secret: bool = False  # e.g. an initial password: never shown in the preview nor kept in the job
    default: object = None  # used for an empty cell when a record is created (never on update)
    max_length: int | None = None
    kind = "text"

    def parse(self, value, ctx):
        text = _text(value)
        if self.max_length and len(text) > self.max_length:
            raise RowError(self.key, _("不能超过%(n)s个字符") % {"n": self.max_length})
        return text

    def describe(self) -> str:
        """What the cell accepts, in words (template notes and the upload page)."""
        return str(self.help or "")


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel keeps codes such as 110101 as numbers
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return str(value).strip()


def _norm(value) -> str:
    return unicodedata.normalize("NFKC", _text(value)).strip().lower()


@dataclass
class ChoiceColumn(Column):
    """One of a set of codes, given by code or by label (in any UI language). ``synonyms`` are further
    exact words, ``contains`` words found inside the cell (e.g. "12369热线" → hotline), ``prefix`` accepts a
    label's beginning or a cell beginning with a label (大气 → 大气污染)."""

    choices: object = ()  # [(code, label)] or a callable returning it
    synonyms: tuple = ()  # ((word, code), …)
    contains: tuple = ()
    prefix: bool = False
    kind = "choice"

    def _choices(self):
        return list(self.choices() if callable(self.choices) else self.choices)

    def _table(self, ctx):
        cache = ctx.state.setdefault("_choices", {})
        table = cache.get(self.key)
        if table is None:
            table = cache[self.key] = choice_lookup(self._choices(), self.synonyms)
        return table

    def parse(self, value, ctx):
        text = _norm(value)
        table = self._table(ctx)
        if text in table:
            return table[text]
        for word, code in self.contains:
            if _norm(word) in text:
                return code
        if self.prefix:  # a label's beginning, or a cell beginning with a label, in any UI language
            for lang, _name in settings.LANGUAGES:
                with translation.override(lang):
                    for code, label in self._choices():
                        lbl = _norm(_label_in_language(label))
                        if lbl and (lbl.startswith(text) or text.startswith(lbl)):
                            return code
        raise RowError(self.key, _("不是有效选项,可选:%(opts)s") % {"opts": self.options()})

    def options(self) -> str:
        return choice_options(self._choices())

    def describe(self):
        return " ".join(x for x in (str(self.help or ""), _("可选:%(opts)s") % {"opts": self.options()}) if x)


def _label_in_language(label) -> str:
    """A choice label in the active language: a lazy label as it reads; a plain one (a catalogue word kept as its
    Chinese msgid, e.g. a configured type) through the catalogue."""
    return str(label) if isinstance(label, Promise) else _(str(label))


def choice_lookup(choices, synonyms=()) -> dict:
    """{normalised word: code} for a set of choices [(code, label)]: the code, and the label in every UI language
    (a Chinese workbook uploaded from the English UI, and the other way round), then the synonyms."""
    table = {}
    for lang, _name in settings.LANGUAGES:
        with translation.override(lang):
            for code, label in choices:
                table.setdefault(_norm(_label_in_language(label)), code)
                table.setdefault(_norm(label), code)
    for code, _label in choices:
        table[_norm(code)] = code
    for word, code in synonyms:
        table.setdefault(_norm(word), code)
    table.pop("", None)
    return table


def match_choice(value, choices, synonyms=()):
    """The code a cell names among `choices` (by code, or by label in any UI language), or None."""
    return choice_lookup(choices, synonyms).get(_norm(value))


def choice_options(choices) -> str:
    """The labels of `choices` in the reader's language, listed as the language lists words (国控、省控 / A, B)."""
    return pgettext("列举", "、").join(_label_in_language(label) for _code, label in choices)


@dataclass
class NumberColumn(Column):
    """A number within [min, max] (inclusive) in ``unit``; ``integer`` for whole numbers, ``decimal`` to get
    a Decimal (money) instead of a float. Accepts 1,234.5, full-width digits and the unit written after it.
    ``min``/``max`` may be callables, read at each import (bounds an operator configures)."""

    min: object = None
    max: object = None
    unit: str = ""
    integer: bool = False
    decimal: bool = False
    kind = "number"

    def parse(self, value, ctx):
        num = parse_number(value, self.unit)
        if num is None:
            raise RowError(self.key, _("不是数值"))
        if self.integer and num != num.to_integral_value():
            raise RowError(self.key, _("应为整数"))
        lo, hi = self._bound(self.min), self._bound(self.max)
        if (lo is not None and num < decimal.Decimal(str(lo))) or (hi is not None and num > decimal.Decimal(str(hi))):
            raise RowError(self.key, _("超出范围 %(range)s") % {"range": self.range_text()})
        if self.integer:
            return int(num)
        return num if self.decimal else float(num)

    @staticmethod
    def _bound(b):
        return b() if callable(b) else b

    def range_text(self) -> str:
        lo, hi = self._bound(self.min), self._bound(self.max)
        lo = "" if lo is None else f"{lo:g}"
        hi = "" if hi is None else f"{hi:g}"
        return f"{lo}～{hi}{(' ' + self.unit) if self.unit else ''}"

    def describe(self):
        parts = [str(self.help or "")]
        if self.min is not None or self.max is not None:
            parts.append(_("数值,范围 %(range)s") % {"range": self.range_text()})
        elif self.unit:
            parts.append(_("数值,单位 %(u)s") % {"u": self.unit})
        return " ".join(p for p in parts if p)


def parse_number(value, unit: str = "") -> decimal.Decimal | None:
    """A cell → a finite Decimal, or None when it is not a number. Accepts 1,234.5, full-width digits and
    ``unit`` written after the number (35 mg/m³)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, decimal.Decimal)):
        num = decimal.Decimal(str(value))
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        u = unicodedata.normalize("NFKC", unit) if unit else ""
        if u and text.endswith(u):
            text = text[: -len(u)].strip()
        text = text.replace(",", "").replace(" ", "")
        try:
            num = decimal.Decimal(text)
        except decimal.InvalidOperation:
            return None
    return num if num.is_finite() else None


_DT_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?: (\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:\.\d+)?)?)?)?$")
_COMPACT = {8: "%Y%m%d", 12: "%Y%m%d%H%M", 14: "%Y%m%d%H%M%S"}


def parse_local_datetime(value) -> dt.datetime | None:
    """A cell → naive local datetime, or None when it is not a date/time. Accepts datetimes and dates
    (Excel cells), Excel serial numbers, 2026-11-30 08:00, 2026/11/30 8:00, 2026.11.30, 2026年11月30日 8时,
    20261130, 202611300800, 20261130080000, and ISO 8601 with an offset (converted to local time)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            return timezone.localtime(value, timezone.get_default_timezone()).replace(tzinfo=None)
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, bool):
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if isinstance(value, (int, float, decimal.Decimal)) or re.fullmatch(r"\d+(\.\d+)?", text):
        digits = text.split(".")[0] if isinstance(value, (int, float)) and float(value).is_integer() else text
        if digits.isdigit() and len(digits) in _COMPACT:
            try:
                return dt.datetime.strptime(digits, _COMPACT[len(digits)])
            except ValueError:
                return None
        try:
            serial = float(text)
        except ValueError:
            return None
        if 20000 <= serial < 80000:  # Excel serials of 1954…2119 (a bare 2026 is a year, not 1905-07-18)
            from openpyxl.utils.datetime import from_excel

            return from_excel(serial).replace(microsecond=0) if serial % 1 else from_excel(serial)
        return None
    t = (text.replace("年", "-").replace("月", "-").replace("日", " ").replace("号", " ").replace("时", ":")
         .replace("点", ":").replace("分", ":").replace("秒", "").replace("/", "-").replace(".", "-")
         .replace("T", " "))
    t = re.sub(r"\s+", " ", t).strip().rstrip(":")
    m = _DT_RE.match(t)
    if m:
        parts = [int(x) if x else 0 for x in m.groups()]
        try:
            return dt.datetime(*parts)
        except ValueError:
            return None
    try:
        d = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if d.tzinfo is not None:
        d = timezone.localtime(d, timezone.get_default_timezone()).replace(tzinfo=None)
    return d


@dataclass
class DateTimeColumn(Column):
    """A local (Asia/Shanghai) date and time → aware datetime. A date alone means ``default_time``.
    ``keywords`` maps exact words to values (e.g. 长期坚持 for a deadline)."""

    default_time: dt.time = dt.time(0, 0)
    keywords: dict = field(default_factory=dict)
    kind = "datetime"
    _date_only = False

    def parse(self, value, ctx):
        if isinstance(value, str) and value.strip() in self.keywords:
            return self.keywords[value.strip()]
        d = parse_local_datetime(value)
        if d is None:
            raise RowError(self.key, _("无法识别的日期时间(例 2026-11-30 08:00)") if not self._date_only
                           else _("无法识别的日期(例 2026-11-30)"))
        if self._date_only:
            return d.date()
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            d = dt.datetime.combine(d.date(), self.default_time)
        elif isinstance(value, str) and _DATE_ONLY.match(value.strip()):
            d = dt.datetime.combine(d.date(), self.default_time)
        return timezone.make_aware(d, timezone.get_default_timezone())

    def describe(self):
        fmt = _("本地时间,如 2026-11-30 08:00、2026/11/30 8:00、20261130080000 或 Excel 日期")
        if self._date_only:
            fmt = _("日期,如 2026-11-30、2026/11/30、20261130 或 Excel 日期")
        return " ".join(x for x in (str(self.help or ""), str(fmt)) if x)


_DATE_ONLY = re.compile(r"^\d{4}([-/.年])\d{1,2}[-/.月]\d{1,2}日?$|^\d{8}$")


@dataclass
class DateColumn(DateTimeColumn):
    kind = "date"
    _date_only = True


YES_WORDS = ("是", "y", "yes", "true", "1", "√", "✓", "✔", "对")
NO_WORDS = ("否", "n", "no", "false", "0", "×", "✗", "✘", "不是")


@dataclass
class YesNoColumn(Column):
    """是/否 with one vocabulary: 是/否, Y/N, yes/no, 1/0, true/false, √/×."""

    kind = "yesno"

    def parse(self, value, ctx):
        if isinstance(value, bool):
            return value
        text = _norm(value)
        if text in YES_WORDS or text == "1.0":
            return True
        if text in NO_WORDS or text == "0.0":
            return False
        raise RowError(self.key, _("请填写 是/否(也可用 Y/N、1/0、true/false、√/×)"))

    def describe(self):
        return " ".join(x for x in (str(self.help or ""), str(_("是/否(也可用 Y/N、1/0、true/false、√/×)"))) if x)


@dataclass
class RefColumn(Column):
    """Another record given by code or name, looked up only among what the acting user may ``action``
    (core scoping); unknown and out-of-scope read the same. ``queryset(ctx)`` overrides the lookup set."""

    model: object = None
    fields: tuple = ("code", "name")
    action: str = "view"
    queryset: object = None
    kind = "ref"

    def _qs(self, ctx):
        if self.queryset is not None:
            return self.queryset(ctx)
        qs = self.model._default_manager.all()
        return qs if ctx.user is None else restrict(qs, ctx.user, self.action)

    def parse(self, value, ctx):
        text = _text(value)
        cache = ctx.state.setdefault("_refs", {}).setdefault(self.key, {})
        if text not in cache:
            cache[text] = self._lookup(text, ctx)
        found = cache[text]
        if isinstance(found, RowError):
            raise found
        return found

    def describe(self):
        return " ".join(x for x in (str(self.help or ""), str(_("编码或名称,须在您的权限范围内"))) if x)

    def _lookup(self, text, ctx):
        qs = self._qs(ctx)
        for f in self.fields:
            hits = list(qs.filter(**{f"{f}__iexact": text})[:2])
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                return RowError(self.key, _("“%(v)s”对应多条记录,请填写编码") % {"v": text})
        return RowError(self.key, _("“%(v)s”不存在或不在您的权限范围内") % {"v": text})


@dataclass
class JurisdictionColumn(RefColumn):
    """A jurisdiction by code or name, among those where the user may add or change in the importer's module."""

    actions: tuple = ("add", "change")

    def _qs(self, ctx):
        from .models import Jurisdiction

        if ctx.user is None:
            return Jurisdiction.objects.all()
        qs = None
        for a in self.actions:
            part = allowed_jurisdictions(ctx.user, ctx.module, a)
            qs = part if qs is None else qs | part
        return qs


class RowError(Exception):
    def __init__(self, column: str | None, message: str, row: int | None = None):
        super().__init__(message)
        self.column = column
        self.message = message
        self.row = row


class RowErrors(Exception):
    """Many row errors at once (from save_rows of a bulk path): [{"row", "column", "value", "message"}]."""

    def __init__(self, errors: list[dict]):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


class _Rollback(Exception):
    pass


@dataclass
class ImportContext:
    user: object
    progress: object = None  # callable(done, total, phase) or None; phase "validate" | "save"
    state: dict = field(default_factory=dict)
    total: int = 0
    module: str = "core"
    clear_empty: bool = False  # on update, an empty cell clears the field (else it keeps the stored value)
    commit: bool = True  # False while previewing (save_rows runs, then everything is rolled back)
    row: int = 0  # the file row clean_row is looking at

    def warn(self, column: str, message, value=None) -> None:
        """A row that imports, with something the reader should see in the report (a warning, not an error):
        clean_row calls it for the row it is looking at."""
        self.state.setdefault("_warnings", []).append({"row": self.row, "column": column, "value": value,
                                                       "message": message})

    def saved(self, done: int) -> None:
        """Importers may call this from save_rows every so often to report saving progress."""
        if self.progress:
            self.progress(done, self.total, "save")


@dataclass
class ImportResult:
    total: int
    errors: list  # [{"row": n, "column": label, "value": cell, "message": text}]
    preview: list
    saved: dict | None = None
    notices: list = field(default_factory=list)  # e.g. template example rows skipped
    warnings: list = field(default_factory=list)  # [{"row", "column", "value", "message"}]: imported, but look

    @property
    def ok(self) -> bool:
        return not self.errors


def import_limits(kind: str) -> dict:
    """Upload caps of an import kind: settings.ENVBUREAU["IMPORT_LIMITS"][kind] over its "default"."""
    limits = settings.ENVBUREAU.get("IMPORT_LIMITS", {})
    return {"max_bytes": 20 << 20, "max_rows": 50_000, **limits.get("default", {}), **limits.get(kind, {})}


class Importer:
    kind: str = ""
    label: str = ""
    module: str = "core"
    columns: list[Column] = []

    # ---- to implement ----
    def clean_row(self, values: dict, ctx: ImportContext):
        raise NotImplementedError

    def save_rows(self, cleaned: list, ctx: ImportContext) -> dict:
        raise NotImplementedError

    def check_batch(self, cleaned: list, rownums: list[int], ctx: ImportContext) -> list[dict]:
        """Cross-row checks (e.g. duplicates in the file); return error dicts."""
        return []

    # ---- helpers for clean_row ----
    def assign(self, obj, values: dict, keys, ctx: ImportContext) -> None:
        """Set obj's fields from the row. An empty cell leaves a new record's default (or the column's
        ``default``) and an existing record's stored value, unless the user asked to clear empty cells."""
        cols = {c.key: c for c in self.columns}
        adding = obj._state.adding
        for key in keys:
            value = values.get(key)
            if value is None or value == "":
                col = cols.get(key)
                if adding:
                    if col is not None and col.default is not None:
                        setattr(obj, key, col.default)
                    continue
                if not ctx.clear_empty:
                    continue
                value = _empty_value(obj, key)
            setattr(obj, key, value)

    def errors_of(self, exc: ValidationError, row: int | None) -> list[dict]:
        """A model's ValidationError as row errors (for save_rows collecting them into RowErrors)."""
        out = []
        for fname, msgs in getattr(exc, "message_dict", {None: exc.messages}).items():
            key = None if fname == "__all__" else fname
            out.append({"row": row, "column": self._label_of(key), "value": "",
                        "message": "; ".join(str(m) for m in msgs)})
        return out

    # ---- framework ----
    @property
    def limits(self) -> dict:
        return import_limits(self.kind)

    def check_size(self, nbytes: int) -> None:
        cap = self.limits["max_bytes"]
        if nbytes > cap:
            raise FileFormatError(_("文件大小 %(size)s 超过“%(label)s”导入的上限 %(cap)s,请拆分后分批导入"
                                    "(上限由管理员在设置 IMPORT_LIMITS 中调整)")
                                  % {"size": _mb(nbytes), "label": self.label, "cap": _mb(cap)})

    def template_bytes(self) -> bytes:
        # The example row lives on its own sheet: left in place on the data sheet it would be imported.
        header = [f"{c.label}{'*' if c.required else ''}" for c in self.columns]
        example = [str(c.example) if isinstance(c.example, Promise) else c.example for c in self.columns]
        notes = [[c.label, c.key, _("必填") if c.required else _("选填"), c.describe()] for c in self.columns]
        notes.append(["", "", "", _("空白单元格:新增记录用默认值,更新已有记录时保留原值(上传时勾选“清空空白单元格”则清空)")])
        return workbook_bytes([
            (str(self.label), header, []),
            (_("示例"), header, [example]),
            (_("填写说明"), [_("列名"), _("字段"), _("是否必填"), _("说明")], notes),
        ])

    def _is_example(self, values: dict) -> bool:
        examples = [(c.key, c.example) for c in self.columns if c.example not in (None, "")]
        if not examples or any(values.get(c.key) not in (None, "") for c in self.columns if c.example in (None, "")):
            return False
        # an example may be a translated word (区县 / District/county): the template's row in any UI language
        for lang, _name in settings.LANGUAGES:
            with translation.override(lang):
                if all(_text(values.get(k) if values.get(k) is not None else "") == _text(ex) for k, ex in examples):
                    return True
        return False

    def _map_header(self, header: list[str]) -> dict[int, Column]:
        # A column is recognised by its label in any UI language (a Chinese template uploaded by
        # someone using the English UI, and the other way round), by its key, or by an alias.
        by_name = {}
        for c in self.columns:
            labels = set()
            for lang, _name in settings.LANGUAGES:
                with translation.override(lang):
                    labels.add(str(c.label))
            for name in (*labels, c.key, *c.aliases):
                by_name[str(name).strip().lower()] = c
        mapping = {}
        for i, h in enumerate(header):
            col = by_name.get(h.rstrip("*").strip().lower())
            if col is not None and col not in mapping.values():
                mapping[i] = col
        missing = [str(c.label) for c in self.columns if c.required and c not in mapping.values()]
        if missing:
            raise FileFormatError(_("缺少必填列: %(cols)s") % {"cols": "、".join(missing)})
        return mapping

    def read_rows(self, source, filename: str, ctx: ImportContext):
        """(row number, {key: raw cell}) for each row of the file, read as a stream."""
        table = open_table(source, filename, max_rows=self.limits["max_rows"])
        try:
            mapping = self._map_header(table.header)
        except FileFormatError:
            table.close()
            raise
        ctx.state["_present"] = {c.key for c in mapping.values()}
        ctx.state["_table"] = table
        for rownum, raw in table.rows():
            yield rownum, {c.key: _normalise(raw[i]) for i, c in mapping.items()}

    def validate(self, source, filename: str, ctx: ImportContext) -> tuple[ImportResult, list, list]:
        """Parse and check every row; every error is listed (row, column label, value, reason)."""
        max_errors = settings.ENVBUREAU.get("IMPORT_MAX_ERRORS", 10_000)
        errors, cleaned, rownums, preview, notices = [], [], [], [], []
        total = 0
        cols = self.columns
        for rownum, raw in self.read_rows(source, filename, ctx):
            if self._is_example(raw):
                notices.append(_("第%(r)s行与模板示例行相同,已跳过") % {"r": rownum})
                continue
            total += 1
            values, row_errors = {}, []
            for c in cols:
                v = raw.get(c.key)
                if v is None:
                    values[c.key] = None
                    if c.required:
                        row_errors.append(self._error(rownum, c.key, None, _("必填项为空")))
                    continue
                try:
                    values[c.key] = c.parse(v, ctx)
                except RowError as e:
                    row_errors.append(self._error(rownum, e.column or c.key, v, e.message))
            if not row_errors:
                ctx.row = rownum
                try:
                    obj = self.clean_row(values, ctx)
                except RowError as e:
                    row_errors.append(self._error(rownum, e.column, raw.get(e.column), e.message))
                except ValidationError as e:
                    for fname, msgs in getattr(e, "message_dict", {None: e.messages}).items():
                        row_errors.append(self._error(rownum, fname, raw.get(fname), "; ".join(str(m) for m in msgs)))
                else:
                    cleaned.append(obj)
                    rownums.append(rownum)
            errors.extend(row_errors)
            if len(preview) < 20:
                preview.append({"row": rownum, "values": {
                    str(c.label): "***" if c.secret and raw.get(c.key) else _display(raw.get(c.key)) for c in cols}})
            if ctx.progress and total % 200 == 0:
                # Rows are streamed, so the total is estimated from how much of the file has been read.
                frac = ctx.state["_table"].read_fraction() if "_table" in ctx.state else None
                ctx.progress(total, max(total, int(total / frac)) if frac else total, "validate")
            if len(errors) >= max_errors:
                errors.append({"row": None, "column": "", "value": "",
                               "message": _("错误超过 %(n)s 处,已停止校验") % {"n": max_errors}})
                break
        if not errors:
            errors.extend({"row": e.get("row"), "column": str(e.get("column", "")), "value": _display(e.get("value")),
                           "message": str(e.get("message", ""))} for e in self.check_batch(cleaned, rownums, ctx))
        ctx.state["_rownums"] = rownums
        warnings = [{**self._error(w["row"], w["column"], w["value"], w["message"])}
                    for w in ctx.state.get("_warnings", [])]
        return (ImportResult(total=total, errors=errors, preview=preview, notices=notices, warnings=warnings),
                cleaned, rownums)

    def _error(self, row, key, value, message) -> dict:
        col = next((c for c in self.columns if c.key == key), None)
        shown = "***" if col is not None and col.secret and value not in (None, "") else _display(value)
        return {"row": row, "column": self._label_of(key), "value": "" if shown is None else str(shown),
                "message": str(message)}

    def _label_of(self, key):
        for c in self.columns:
            if c.key == key:
                return str(c.label)
        return str(key or "")

    def run(self, file, filename: str, user, commit: bool = True, progress=None,
            source: str = "import", remote_addr: str | None = None, clear_empty: bool = False) -> ImportResult:
        """Validate every row, then save them all in one transaction: kept when commit=True and nothing
        failed, rolled back otherwise (the preview runs exactly the commit's code).

        ``file`` is the file's bytes, its path or an open binary file (read as a stream); ``source`` the
        audit source ("import", "cli").
        """
        if user is not None and not (has_perm(user, f"{self.module}.add") or has_perm(user, f"{self.module}.change")):
            raise PermissionDenied
        if isinstance(file, (bytes, bytearray)):
            self.check_size(len(file))
        elif isinstance(file, (str, Path)):
            self.check_size(Path(file).stat().st_size)
        ctx = ImportContext(user=user, progress=progress, module=self.module, clear_empty=clear_empty, commit=commit)
        with audit.audit_context(source, actor=user, note=f"import {self.kind} {filename}", remote_addr=remote_addr):
            result, cleaned, rownums = self.validate(file, filename, ctx)
            ctx.total = result.total
            if progress:
                progress(result.total, result.total, "validate")
            if result.ok:
                self._save(result, cleaned, rownums, ctx)
                if result.ok and progress:
                    progress(result.total, result.total, "save")
        return result

    def _save(self, result, cleaned, rownums, ctx):
        def err(row, column, message, value=""):
            result.errors.append({"row": row, "column": column, "value": value, "message": str(message)})

        try:
            with transaction.atomic():
                saved = self.save_rows(cleaned, ctx)
                if not ctx.commit:
                    raise _Rollback
        except _Rollback:
            result.saved = saved
        except RowErrors as e:
            for x in e.errors:
                err(x.get("row"), str(x.get("column", "")), x.get("message", ""), _display(x.get("value")) or "")
        except RowError as e:
            err(e.row, self._label_of(e.column), e.message)
        except PermissionDenied as e:
            err(None, "", str(e) or _("超出权限范围"))
        except ValidationError as e:
            err(None, "", "; ".join(e.messages))
        except IntegrityError as e:  # e.g. a concurrent insert of the same code
            err(None, "", _("数据冲突,未写入任何数据: %(e)s") % {"e": str(e)[:200]})
        else:
            result.saved = saved


def _empty_value(obj, key):
    try:
        f = obj._meta.get_field(key)
    except Exception:  # noqa: BLE001 - not a model field: plain attribute
        return None
    if f.null:
        return None
    if f.has_default():
        return f.get_default()
    return ""


def _mb(n: int) -> str:
    return f"{n / (1 << 20):.0f} MB" if n >= 1 << 20 else f"{n / 1024:.0f} KB"


def _normalise(v):
    if isinstance(v, str):
        v = v.strip()
        return v or None
    return v


def _display(v):
    if isinstance(v, (dt.date, dt.datetime, decimal.Decimal)):
        return str(v)
    return v


def errors_workbook(importer: Importer, source, filename: str, errors: list[dict]) -> bytes:
    """The uploaded rows with their errors beside them (first column), error rows highlighted; secret
    columns blanked. Re-uploading the corrected file works: the error column is not an import column."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    by_row: dict = {}
    general = []
    for e in errors:
        text = f"[{e.get('column') or '-'}] {e.get('message')}"
        if e.get("row"):
            by_row.setdefault(e["row"], []).append(text)
        else:
            general.append(text)
    table = open_table(source, filename, max_rows=importer.limits["max_rows"])
    secret = set()
    try:
        mapping = importer._map_header(table.header)
        secret = {i for i, c in mapping.items() if c.secret}
    except FileFormatError:
        pass
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(str(importer.label)[:31])
    red = PatternFill("solid", fgColor="F8D7DA")
    bold = Font(bold=True)

    def cells(values, fill=None, font=None):
        out = []
        for v in values:
            c = WriteOnlyCell(ws, value=v)
            if is_formula_like(v):
                _as_text(c)  # the uploaded text goes back as text, never a live formula
            if fill is not None:
                c.fill = fill
            if font is not None:
                c.font = font
            out.append(c)
        return out

    ws.append(cells([_("错误"), *table.header], font=bold))
    for rownum, values in table.rows():
        msgs = by_row.get(rownum)
        shown = [None if i in secret else _cell_value(v) for i, v in enumerate(values)]
        ws.append(cells(["; ".join(msgs) if msgs else None, *shown], fill=red if msgs else None))
    if general:
        ws2 = wb.create_sheet(_("其他错误"))
        for g in general:
            ws2.append([g])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell_value(v):
    if isinstance(v, dt.datetime) and v.tzinfo is not None:
        return timezone.localtime(v).replace(tzinfo=None)
    return v


REGISTRY: dict[str, type[Importer]] = {}


def register(cls: type[Importer]) -> type[Importer]:
    REGISTRY[cls.kind] = cls
    return cls


def get_importer(kind: str) -> Importer:
    try:
        return REGISTRY[kind]()
    except KeyError:
        raise KeyError(_("未知的导入类型: %(k)s") % {"k": kind}) from None


def upload_dir() -> Path:
    d = Path(settings.ENVBUREAU["DATA_DIR"]) / "imports"
    d.mkdir(parents=True, exist_ok=True)
    return d
