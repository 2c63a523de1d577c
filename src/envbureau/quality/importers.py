"""Importers of sites (core import framework: template, preview, all-or-nothing) and the small-file
path for hourly air data (the same validation as the bulk CLI path in airdata.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from envbureau.core.importing import Column, Importer, RowError, register
from envbureau.core.models import Jurisdiction
from envbureau.core.scoping import check_created

from .choices import AirControlLevel, NoiseZone, WaterBodyType, WaterControlLevel
from .models import AirStation, DrinkingWaterSource, NoiseStation, WaterSection


def _choice(value, choices, column):
    v = str(value).strip()
    for key, label in choices:
        if v in (str(key), str(label)):
            return key
    raise RowError(column, _("“%(v)s”不是有效选项(%(opts)s)") % {"v": v, "opts": "、".join(str(lbl) for _k, lbl in choices)})


def _jurisdiction(value):
    j = Jurisdiction.objects.filter(code=str(value).strip()).first()
    if j is None:
        raise RowError("jurisdiction", _("区划代码“%(c)s”不存在") % {"c": value})
    return j


def _float(values, key, lo, hi):
    v = values.get(key)
    if v in (None, ""):
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        raise RowError(key, _("不是数值")) from None
    if not lo <= f <= hi:
        raise RowError(key, _("超出范围 %(lo)s～%(hi)s") % {"lo": lo, "hi": hi})
    return f


def _bool(v, default=True):
    if v in (None, ""):
        return default
    return str(v).strip().lower() in ("1", "true", "是", "y", "yes")


class _SiteImporter(Importer):
    module = "quality"
    model = None

    def check_batch(self, cleaned, rownums, ctx):
        seen, errors = {}, []
        for obj, n in zip(cleaned, rownums):
            if obj["code"] in seen:
                errors.append({"row": n, "column": str(self.columns[0].label),
                               "message": _("与第%(r)s行编码重复") % {"r": seen[obj["code"]]}})
            seen[obj["code"]] = n
        return errors

    def save_rows(self, cleaned, ctx):
        created = updated = 0
        for data in cleaned:
            obj = self.model.objects.filter(code=data["code"]).first()
            if obj is None:
                obj = self.model(**data)
                obj.full_clean()
                obj.save()
                check_created(ctx.user, obj, "add")
                created += 1
            else:
                if any(getattr(obj, k) != v for k, v in data.items()):
                    for k, v in data.items():
                        setattr(obj, k, v)
                    obj.full_clean()
                    obj.save()
                    check_created(ctx.user, obj, "change")
                    updated += 1
        return {"created": created, "updated": updated}


SITE_COLUMNS = [
    Column("code", _("编码"), required=True, example="BJ-Dongsi"),
    Column("name", _("名称"), required=True, example="东四"),
    Column("jurisdiction", _("区划代码"), required=True, example="110101"),
    Column("longitude", _("经度"), example="116.417"),
    Column("latitude", _("纬度"), example="39.929"),
]


@register
class AirStationImporter(_SiteImporter):
    kind = "quality.airstation"
    label = _("空气站点")
    model = AirStation
    columns = SITE_COLUMNS + [
        Column("control_level", _("控制级别"), example="国控", help=_("国控/省控/市控/微站")),
        Column("counts_in_city_assessment", _("参与城市评价"), example="是"),
        Column("name_en", _("英文名"), example="Dongsi"),
    ]

    def clean_row(self, v, ctx):
        return {"code": str(v["code"]).strip(), "name": str(v["name"]).strip(),
                "jurisdiction": _jurisdiction(v["jurisdiction"]),
                "longitude": _float(v, "longitude", -180, 180), "latitude": _float(v, "latitude", -90, 90),
                "control_level": _choice(v["control_level"] or "national", AirControlLevel.choices, "control_level"),
                "counts_in_city_assessment": _bool(v.get("counts_in_city_assessment")),
                "name_en": str(v.get("name_en") or "").strip()}


@register
class WaterSectionImporter(_SiteImporter):
    kind = "quality.watersection"
    label = _("水质断面")
    model = WaterSection
    columns = SITE_COLUMNS + [
        Column("river", _("河流/湖库名称"), required=True, example="通惠河"),
        Column("water_body_type", _("水体类型"), example="河流", help=_("河流/湖库")),
        Column("control_level", _("控制级别"), example="国考", help=_("国考/省考/市考/县控")),
        Column("target_class", _("目标水质类别"), required=True, example="Ⅲ", help=_("Ⅰ～Ⅴ,或 1～5")),
        Column("automatic", _("自动监测站"), example="否"),
    ]

    def clean_row(self, v, ctx):
        from envbureau.standards import water

        try:
            target = water.parse_class(v["target_class"])
        except ValueError:
            raise RowError("target_class", _("无法识别的水质类别“%(v)s”") % {"v": v["target_class"]}) from None
        return {"code": str(v["code"]).strip(), "name": str(v["name"]).strip(),
                "jurisdiction": _jurisdiction(v["jurisdiction"]),
                "longitude": _float(v, "longitude", -180, 180), "latitude": _float(v, "latitude", -90, 90),
                "river": str(v["river"]).strip(),
                "water_body_type": _choice(v["water_body_type"] or "river", WaterBodyType.choices, "water_body_type"),
                "control_level": _choice(v["control_level"] or "county", WaterControlLevel.choices, "control_level"),
                "target_class": target, "automatic": _bool(v.get("automatic"), False)}


@register
class DrinkingWaterSourceImporter(_SiteImporter):
    kind = "quality.drinkingwatersource"
    label = _("饮用水水源地")
    model = DrinkingWaterSource
    columns = SITE_COLUMNS + [
        Column("source_type", _("水源类型"), example="湖库型", help=_("河流型/湖库型/地下水型")),
        Column("section", _("监测断面编码"), example="SYN-W08", help=_("用于判断达标的断面")),
    ]

    def clean_row(self, v, ctx):
        from .choices import DrinkingSourceType

        section = None
        if v.get("section"):
            section = WaterSection.objects.filter(code=str(v["section"]).strip()).first()
            if section is None:
                raise RowError("section", _("未知断面“%(c)s”") % {"c": v["section"]})
        return {"code": str(v["code"]).strip(), "name": str(v["name"]).strip(),
                "jurisdiction": _jurisdiction(v["jurisdiction"]),
                "longitude": _float(v, "longitude", -180, 180), "latitude": _float(v, "latitude", -90, 90),
                "source_type": _choice(v.get("source_type") or "river", DrinkingSourceType.choices, "source_type"),
                "section": section}


@register
class NoiseStationImporter(_SiteImporter):
    kind = "quality.noisestation"
    label = _("噪声监测点")
    model = NoiseStation
    columns = SITE_COLUMNS + [Column("zone", _("声环境功能区"), required=True, example="2", help=_("0、1、2、3、4a、4b"))]

    def clean_row(self, v, ctx):
        return {"code": str(v["code"]).strip(), "name": str(v["name"]).strip(),
                "jurisdiction": _jurisdiction(v["jurisdiction"]),
                "longitude": _float(v, "longitude", -180, 180), "latitude": _float(v, "latitude", -90, 90),
                "zone": _choice(str(v["zone"]).replace("类", "").lower(), NoiseZone.choices, "zone")}


@register
class AirHourlyImporter(Importer):
    """Small files of hourly air data through the web import pages; validation and writing are the
    bulk path's (airdata.import_files), so the messages and the all-or-nothing rule are the same."""

    kind = "quality.airhourly"
    label = _("空气小时数据")
    module = "quality"
    columns = [
        Column("station", _("站点编码"), required=True, example="BJ-Dongsi", help=_("站点编码、中文名或英文名")),
        Column("time", _("监测时间"), required=True, example="2016-01-01 00:00",
               help=_("本地时间,整点;数值代表该时刻起1小时(时段开始)。CNEMC“时段结束”数据请用命令行 --hour-ending")),
        Column("pm25", "PM2.5", example="35", help="µg/m³"),
        Column("pm10", "PM10", example="60", help="µg/m³"),
        Column("so2", "SO2", example="5", help="µg/m³"),
        Column("no2", "NO2", example="40", help="µg/m³"),
        Column("co", "CO", example="0.8", help=_("mg/m³ (毫克/立方米)")),
        Column("o3", "O3", example="80", help="µg/m³"),
    ]

    def clean_row(self, values, ctx):
        return values  # rows are validated together in save_rows (same rules as the bulk path)

    def save_rows(self, cleaned, ctx):
        import io

        import pandas as pd

        from .airdata import ImportFailed, import_files

        df = pd.DataFrame([{k: ("" if v is None else v) for k, v in r.items()} for r in cleaned])
        buf = io.StringIO()
        df.to_csv(buf, index=False)
        try:
            return import_files([("upload.csv", buf.getvalue().encode())], fmt="standard", user=ctx.user,
                                source="import")
        except ImportFailed as e:
            first = e.errors[0]
            raise RowError(None, _("第%(r)s行 %(c)s: %(m)s (共 %(n)s 处错误)") % {
                "r": first["row"], "c": first["column"], "m": first["message"], "n": e.total_errors}) from None


