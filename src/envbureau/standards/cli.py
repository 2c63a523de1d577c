"""``envbureau calc`` — the standards engine on the command line.

    envbureau calc aqi [--rules 2012|2026] [--period day|hour] [--date YYYY-MM-DD] pm25=75 pm10=120 … [--json]
    envbureau calc aqi --csv IN.csv [--out OUT.csv]
    envbureau calc water [--waterbody river|lake] [--target III] ph=7.5 do=6.5 … [--json]
    envbureau calc water --csv IN.csv [--out OUT.csv]

Also ``python -m envbureau.standards.cli calc …`` (the leading ``calc`` is optional).
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import io
import json
import math
import sys
import warnings
from typing import Sequence

from . import air, water
from .rounding import format_fixed
from .tables import INDICATOR_NAMES, POLLUTANT_NAMES, POLLUTANT_OF, WATER_ITEMS

AQI_CODES_HELP = """\
air codes (µg/m³; CO mg/m³):
  pm25 pm10 so2 no2 co   daily: 24-h means; hourly: 1-h values (2012 hourly: PM = 24-h moving mean)
  o3_8h                  O3 8-h mean (daily report: daily maximum 8-h mean, MDA8)
  o3_1h                  O3 1-h value (2012 daily report: daily maximum 1-h value)
  so2_24h                2012 hourly report only: SO2 24-h mean, used when SO2 1-h > 800
  also the explicit indicator codes: so2_24h so2_1h no2_24h no2_1h co_24h co_1h pm10_24h pm10_1h
  pm25_24h pm25_1h o3_8h o3_1h
CSV (--csv): one report per row, columns named by these codes; optional columns `date`
  (YYYY-MM-DD: rules chosen by date) and `rules` (2012|2026). Empty cell = missing (NA).
"""

WATER_CODES_HELP = "water item codes (mg/L; pH dimensionless; fcoli count/L; \"0.01L\" = below DL 0.01):\n" + \
    "\n".join(f"  {k:<7} {v[0]}" for k, v in WATER_ITEMS.items()) + """
The class uses the 21 items of 环办〔2011〕22号 (not temp; tn and fcoli are classed separately);
TP uses the lake/reservoir limits with --waterbody lake.  Unknown codes are ignored with a warning.
CSV (--csv): one sample per row, columns named by these codes, optional `waterbody` (river|lake)
  and `target` (Ⅰ…Ⅴ / I…V) columns.  Output adds class, deciding_items, grade, class_<item>.
