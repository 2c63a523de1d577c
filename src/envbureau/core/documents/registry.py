"""Document kinds: declared in code by the app that issues them (fields, required fields, who may issue).

What the bureau edits lives in the database (core.documents.models): the Word template, the 文号 prefix
and the signing unit. A kind names the model it is issued from; core never imports that app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Field:
    name: str                # placeholder in the template: {{ name }}
    label: str               # the human name used in messages ("缺少必填项:整改时限")
    required: bool = False


# Filled by core on every issue; templates may use them without the kind declaring them.
BUILTIN_FIELDS = (
    Field("number", _("文号"), True),
    Field("signing_unit", _("签发单位"), True),
    Field("issue_date", _("签发日期"), True),
    Field("issued_by", _("经办人")),
)


@dataclass(frozen=True)
class DocumentKind:
    code: str                            # "ledger.assignment"
    label: str                           # "交办单"
    model: str                           # "ledger.problem" (app_label.model_name)
    permission: str                      # "ledger.assign": the scope action on the object that may issue it
    fields: tuple[Field, ...]
    context: Callable[[object], dict]    # obj -> {field name: value}; None/"" counts as missing
    template: Path                       # the first template, shipped with the app
    number_prefix: str = ""              # default 文号 prefix, e.g. "环督交" → 环督交〔2026〕12号
    detail_url: Callable[[object], str] | None = None
    description: str = ""
    extra: dict = field(default_factory=dict)
    # an internal form (立案审批表, 结案审批表, 案件移送书): read by staff who may view the object, never by the
    # party the object is about (an enterprise account sees the documents addressed to it)
    internal: bool = False

    @property
    def all_fields(self) -> tuple[Field, ...]:
        return BUILTIN_FIELDS + self.fields

    @property
    def module(self) -> str:
        return self.permission.split(".", 1)[0]

    @property
    def action(self) -> str:
        return self.permission.split(".", 1)[1]

    def applies(self, obj) -> bool:
        """Whether this kind fits `obj` (extra["applies"](obj), e.g. one kind of measure among several)."""
        fn = self.extra.get("applies")
        return fn is None or bool(fn(obj))

    def model_class(self):
        from django.apps import apps

        return apps.get_model(self.model)


_KINDS: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> DocumentKind:
    """Register a kind (call from the app's AppConfig.ready()); re-registering replaces it."""
    _KINDS[kind.code] = kind
    return kind


def get_kind(code: str) -> DocumentKind | None:
    return _KINDS.get(code)


def kinds() -> list[DocumentKind]:
    return sorted(_KINDS.values(), key=lambda k: k.code)


def kinds_for_model(model) -> list[DocumentKind]:
    label = f"{model._meta.app_label}.{model._meta.model_name}"
    return [k for k in kinds() if k.model == label]