# ---------------------------------------------------------------------------
# water samples and noise levels (small files; the core framework's preview and all-or-nothing)
# ---------------------------------------------------------------------------
def _water_item_columns():
    from envbureau.standards import water

    out = []
    for code in ("ph", "do", "codmn", "cod", "bod5", "nh3n", "tp", "tn", *[c for c in water.EVALUATION_ITEMS
                                                                        if c not in ("ph", "do", "codmn", "cod",
                                                                                     "bod5", "nh3n", "tp")], "fcoli"):
        name, unit = water.ITEMS[code][0], water.ITEMS[code][1]
        out.append(Column(code, f"{name}({unit})", example={"nh3n": "0.52", "tp": "0.01L", "ph": "7.6"}.get(code, ""),
                          help=_("数值;低于检出限写“0.01L”或“<0.01”(按检出限一半计)"), aliases=(name, code.upper())))
    return out


def _parse_local_datetime(v, column):
    import datetime as dt

    from django.utils import timezone

    if isinstance(v, dt.datetime):
        d = v
    elif isinstance(v, dt.date):
        d = dt.datetime(v.year, v.month, v.day)
    else:
        s = str(v).strip().replace("/", "-").replace("T", " ")
        for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
            try:
                d = dt.datetime.strptime(s, fmt)
                break
            except ValueError:
                d = None
        if d is None:
            raise RowError(column, _("无效时间“%(v)s”(格式 YYYY-MM-DD HH:MM)") % {"v": v})
    if d.tzinfo is None:
        d = d.replace(tzinfo=timezone.get_default_timezone())
    return d


