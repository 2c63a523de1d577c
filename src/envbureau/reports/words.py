"""Number style shared by every report (as MEE and provincial bulletins write numbers): the unit of a change follows the kind of
indicator (rates → %, ratios → 个百分点, days → 天), "持平" when the printed change is 0, and changes of
concentrations are computed from the printed values (quality's `changes(..., basis="reported")`)."""

from __future__ import annotations

from envbureau.quality.assessment import change_words


def rate(value) -> str:
    """"上升5.9%" / "下降13.5%" / "持平"; "" when there is no base."""
    return "" if value is None else change_words(value, "rate")


def points(value) -> str:
    return "" if value is None else change_words(value, "points")


def days(value) -> str:
    return "" if value is None else change_words(value, "days")


def signed_pct(value) -> str:
    """A signed change rate for tables, one decimal ("-13.5", "+2.0", "0.0"); negative = better (the Tianjin, Sichuan and Anhui convention)."""
    if value is None:
        return "—"
    txt = f"{value * 100:+.1f}"
    return "0.0" if txt in ("+0.0", "-0.0") else txt


def signed_points(value) -> str:
    if value is None:
        return "—"
    txt = f"{value:+.1f}"
    return "0.0" if txt in ("+0.0", "-0.0") else txt


def join_names(names: list[str]) -> str:
    """a、b和c (ranking phrases as bulletins write them)."""
    if len(names) <= 1:
        return "".join(names)
    return "、".join(names[:-1]) + "和" + names[-1]


def ranked_names(items: list[tuple[str, int | None]]) -> list[str]:
    """Names with "（并列）" after those sharing their rank with another (as bulletins write ties)."""
    counts: dict = {}
    for _n, r in items:
        counts[r] = counts.get(r, 0) + 1
    return [f"{n}（并列）" if r is not None and counts[r] > 1 else n for n, r in items]
