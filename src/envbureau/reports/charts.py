"""Charts drawn on the server as PNG for the Word documents (matplotlib, Agg: no display, no network).

matplotlib is the maintained, offline choice for print figures; the Noto CJK faces installed for the
PDF converter give the Chinese labels. Figures are built without pyplot (no global state, thread-safe).
"""

from __future__ import annotations

import io

CATEGORY_COLOURS = ["#00E400", "#FFFF00", "#FF7E00", "#FF0000", "#99004C", "#7E0023"]  # HJ 633 colours
CJK_FONTS = ["Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei", "DejaVu Sans"]


def _figure(width: float, height: float):
    from matplotlib import rcParams
    from matplotlib.figure import Figure

    rcParams["font.sans-serif"] = CJK_FONTS
    rcParams["font.family"] = "sans-serif"
    rcParams["axes.unicode_minus"] = False
    return Figure(figsize=(width, height), dpi=150)


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return buf.getvalue()


def level_days(names: list[str], days: list[list[int]], categories: list[str], title: str) -> bytes:
    """Stacked horizontal bars: days of each AQI category per unit (one row per name)."""
    fig = _figure(7.5, 0.45 * len(names) + 1.4)
    ax = fig.add_subplot()
    left = [0] * len(names)
    y = list(range(len(names)))[::-1]
    for k, cat in enumerate(categories):
        vals = [row[k] for row in days]
        ax.barh(y, vals, left=left, color=CATEGORY_COLOURS[k], edgecolor="#666", linewidth=0.3, label=cat)
        for yi, lv, v in zip(y, left, vals):
            if v:
                ax.text(lv + v / 2, yi, str(v), ha="center", va="center", fontsize=7)
        left = [a + b for a, b in zip(left, vals)]
    ax.set_yticks(y, names, fontsize=8)
    ax.set_xlabel("天数")
    ax.set_title(title, fontsize=10)
    ax.legend(ncol=6, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12 if len(names) > 3 else -0.25),
              frameon=False)
    return _png(fig)


def pollutants(labels: list[str], now: list[float | None], base: list[float | None], limits: list[float],
               now_label: str, base_label: str, title: str) -> bytes:
    """Six pollutants as a share of their Grade II limit (100 % = the limit), this period and last year."""
    fig = _figure(7.5, 3.2)
    ax = fig.add_subplot()
    x = list(range(len(labels)))

    def pct(vals):
        return [0 if v is None or not lim else v / lim * 100 for v, lim in zip(vals, limits)]

    b1 = ax.bar([i - 0.2 for i in x], pct(base), width=0.4, color="#9DB4CE", label=base_label)
    b2 = ax.bar([i + 0.2 for i in x], pct(now), width=0.4, color="#2F6EBA", label=now_label)
    for bars, vals in ((b1, base), (b2, now)):
        for bar, v in zip(bars, vals):
            if v is not None:
                ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height(), f"{v:g}", ha="center", va="bottom",
                        fontsize=7)
    ax.axhline(100, color="#C00", linewidth=0.8, linestyle="--")
    ax.set_xticks(x, labels, fontsize=8)
    ax.set_ylabel("占二级标准限值(%)")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, frameon=False)
    return _png(fig)


def bars(names: list[str], values: list[float | None], title: str, ylabel: str, colour: str = "#2F6EBA") -> bytes:
    """One value per unit (CWQI by section, complaints by district …)."""
    fig = _figure(7.5, 3.2)
    ax = fig.add_subplot()
    vals = [0 if v is None else v for v in values]
    bs = ax.bar(range(len(names)), vals, color=colour)
    for bar, v in zip(bs, values):
        if v is not None:
            ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height(), f"{v:g}", ha="center", va="bottom", fontsize=7)
    ax.set_xticks(range(len(names)), names, fontsize=8, rotation=30 if len(names) > 6 else 0, ha="right"
                  if len(names) > 6 else "center")
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    return _png(fig)