@register
class WaterSampleImporter(Importer):
    """Manual (monthly) or automatic (4-hourly) section samples, one row per sample, items in mg/L."""

    kind = "quality.watersample"
    label = _("水质监测数据")
    module = "quality"

    @property
    def columns(self):
        return [Column("section", _("断面编码"), required=True, example="SYN-W01"),
                Column("time", _("采样时间"), required=True, example="2016-01-10 09:00", help=_("本地时间")),
                Column("kind", _("监测方式"), example="手工监测", help=_("手工监测/自动监测"))] + _water_item_columns()

    def clean_row(self, v, ctx):
        from envbureau.standards import water

        from .choices import SampleKind

        qs = WaterSection.objects.all() if ctx.user is None else WaterSection.objects.restrict(ctx.user, "change")
        section = qs.filter(code=str(v["section"]).strip()).first()
        if section is None:
            raise RowError("section", _("未知断面“%(c)s”(或不在您的权限范围内)") % {"c": v["section"]})
        t = _parse_local_datetime(v["time"], "time")
        kind = _choice(v.get("kind") or "manual", SampleKind.choices, "kind")
        values = {}
        for code in water.ITEMS:
            raw = v.get(code)
            if raw in (None, ""):
                continue
            try:
                num, _below = water.parse_value(raw)
            except ValueError:
                raise RowError(code, _("不是数值:“%(v)s”") % {"v": raw}) from None
            if num != num:
                continue
            if num < 0 or (code == "ph" and not 0 <= num <= 14):
                raise RowError(code, _("数值 %(v)s 不合理") % {"v": raw})
            values[code] = raw if isinstance(raw, str) else float(raw)
        if not values:
            raise RowError(None, _("没有任何监测项目的数值"))
        key = (section.pk, t)
        seen = ctx.state.setdefault("keys", set())
        if key in seen:
            raise RowError("time", _("与前面的行重复(同一断面同一时间)"))
        seen.add(key)
        return section, t, kind, values

    def save_rows(self, cleaned, ctx):
        from envbureau.core import audit

        from .models import WaterSample
        from .water import rebuild_section_classes, scan_water_warnings

        created = updated = 0
        dates: dict[int, set] = {}
        for section, t, kind, values in cleaned:
            obj = WaterSample.objects.filter(section=section, time=t).first()
            if obj is None:
                WaterSample.objects.create(section=section, time=t, kind=kind, values=values)
                created += 1
            elif obj.values != values or obj.kind != kind:
                obj.values, obj.kind = values, kind
                obj.save()
                updated += 1
            else:
                continue
            from django.utils import timezone

            dates.setdefault(section.pk, set()).add(timezone.localtime(t).date())
        n = rebuild_section_classes(dates) if dates else 0
        warnings = scan_water_warnings() if dates else 0
        audit.record("create", model_label="quality.watersample", object_id="import",
                     object_repr=f"导入水质数据 {len(cleaned)} 行", changes={"created": created, "updated": updated})
        return {"created": created, "updated": updated, "section_periods": n, "warnings": warnings}


