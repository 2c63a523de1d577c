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
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from . import audit
from .excel import FileFormatError, read_table, workbook_bytes
from .permissions import has_perm


@dataclass
class Column:
    key: str
    label: str
    required: bool = False
    help: str = ""
    example: object = ""
    aliases: tuple = ()
    secret: bool = False  # e.g. an initial password: never shown in the preview nor kept in the job


class RowError(Exception):
    def __init__(self, column: str | None, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


@dataclass
class ImportContext:
    user: object
    progress: object = None  # callable(done, total, phase) or None; phase "validate" | "save"
    state: dict = field(default_factory=dict)
    total: int = 0

    def saved(self, done: int) -> None:
        """Importers may call this from save_rows every so often to report saving progress."""
        if self.progress:
            self.progress(done, self.total, "save")


@dataclass
class ImportResult:
    total: int
    errors: list  # [{"row": n, "column": label, "message": text}]
    preview: list
    saved: dict | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


class Importer:
    kind: str = ""
    label: str = ""
    module: str = "core"
    columns: list[Column] = []
    max_errors = 200

    # ---- to implement ----
    def clean_row(self, values: dict, ctx: ImportContext):
        raise NotImplementedError

    def save_rows(self, cleaned: list, ctx: ImportContext) -> dict:
        raise NotImplementedError

    def check_batch(self, cleaned: list, rownums: list[int], ctx: ImportContext) -> list[dict]:
        """Cross-row checks (e.g. duplicates in the file); return error dicts."""
        return []

    # ---- framework ----
    def template_bytes(self) -> bytes:
        header = [f"{c.label}{'*' if c.required else ''}" for c in self.columns]
        example = [c.example for c in self.columns]
        notes = [[c.label, c.key, _("必填") if c.required else _("选填"), c.help] for c in self.columns]
        return workbook_bytes([
            (str(self.label), header, [example]),
            (_("填写说明"), [_("列名"), _("字段"), _("是否必填"), _("说明")], notes),
        ])

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
            if col is not None:
                mapping[i] = col
        missing = [str(c.label) for c in self.columns if c.required and c not in mapping.values()]
        if missing:
            raise FileFormatError(_("缺少必填列: %(cols)s") % {"cols": "、".join(missing)})
        return mapping

    def validate(self, data: bytes, filename: str, ctx: ImportContext) -> tuple[ImportResult, list]:
        header, body = read_table(data, filename)
        mapping = self._map_header(header)
        errors, cleaned, rownums, preview = [], [], [], []
        total = len(body)
        for n, (rownum, raw) in enumerate(body):
            values = {c.key: _normalise(raw[i]) for i, c in mapping.items()}
            for c in self.columns:
                values.setdefault(c.key, None)
            missing = [c for c in self.columns if c.required and values.get(c.key) in (None, "")]
            try:
                if missing:
                    raise RowError(missing[0].key, _("必填项为空"))
                obj = self.clean_row(values, ctx)
            except RowError as e:
                errors.append({"row": rownum, "column": self._label_of(e.column), "message": str(e.message)})
            except ValidationError as e:
                for fname, msgs in getattr(e, "message_dict", {None: e.messages}).items():
                    errors.append({"row": rownum, "column": self._label_of(fname),
                                   "message": "; ".join(str(m) for m in msgs)})
            else:
                cleaned.append(obj)
                rownums.append(rownum)
            if len(preview) < 20:
                preview.append({"row": rownum, "values": {
                    str(c.label): "***" if c.secret and values.get(c.key) else _display(values.get(c.key))
                    for c in self.columns}})
            if ctx.progress and n % 200 == 0:
                ctx.progress(n, total, "validate")
            if len(errors) >= self.max_errors:
                errors.append({"row": None, "column": "", "message": _("错误过多,已停止校验")})
                break
        if not errors:
            errors.extend({**e, "column": str(e.get("column", "")), "message": str(e.get("message", ""))}
                          for e in self.check_batch(cleaned, rownums, ctx))
        return ImportResult(total=total, errors=errors, preview=preview), cleaned

    def _label_of(self, key):
        for c in self.columns:
            if c.key == key:
                return str(c.label)
        return str(key or "")

    def run(self, data: bytes, filename: str, user, commit: bool = True, progress=None,
            source: str = "import", remote_addr: str | None = None) -> ImportResult:
        """Validate, and if every row is valid and commit=True, save all rows in one transaction.

        All or nothing: any error (in validation or while saving) leaves the database untouched.
        """
        if user is not None and not (has_perm(user, f"{self.module}.add") or has_perm(user, f"{self.module}.change")):
            raise PermissionDenied
        ctx = ImportContext(user=user, progress=progress)
        with audit.audit_context(source, actor=user, note=f"import {self.kind} {filename}", remote_addr=remote_addr):
            result, cleaned = self.validate(data, filename, ctx)
            ctx.total = result.total
            if progress:
                progress(result.total, result.total, "validate")
            if result.ok and commit:
                try:
                    with transaction.atomic():
                        result.saved = self.save_rows(cleaned, ctx)
                except RowError as e:
                    result.errors.append({"row": None, "column": self._label_of(e.column), "message": str(e.message)})
                except PermissionDenied as e:
                    result.errors.append({"row": None, "column": "", "message": str(e) or _("超出权限范围")})
                except ValidationError as e:
                    result.errors.append({"row": None, "column": "", "message": "; ".join(e.messages)})
                except IntegrityError as e:  # e.g. a concurrent insert of the same code
                    result.errors.append({"row": None, "column": "",
                                          "message": _("数据冲突,未写入任何数据: %(e)s") % {"e": str(e)[:200]}})
                else:
                    if progress:
                        progress(result.total, result.total, "save")
        return result


def _normalise(v):
    if isinstance(v, str):
        v = v.strip()
        return v or None
    return v


def _display(v):
    if isinstance(v, (dt.date, dt.datetime, decimal.Decimal)):
        return str(v)
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
