"""Issued documents (core.documents): Word templates the bureau edits, numbered per kind and year,
issued from objects as .docx + PDF. Apps declare kinds with `register(DocumentKind(...))` in ready();
`issue(user, obj, kind_code)` is the one way to issue. See docs/contract.md."""

from .registry import BUILTIN_FIELDS, DocumentKind, Field, get_kind, kinds, kinds_for_model, register

__all__ = ["BUILTIN_FIELDS", "DocumentKind", "Field", "get_kind", "kinds", "kinds_for_model", "register", "issue"]


def issue(user, obj, kind_code: str, values: dict | None = None, *, pdf: bool = True):
    from .services import issue as _issue

    return _issue(user, obj, kind_code, values, pdf=pdf)