"""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="envbureau calc",
        description="计算器: AQI (HJ 633-2012/2026) and water class (GB 3838-2002).",
        epilog=AQI_CODES_HELP + "\n" + WATER_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="what", required=True)
    a = sub.add_parser("aqi", help="IAQI/AQI, category, primary and exceeding pollutants",
                       epilog=AQI_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("values", nargs="*", metavar="CODE=VALUE", help="e.g. pm25=75 o3_8h=100")
    a.add_argument("--rules", choices=["2012", "2026"], help="rule set (default: by --date, else today)")
    a.add_argument("--date", help="date of the data (YYYY-MM-DD): picks the rule set and GB 3095 stage")
    a.add_argument("--stage", choices=["transitional", "final"], help="GB 3095-2026 limit stage")
    a.add_argument("--period", choices=["day", "hour"], default="day", help="daily (default) or hourly report")
    a.add_argument("--valid-day-rule", choices=list(air.VALID_DAY_RULES), default="in_force")
    a.add_argument("--json", action="store_true", help="JSON output")
    a.add_argument("--csv", metavar="IN.csv", help="batch: one report per row")
    a.add_argument("--out", metavar="OUT.csv", help="batch output (default: stdout)")
    w = sub.add_parser("water", help="single-factor water class of a sample",
                       epilog=WATER_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    w.add_argument("values", nargs="*", metavar="CODE=VALUE", help="e.g. ph=7.5 nh3n=1.2 tp=0.08")
    w.add_argument("--waterbody", choices=["river", "lake"], default="river")
    w.add_argument("--target", help="target class (I…V, Ⅰ…Ⅴ)")
    w.add_argument("--json", action="store_true")
    w.add_argument("--csv", metavar="IN.csv")
    w.add_argument("--out", metavar="OUT.csv")
    return p


def _pairs(values: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for v in values:
        if "=" not in v:
            raise ValueError(f"expected CODE=VALUE, got {v!r}")
        k, val = v.split("=", 1)
        k = k.strip().lower()
        if k in out:
            raise ValueError(f"{k} given twice")
        out[k] = val.strip()
    return out


def _num(code: str, s: str) -> float | None:
    if s in ("", "NA", "na", "--", "nan"):
        return None
    try:
        v = float(s)
    except ValueError:
        raise ValueError(f"{code}: not a number: {s!r}") from None
    if math.isnan(v):
        return None
    return v


def _aqi_report(pairs: dict[str, str], rules: str | None, date: str | None, period: str, stage: str | None,
                valid_day_rule: str) -> air.AQIReport:
    conc = {k: _num(k, v) for k, v in pairs.items()}
    if not conc:
        raise ValueError("no concentrations given (e.g. pm25=75)")
    d = _dt.date.fromisoformat(date) if date else None
    rs = air.get_rules(rules) if rules else air.rules_for(d or _dt.date.today())
    return air.aqi(conc, rs, period=period, date=d, stage=stage, valid_day_rule=valid_day_rule)


def _label(code: str) -> str:
    pol = POLLUTANT_OF.get(code, code)
    return f"{POLLUTANT_NAMES[pol][1]} ({INDICATOR_NAMES.get(code, code)})"


def _print_aqi(r: air.AQIReport, out) -> None:
    print(f"标准: {r.rules}  ({'日报' if r.period == 'day' else '实时报'})", file=out)
    print(f"{'指标':<34}{'浓度':>10}{'IAQI':>8}", file=out)
    for code, i in r.iaqi.items():
        c = r.concentrations.get(code)
        cs = "NA" if c is None else format_fixed(c, 1 if code.startswith("co") else 0) if \
            r.rules.startswith("HJ 633-2026") else ("NA" if c is None else f"{c:g}")
        print(f"{_label(code):<34}{cs:>10}{('NA' if i is None else str(i)):>8}", file=out)
    if r.aqi is None:
        print(f"AQI: NA (可计算部分: {r.aqi_partial})", file=out)
    else:
        c = r.category
        print(f"AQI: {r.aqi}  {c.level_name} {c.name} ({c.name_en})  {c.colour} {c.hex}", file=out)
    print("首要污染物: " + ("、".join(_label(p) for p in r.primary) or "无"), file=out)
    if r.rules.startswith("HJ 633-2012"):
        print("超标污染物 (IAQI>100): " + ("、".join(_label(p) for p in r.exceeding) or "无"), file=out)
    else:
        print(f"超过GB 3095-2026二级浓度限值 ({r.stage}): " + ("、".join(_label(p) for p in r.exceeding) or "无"),
              file=out)
    for n in r.notes:
        print("注: " + n, file=out)


def _water_result(pairs: dict[str, str], waterbody: str, target: str | None) -> water.WaterResult:
    if not pairs:
        raise ValueError("no items given (e.g. ph=7.5 nh3n=1.2)")
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        return water.classify(pairs, waterbody, target=target)


def _print_water(r: water.WaterResult, out) -> None:
    print(f"水体: {'河流' if r.waterbody == 'river' else '湖库'}", file=out)
    if not r.water_class:
        print("水质类别: 无法评价 (无参评项目)", file=out)
    else:
        print(f"水质类别: {r.class_name} ({r.grade})", file=out)
        print("定类项目: " + "、".join(WATER_ITEMS[k][0] for k in r.deciding_items), file=out)
    for k, c in r.item_classes.items():
        mark = "" if k in water.EVALUATION_ITEMS else " (单独评价)"
        below = " (未检出, 按检出限一半计)" if k in r.below_detection else ""
        print(f"  {WATER_ITEMS[k][0]:<10}{r.values[k]:>12g}  {water.class_name(c)}{mark}{below}", file=out)
    if r.main_pollutants:
        print("主要污染指标 (超Ⅲ类倍数): " + "、".join(r.main_pollutants), file=out)
    if r.target is not None:
        print(f"目标: {water.class_name(r.target)}  {'达标' if r.compliant else '不达标'}", file=out)
        for k, m in r.target_exceedance.items():
            print(f"  {WATER_ITEMS[k][0]} 超目标倍数 {format_fixed(m, 2)}", file=out)
    for w in r.warnings:
        print("警告: " + w, file=out)


def _json_default(o):
    if isinstance(o, float) and math.isnan(o):
        return None
    return str(o)


def _clean(o):
    if isinstance(o, float) and math.isnan(o):
        return None
    if isinstance(o, dict):
        return {k: _clean(v) for k, v in o.items()}
    if isinstance(o, list):
        return [_clean(v) for v in o]
    return o


def _batch(args, kind: str, err) -> int:
    with open(args.csv, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
        header = list(rows[0].keys()) if rows else []
    if not rows:
        print(f"错误: {args.csv} has no data rows", file=err)
        return 2
    extra: list[str]
    if kind == "water":
        items = [h for h in header if h.strip().lower() in WATER_ITEMS or water._item_code(h)]
        unknown = [h for h in header if h not in items and h.strip().lower() not in ("waterbody", "target")]
        if unknown:
            print(f"警告: unknown columns ignored: {', '.join(unknown)}", file=err)
        extra = ["class", "grade", "deciding_items"] + [f"class_{water._item_code(h)}" for h in items] + ["error"]
    else:
        items = [h for h in header if h.strip().lower() not in ("date", "rules", "period", "station", "name", "id")]
        extra = ["rules_used", "aqi", "level", "category", "colour", "primary_pollutants",
                 "exceeding_pollutants"] + [f"iaqi_{h}" for h in items] + ["error"]
    n_bad = 0
    buf = io.StringIO()
    wr = csv.DictWriter(buf, fieldnames=header + [e for e in extra if e not in header])
    wr.writeheader()
    for i, row in enumerate(rows, start=1):
        out = dict(row)
        try:
            if kind == "water":
                wb = (row.get("waterbody") or args.waterbody or "river").strip().lower()
                tgt = (row.get("target") or args.target or None)
                r = _water_result({h: row[h] for h in items if row.get(h, "").strip() != ""}, wb, tgt)
                out["class"] = r.class_name
                out["grade"] = r.grade
                out["deciding_items"] = ";".join(r.deciding_items)
                for h in items:
                    out[f"class_{water._item_code(h)}"] = water.class_name(r.item_classes.get(water._item_code(h), 0))
            else:
                pairs = {h: row[h] for h in items}
                rep = _aqi_report(pairs, (row.get("rules") or args.rules or None), (row.get("date") or args.date
                                  or None), (row.get("period") or args.period), args.stage, args.valid_day_rule)
                keymap = air.normalize_keys(list(pairs), air.get_rules(rep.rules_code),
                                            row.get("period") or args.period)
                out["rules_used"] = rep.rules
                out["aqi"] = "NA" if rep.aqi is None else rep.aqi
                out["level"] = "" if rep.category is None else rep.category.level_name
                out["category"] = "" if rep.category is None else rep.category.name
                out["colour"] = "" if rep.category is None else rep.category.hex
                out["primary_pollutants"] = ";".join(rep.primary)
                out["exceeding_pollutants"] = ";".join(rep.exceeding)
                for h in items:
                    v = rep.iaqi.get(keymap[h])
                    out[f"iaqi_{h}"] = "" if v is None else v
            out["error"] = ""
        except (ValueError, KeyError) as e:
            n_bad += 1
            out["error"] = str(e)
            print(f"row {i} (line {i + 1}): {e}", file=err)
        wr.writerow(out)
    if args.out:
        with open(args.out, "w", newline="", encoding="utf-8") as f:
            f.write(buf.getvalue())
    else:
        sys.stdout.write(buf.getvalue())
    print(f"{len(rows)} rows, {len(rows) - n_bad} computed, {n_bad} with errors", file=err)
    return 1 if n_bad else 0


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status (0 ok, 1 batch rows with errors, 2 bad input)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "calc":
        argv = argv[1:]
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse exits on --help / errors; keep main() callable
        return int(e.code or 0)
    out, err = sys.stdout, sys.stderr
    try:
        if args.csv:
            if args.values:
                raise ValueError("give either CODE=VALUE pairs or --csv, not both")
            return _batch(args, args.what, err)
        pairs = _pairs(args.values)
        if args.what == "aqi":
            r = _aqi_report(pairs, args.rules, args.date, args.period, args.stage, args.valid_day_rule)
            if args.json:
                print(json.dumps(_clean(r.as_dict()), ensure_ascii=False, indent=2, default=_json_default),
                      file=out)
            else:
                _print_aqi(r, out)
        else:
            r = _water_result(pairs, args.waterbody, args.target)
            if args.json:
                print(json.dumps(_clean(r.as_dict()), ensure_ascii=False, indent=2, default=_json_default),
                      file=out)
            else:
                _print_water(r, out)
        return 0
    except (ValueError, OSError) as e:
        print(f"错误: {e}", file=err)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
