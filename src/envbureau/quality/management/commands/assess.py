"""envbureau assess air|water --jurisdiction CODE --year YYYY [--month M | --quarter Q | --from D --to D] [--json]"""

import json

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "环境质量评价 / period assessment of a jurisdiction (air or water)"

    def add_arguments(self, parser):
        parser.add_argument("medium", choices=["air", "water", "registry"],
                            help="registry: sites and monitoring points commissioned in the period")
        parser.add_argument("--jurisdiction", help="区划代码, e.g. 110000 or 110101 (required unless --station)")
        parser.add_argument("--station", help="air: one station's own figures by its code, e.g. BJ-Dongsi")
        parser.add_argument("--year", type=int)
        g = parser.add_mutually_exclusive_group()
        g.add_argument("--month", type=int)
        g.add_argument("--quarter", type=int, choices=[1, 2, 3, 4])
        g.add_argument("--half", type=int, choices=[1, 2], help="1 上半年, 2 下半年")
        parser.add_argument("--from", dest="start")
        parser.add_argument("--to", dest="end")
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--no-compare", action="store_true", help="skip year-on-year / previous period")
        parser.add_argument("--precision", type=int, choices=[0, 1], default=0,
                            help="air: decimals of the µg/m³ concentrations (0 = GB 3095 integers, 1 = one decimal)")
        parser.add_argument("--change-basis", choices=["unrounded", "reported"], default="unrounded",
                            help="air: changes from the unrounded values (default) or from the printed ones")
        parser.add_argument("--drinking-level", choices=["county", "township", "rural"],
                            help="water: drinking-water sources of this level only (县级及以上/乡镇级/农村)")
        parser.add_argument("--scope", choices=["national", "provincial", "city", "county"],
                            help="water: sections of this control level and above (国考/国省考/市考及以上/县控及以上)")

    def handle(self, *args, medium, jurisdiction, year, month, quarter, start, end, json: bool = False, half=None,
               scope=None, **opts):
        from envbureau.core.models import Jurisdiction
        from envbureau.quality.assessment import make_period

        station = opts.get("station")
        if station and (medium != "air" or jurisdiction):
            raise CommandError("--station is for air, instead of --jurisdiction")
        if not station and not jurisdiction:
            raise CommandError("--jurisdiction is required")
        j = Jurisdiction.objects.filter(code=jurisdiction).first() if jurisdiction else None
        if j is None and not station:
            raise CommandError(f"unknown jurisdiction {jurisdiction}")
        if (start or end) and (month or quarter or half):
            raise CommandError("--from/--to cannot be combined with --month/--quarter/--half")
        if scope and medium != "water":
            raise CommandError("--scope is for water")
        if bool(start) != bool(end):
            raise CommandError("--from and --to go together")
        try:
            period = make_period(year, month, start, end, quarter, half)
        except ValueError as e:
            raise CommandError(str(e)) from None
        if station:
            from envbureau.quality.assessment import assess_station
            from envbureau.quality.models import AirStation

            st = AirStation.objects.filter(code=station).select_related("jurisdiction").first()
            if st is None:
                raise CommandError(f"unknown station {station}")
            result = assess_station(st, period, change_basis=opts.get("change_basis") or "unrounded")
            self.stdout.write(_dumps(result) if json else _dumps({k: result[k] for k in (
                "station", "period", *KEY_STATS_OUT)}))
            return
        if medium == "air":
            from envbureau.quality.assessment import assess_air

            result = assess_air(j, period, compare=not opts.get("no_compare"), precision=opts.get("precision") or 0,
                                change_basis=opts.get("change_basis") or "unrounded")
            from envbureau.quality.views import target_rows

            result["targets"] = target_rows(j, period.start.year)
            text = None if json else air_table(result)
        elif medium == "registry":
            from envbureau.quality.registry import REGISTRY_LABELS, commissioned

            result = commissioned(j, period)
            text = None if json else "\n".join(
                [f"{j.name} {period.label} 建成投运(按建成投运日期计)"]
                + [f"{REGISTRY_LABELS[k]}: {v} 个(未填日期 {result['without_date'][k]} 个)"
                   for k, v in result["commissioned"].items()])
        else:
            from envbureau.quality.water import assess_water

            result = assess_water(j, period, scope=scope, compare=not opts.get("no_compare"),
                                  drinking_level=opts.get("drinking_level"))
            text = None if json else water_table(result)
        if json:
            self.stdout.write(_dumps(result))
        else:
            self.stdout.write(text)


KEY_STATS_OUT = ("pm25_mean", "pm10_mean", "so2_mean", "no2_mean", "co_p95", "o3_8h_p90", "good_days",
                 "good_day_ratio", "composite_index", "valid_days")


def _dumps(obj):
    return json.dumps(obj, ensure_ascii=False, indent=2, default=str)


