"""Sentences the platform writes by a rule, stored as facts and worded in each reader's language.

A record written by the system (a problem's title, a notification, a dossier line) must read in the language of
whoever opens it, not of whoever happened to click. So the record stores the facts of its sentence beside the
Chinese wording (which search, exports and rows older than the facts use), and pages word the facts for the reader:

- by key, from a registry (`Sentences`): the ledger's problem titles and the notifications, where a module
  registers its sentences once ({key: msgid} or {key: (msgid, names of the values that are fixed-list words)});
  facts {"msg": key, "args": {…}};
- self-contained (`sentence`): the facts carry the msgid itself, for records every module writes (dossier lines).

Values named as fixed-list words (a choice's label stored as its Chinese msgid, see `zh`) are worded through the
catalogue too. Alarm and warning descriptions keep their own tables: they add units, multiples and flags.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext, pgettext


class Sentences(dict):
    """A registry of sentences: key -> (msgid, names of the values worded through the catalogue too). One per kind
    of record that stores facts (problem titles, notifications, dossier lines), so each can be frozen and
    checked on its own; the wording is the same code for all."""

    def register(self, texts: dict) -> None:
        for key, entry in texts.items():
            self[key] = entry if isinstance(entry, tuple) else (entry, ())

    def facts(self, key: str, **args) -> dict:
        """The facts of a registered sentence; an unknown key is a programming error, raised at once."""
        if key not in self:
            raise KeyError(f"unregistered sentence {key!r}")
        return {"msg": key, "args": args}

    def words(self, facts: dict | None, fallback: str = "", **extra) -> str:
        """The sentence in the active language; `fallback` (the stored text) when there are no facts, the key is
        unknown or the values do not fit. `extra` adds values the caller works out at reading time."""
        entry = self.get(facts.get("msg")) if isinstance(facts, dict) else None
        return fallback if entry is None else _worded(entry, facts.get("args"), fallback, extra)

    def chinese(self, facts: dict | None, fallback: str = "") -> str:
        """The stored (Chinese) wording of the facts."""
        with translation.override("zh-hans"):
            return self.words(facts, fallback)

    def shown(self, facts: dict | None, stored: str) -> str:
        """What a reader sees of a stored sentence: worded in their language while it is still the facts'
        Chinese wording; as stored once a person edited it (or when it has no facts)."""
        if not facts or self.chinese(facts) != stored:
            return stored
        return self.words(facts, stored) or stored


def _worded(entry: tuple[str, tuple[str, ...]], args: dict | None, fallback: str, extra: dict | None = None) -> str:
    msg, listed = entry
    args = dict(args or {})
    args.update(extra or {})
    for k, v in args.items():  # a value that is itself a sentence's facts (a period's label) is worded too
        if isinstance(v, dict):
            args[k] = words(v, "")
    for k in listed:
        if isinstance(args.get(k), str) and args[k]:
            args[k] = gettext(args[k])
        elif isinstance(args.get(k), list):  # a list of words, joined as the language lists them
            args[k] = pgettext("列举", "、").join(gettext(str(x)) for x in args[k])
    try:
        return gettext(msg) % args
    except (KeyError, TypeError, ValueError):
        return fallback


# Self-contained sentences: the facts carry the msgid itself ({"text": msgid, "args": {…}, "listed": […]}), for
# records many modules write (dossier lines) where a registry would have to be filled by every app at start-up.
# A msgid later reworded in the code leaves old rows with their own wording (gettext finds no translation of the
# old msgid and the Chinese stays), never a wrong sentence.

def sentence(msgid: str, listed: tuple[str, ...] = (), **args) -> dict:
    """Facts of a sentence (mark `msgid` with gettext_noop so the catalogue has it); `listed` names the values
    that are fixed-list words in Chinese (see `zh`), worded through the catalogue too."""
    # values stay JSON: numbers as they are (for %(n)d), lists of words as lists of text, a sentence's facts (a
    # dict, worded in turn), anything else (a Decimal, a date, a lazy label) as text
    args = {k: v if v is None or isinstance(v, (bool, int, float, str, dict)) else [str(x) for x in v]
            if isinstance(v, (list, tuple)) else str(v) for k, v in args.items()}
    facts = {"text": str(msgid), "args": args}
    if listed:
        facts["listed"] = list(listed)
    return facts


# Descriptions a module words itself (an alarm's or a warning's finding, with units and flags): a line
# {"kind": key, "facts": {...}} is worded by the function the module registered for that key at start-up.
WORDERS: dict = {}


def register_worder(kind: str, fn) -> None:
    """fn(facts, fallback) -> the text in the active language (sources: alarms; quality: warnings)."""
    WORDERS[kind] = fn


def worded_by(kind: str, facts: dict) -> dict:
    """A line worded by a module's registered function (see register_worder)."""
    return {"kind": kind, "facts": facts}


def lines(*sentences: dict) -> dict:
    """Facts of a text of several lines, each a sentence (a computation shown step by step)."""
    return {"lines": list(sentences)}


def words(facts: dict | None, fallback: str = "") -> str:
    """A self-contained sentence (or `lines`) in the active language (`fallback` when there are none or any
    does not fit)."""
    if isinstance(facts, dict) and isinstance(facts.get("lines"), list):
        out = [words(f, None) for f in facts["lines"]]
        return fallback if any(x is None for x in out) else "\n".join(out)
    if isinstance(facts, dict) and isinstance(facts.get("kind"), str):
        fn = WORDERS.get(facts["kind"])
        return fallback if fn is None else (fn(facts.get("facts"), None) or fallback)
    if not isinstance(facts, dict) or not isinstance(facts.get("text"), str):
        return fallback
    return _worded((facts["text"], tuple(facts.get("listed") or ())), facts.get("args"), fallback)


def chinese(facts: dict | None, fallback: str = "") -> str:
    with translation.override("zh-hans"):
        return words(facts, fallback)


def shown(facts: dict | None, stored: str) -> str:
    """As Sentences.shown, for self-contained sentences."""
    if not facts or chinese(facts) != stored:
        return stored
    return words(facts, stored) or stored


def zh(label) -> str:
    """A fixed-list word (a lazy gettext, a choice's `.label`) as its Chinese msgid, to store among the values.
    Not `get_FOO_display()`: that is already worded in the active language; use `zh_display`."""
    with translation.override("zh-hans"):
        return str(label)


def zh_display(obj, field: str) -> str:
    """A choice field's label as its Chinese msgid (obj.get_FIELD_display() worded in Chinese)."""
    with translation.override("zh-hans"):
        return str(getattr(obj, f"get_{field}_display")())