@register
class NoiseLeqImporter(Importer):
    kind = "quality.noiseleq"
    label = _("噪声监测数据")
    module = "quality"
    columns = [Column("station", _("监测点编码"), required=True, example="SYN-N01"),
               Column("date", _("日期"), required=True, example="2016-03-01"),
               Column("period", _("时段"), required=True, example="昼间", help=_("昼间/夜间")),
               Column("leq", _("等效声级 dB(A)"), required=True, example="55.2")]

    def clean_row(self, v, ctx):
        from .choices import DayNight

        qs = NoiseStation.objects.all() if ctx.user is None else NoiseStation.objects.restrict(ctx.user, "change")
        st = qs.filter(code=str(v["station"]).strip()).first()
        if st is None:
            raise RowError("station", _("未知监测点“%(c)s”(或不在您的权限范围内)") % {"c": v["station"]})
        d = _parse_local_datetime(v["date"], "date").date()
        period = _choice(v["period"], DayNight.choices, "period")
        leq = _float(v, "leq", 20, 130)
        key = (st.pk, d, period)
        seen = ctx.state.setdefault("keys", set())
        if key in seen:
            raise RowError("date", _("与前面的行重复"))
        seen.add(key)
        return st, d, period, leq

    def save_rows(self, cleaned, ctx):
        from .models import NoiseLeq

        created = updated = 0
        for st, d, period, leq in cleaned:
            obj, new = NoiseLeq.objects.get_or_create(station=st, date=d, period=period, defaults={"leq": leq})
            if new:
                created += 1
            elif obj.leq != leq:
                obj.leq = leq
                obj.save()
                updated += 1
        return {"created": created, "updated": updated}