def air_table(r: dict) -> str:
    from envbureau.quality.assessment import KEY_STATS, STAT_LABELS, change_text, fmt

    pr = r.get("precision", 0)
    lines = [f"{r['jurisdiction']['name']}({r['jurisdiction']['code']}) {r['period']['label']} "
             f"{r['period']['start']}—{r['period']['end']} 环境空气质量评价", ""]
    yoy = (r.get("yoy") or {}).get("changes") or {}
    w = 36
    lines.append(f"{'指标':<{w}}{'本期':>10}{'上年同期':>12}{'同比':>12}  变化")
    for key in KEY_STATS:
        unit = "mg/m³" if key == "co_p95" else "µg/m³"
        c = yoy.get(key, {})
        rate = "" if c.get("rate") is None else "%+.1f%%" % (c["rate"] * 100)
        label = f"{STAT_LABELS[key]} ({unit}) [{key}]"
        lines.append(f"{label:<{w}}{fmt(r[key], key, pr):>10}{fmt(c.get('base'), key, pr):>12}{rate:>12}  "
                     f"{change_text(c, key, pr)}")
    c = yoy.get("good_day_ratio", {})
    pts = "" if c.get("points") is None else "%+.1f个百分点" % c["points"]
    lines.append(f"{'优良天数比率 (%) [good_day_ratio]':<{w}}{fmt(r['good_day_ratio'], 'good_day_ratio'):>10}"
                 f"{fmt(c.get('base'), 'good_day_ratio'):>12}{pts:>12}")
    for key, label in (("good_days", "优良天数 [good_days]"), ("valid_days", "有效天数 [valid_days]"),
                       ("heavy_days", "重污染天数 AQI>200 [heavy_days]")):
        base = yoy.get(key, {}).get("base") if key != "valid_days" else (r.get("yoy") or {}).get("valid_days")
        base = "" if base is None else base
        lines.append(f"{label:<{w}}{r[key]:>10}{base:>12}")
    c = yoy.get("composite_index", {})
    rate = "" if c.get("rate") is None else "%+.1f%%" % (c["rate"] * 100)
    lines.append(f"{'综合指数 [composite_index]':<{w}}{fmt(r['composite_index'], 'composite_index'):>10}"
                 f"{fmt(c.get('base'), 'composite_index'):>12}{rate:>12}  {change_text(c, 'composite_index')}")
    lines.append("")
    lines.append("各级别天数: " + "  ".join(f"{k} {v}" for k, v in r["category_days"].items())
                 + f"  无有效AQI {r['days_without_aqi']}")
    for key, why in r.get("reasons", {}).items():
        lines.append(f"— {key}: {why}")
    for t in r.get("targets") or []:
        cur = "—" if t["current"] is None else f"{t['current']:g}"
        lines.append(f"目标: {t['label']} {t['value']:g}，{t.get('period') or ''}{cur}，{t['status']}")
    for p in r.get("peer_ranks") or []:
        lines.append(f"同级排名: {p['text']}(来源: {'；'.join(p['sources'])})")
    if r.get("alerts") is not None:
        from envbureau.quality.alerts import alert_sentence

        lines.append("预警: " + alert_sentence(r["alerts"]))
    if yoy:
        lines.append("变化由" + ("修约后数值" if r.get("change_basis") == "reported" else "未修约数值") + "计算")
    lines.append("评价标准: " + "；".join(f"{k} {v}天" for k, v in r["rules"].items()) + f"；{r['limits']}")
    for n in r["notes"]:
        lines.append(f"说明: {n}")
    return "\n".join(lines)


def _pct(v) -> str:
    return "—" if v is None else f"{v:.1f}%"


def water_table(r: dict) -> str:
    lines = [f"{r['jurisdiction']['name']} {r['period']['label']} {r['scope_label']} 地表水环境质量评价", ""]
    lines.append(f"断面数 {r['n_sections']}，Ⅰ～Ⅲ类 {r['n_class_1_3']} 个({_pct(r['class_1_3_share'])})，"
                 f"其中Ⅰ～Ⅱ类 {r['n_class_1_2']} 个({_pct(r['class_1_2_share'])})，"
                 f"劣Ⅴ类 {r['n_worse_v']} 个({_pct(r['worse_v_share'])})，"
                 f"达到目标 {r['n_meeting_target']} 个(达标率 {_pct(r['meeting_target_rate'])})")
    yoy = r.get("yoy")
    if yoy:
        parts = [f"{label}{_pct(yoy[key]['base'])}，{yoy[key]['text'] or '—'}" for label, key in (
            ("Ⅰ～Ⅲ类", "class_1_3_share"), ("Ⅰ～Ⅱ类", "class_1_2_share"), ("劣Ⅴ类", "worse_v_share"),
            ("达标率", "meeting_target_rate"))]
        lines.append(f"上年同期({yoy['period']['label']})：" + "；".join(parts))
    if r.get("drinking", {}).get("n_sources"):
        d = r["drinking"]
        lines.append(f"{d['level_label']}集中式饮用水水源地 {d['n_assessed']} 个，{d['rate_basis']}达标 {d['n_compliant']} 个，"
                     f"达标率 {_pct(d['rate'])}；{d['event_rate_basis']}，{d['n_events']} 次采样达标 "
                     f"{d['n_events_compliant']} 次，达标率 {_pct(d['event_rate'])}")
    if r.get("cwqi") is not None:
        lines.append(f"城市水质指数 CWQI {r['cwqi']}")
    lines.append(f"{'断面':<20}{'河流':<12}{'目标':>6}{'类别':>6}{'上年':>6}{'达标':>6}  同比  主要超标项目(超Ⅲ类倍数)")
    for s in r["sections"]:
        ok = "是" if s["meets_target"] else ("否" if s["class"] else "—")
        lines.append(f"{s['name']:<20}{s['river']:<12}{s['target']:>6}{s['class'] or '—':>6}"
                     f"{s.get('class_last_year') or '—':>6}{ok:>6}  {s.get('class_change') or '—'}  {s['deciding']}")
    lines.append(f"标准: {r['rules']}")
    if r.get("synthetic"):
        lines.append("注意: 含演示合成数据(随机生成,不是监测结果)")
    return "\n".join(lines)
