"""Provincial and local numbers: a module's section of `settings.ENVBUREAU`, with entries per jurisdiction code.

`ENVBUREAU["ENFORCEMENT"] = {"yearly_cap": 2, "jurisdictions": {"110000": {...}, "110105": {...}}}`: the
deployment's values, then each jurisdiction's entry from the top of `jurisdiction`'s path down to it, so the nearest
code wins. Modules keep their national defaults and decide how a value is read (types, merged tables)."""

from __future__ import annotations

from django.conf import settings


def section_for(section: str, jurisdiction=None, merge=frozenset()) -> dict:
    """The values of `section` that apply to `jurisdiction` (a core.Jurisdiction, its path "/110000/110101/" or
    None for the deployment's own). Keys in `merge` are dicts merged level by level instead of replaced."""
    conf = (getattr(settings, "ENVBUREAU", {}) or {}).get(section, {}) or {}
    out = {k: v for k, v in conf.items() if k != "jurisdictions"}
    path = getattr(jurisdiction, "path", jurisdiction) or ""
    table = conf.get("jurisdictions") or {}
    for code in [c for c in str(path).split("/") if c]:  # the top first, the nearest last
        for key, value in (table.get(code) or {}).items():
            if key in merge and isinstance(out.get(key), dict) and isinstance(value, dict):
                value = {**out[key], **value}
            out[key] = value
    return out
