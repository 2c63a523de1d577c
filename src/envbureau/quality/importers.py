"""Importers of sites (core import framework: template, preview, all-or-nothing) and the small-file
path for hourly air data (the same validation as the bulk CLI path in airdata.py)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from envbureau.core import texts
from envbureau.core.importing import (
    ChoiceColumn,
    Column,
    DateColumn,
    DateTimeColumn,
    Importer,
    JurisdictionColumn,
    NumberColumn,
    RefColumn,
    RowError,
    RowErrors,
    YesNoColumn,
    register,
)
from envbureau.core.scoping import check_created

from .choices import (
    POLLUTANT_LABELS,
    POLLUTANTS,
    UNITS,
    AirControlLevel,
    DayNight,
    DrinkingSourceLevel,
    DrinkingSourceType,
    NoiseZone,
    PeerIndicator,
    SampleKind,
    WaterBodyType,
    WaterControlLevel,
)
from .models import AirStation, DrinkingWaterSource, NoiseStation, PeerFigure, WaterSection


class _SiteImporter(Importer):
    """Sites keyed by code: a known code updates only the cells given (or clears them when asked)."""

    module = "quality"
    model = None

    def clean_row(self, v, ctx):
        data = {c.key: v.get(c.key) for c in self.columns}
        self.clean_extra(data, v, ctx)
        return data

    def clean_extra(self, data, v, ctx):
        pass

    def check_batch(self, cleaned, rownums, ctx):
        seen, errors = {}, []
        for obj, n in zip(cleaned, rownums):
            if obj["code"] in seen:
                errors.append({"row": n, "column": str(self.columns[0].label), "value": obj["code"],
                               "message": _("与第%(r)s行编码重复") % {"r": seen[obj["code"]]}})
            seen[obj["code"]] = n
        return errors

    def save_rows(self, cleaned, ctx):
        created = updated = 0
        errors, rownums = [], ctx.state.get("_rownums", [])
        for n, data in enumerate(cleaned):
            if n % 100 == 0:
                ctx.saved(n)
            obj = self.model.objects.filter(code=data["code"]).first() or self.model(code=data["code"])
            is_new = obj.pk is None
            before = None if is_new else {k: getattr(obj, k) for k in data}
            self.assign(obj, data, list(data), ctx)
            if not is_new and all(getattr(obj, k) == before[k] for k in data):
                continue
            try:
                obj.full_clean()
            except ValidationError as e:
                errors.extend(self.errors_of(e, rownums[n] if n < len(rownums) else None))
                continue
            obj.save()
            check_created(ctx.user, obj, "add" if is_new else "change")
            created += is_new
            updated += not is_new
        if errors:
            raise RowErrors(errors)
        return {"created": created, "updated": updated}


SITE_COLUMNS = [
    Column("code", _("编码"), required=True, example="BJ-Dongsi", max_length=40),
    Column("name", _("名称"), required=True, example="东四", max_length=100),
    JurisdictionColumn("jurisdiction", _("区划代码"), required=True, example="110101", help=_("区划代码或名称")),
    NumberColumn("longitude", _("经度"), example="116.417", min=-180, max=180),
    NumberColumn("latitude", _("纬度"), example="39.929", min=-90, max=90),
    DateColumn("commissioned_on", _("建成投运日期"), example="2013-01-01"),
]


@register
class AirStationImporter(_SiteImporter):
    kind = "quality.airstation"
    label = _("空气站点")
    model = AirStation
    columns = SITE_COLUMNS + [
        ChoiceColumn("control_level", _("控制级别"), example="国控", choices=AirControlLevel.choices, default="national"),
        Column("name_en", _("英文名"), example="Dongsi"),
    ]


@register
class WaterSectionImporter(_SiteImporter):
    kind = "quality.watersection"
    label = _("水质断面")
    model = WaterSection
    columns = SITE_COLUMNS + [
        Column("river", _("河流/湖库名称"), required=True, example="通惠河"),
        ChoiceColumn("water_body_type", _("水体类型"), example="河流", choices=WaterBodyType.choices, default="river"),
        ChoiceColumn("control_level", _("控制级别"), example="国考", choices=WaterControlLevel.choices, default="county"),
        Column("target_class", _("目标水质类别"), required=True, example="Ⅲ", help=_("Ⅰ～Ⅴ,或 1～5")),
        YesNoColumn("automatic", _("自动监测站"), example="否", default=False),
    ]

    def clean_extra(self, data, v, ctx):
        from envbureau.standards import water

        try:
            data["target_class"] = water.parse_class(v["target_class"])
        except ValueError:
            raise RowError("target_class", _("无法识别的水质类别(Ⅰ～Ⅴ,或 1～5)")) from None


@register
class DrinkingWaterSourceImporter(_SiteImporter):
    kind = "quality.drinkingwatersource"
    label = _("饮用水水源地")
    model = DrinkingWaterSource
    columns = SITE_COLUMNS + [
        ChoiceColumn("source_type", _("水源类型"), example="湖库型", choices=DrinkingSourceType.choices, default="river"),
        ChoiceColumn("level", _("水源地级别"), example="县级及以上", choices=DrinkingSourceLevel.choices, default="county"),
        RefColumn("section", _("监测断面编码"), example="SYN-W08", help=_("用于判断达标的断面"), model=WaterSection),
    ]


@register
class NoiseStationImporter(_SiteImporter):
    kind = "quality.noisestation"
    label = _("噪声监测点")
    model = NoiseStation
    columns = SITE_COLUMNS + [ChoiceColumn("zone", _("声环境功能区"), required=True, example="2", choices=NoiseZone.choices)]


def _error_above(p):
    def bound():
        from .plausibility import config

        return config()[0][p].error_above
    return bound


def _pollutant_columns():
    # Bounds: the plausibility error bounds in force (quality.plausibility, configurable), as the bulk path.
    return [NumberColumn(p, POLLUTANT_LABELS[p], example={"pm25": "35", "pm10": "60", "so2": "5", "no2": "40",
                                                          "co": "0.8", "o3": "80"}[p],
                         min=0, max=_error_above(p), unit=UNITS[p]) for p in POLLUTANTS]


@register
class AirHourlyImporter(Importer):
    """Small files of hourly air data through the web import pages. Cells are parsed by the typed columns;
    the rows are then written by the bulk path (airdata.import_files), whose checks and all-or-nothing
    rule therefore apply too, and whose errors are reported against the rows of the uploaded file."""

    kind = "quality.airhourly"
    label = _("空气小时数据")
    module = "quality"
    columns = [
        RefColumn("station", _("站点编码"), required=True, example="BJ-Dongsi", help=_("站点编码、中文名或英文名"),
                  model=AirStation, fields=("code", "name", "name_en"), action="change"),
        DateTimeColumn("time", _("监测时间"), required=True, example="2016-01-01 00:00",
                       help=_("本地时间,整点;数值代表该时刻起1小时(时段开始)。CNEMC“时段结束”数据请用命令行 --hour-ending")),
        *_pollutant_columns(),
    ]

    def clean_row(self, v, ctx):
        t = v["time"]
        if t.minute or t.second:
            raise RowError("time", _("不是整点"))
        key = (v["station"].pk, t)
        seen = ctx.state.setdefault("keys", {})
        if key in seen:
            raise RowError("time", _("与第%(r)s行重复(同一站点同一时间)") % {"r": seen[key]})
        seen[key] = ctx.row
        return (v["station"].pk, v["station"].code, int(t.timestamp()), [v[p] for p in POLLUTANTS])

    def save_rows(self, cleaned, ctx):
        import csv
        import io

        from .airdata import ImportFailed, import_files, load_existing

        if not ctx.clear_empty and any(x is None for _s, _c, _e, vals in cleaned for x in vals):
            cleaned = self._keep_stored(cleaned, load_existing)
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["station", "time", *POLLUTANTS])
        local = timezone.get_default_timezone()
        for _sid, code, epoch, vals in cleaned:
            t = dt.datetime.fromtimestamp(epoch, local).strftime("%Y-%m-%d %H:%M")
            w.writerow([code, t, *("" if x is None else repr(x) for x in vals)])
        data = buf.getvalue().encode()
        del buf
        rownums = ctx.state.get("_rownums", [])
        try:
            return import_files([("upload.csv", data)], fmt="standard", user=ctx.user, source="import")
        except ImportFailed as e:
            def row(r):
                return rownums[r - 2] if r and 0 <= r - 2 < len(rownums) else r

            raise RowErrors([{"row": row(x.get("row")), "column": x.get("column", ""), "value": "",
                              "message": x.get("message", "")} for x in e.errors]) from None

    @staticmethod
    def _keep_stored(cleaned, load_existing):
        """An empty pollutant cell keeps the stored value of that station-hour (unless clearing was asked)."""
        import numpy as np

        gaps = [r for r in cleaned if any(x is None for x in r[3])]
        stations = np.unique([r[0] for r in gaps])
        epochs = [r[2] for r in gaps]
        old = load_existing(stations, min(epochs), max(epochs))
        stored = {(int(s), int(e)): vals for s, e, *vals in
                  old[["station", "epoch", *POLLUTANTS]].itertuples(index=False, name=None)}
        out = []
        for sid, code, epoch, vals in cleaned:
            prev = stored.get((sid, epoch))
            if prev is not None:
                vals = [(None if p != p else p) if x is None else x for x, p in zip(vals, prev)]
            out.append((sid, code, epoch, vals))
        return out


# ---------------------------------------------------------------------------
# water samples and noise levels (small files; the core framework's preview and all-or-nothing)
# ---------------------------------------------------------------------------
class WaterValueColumn(NumberColumn):
    """A water item in mg/L (pH without unit); below the detection limit written 0.01L or <0.01."""

    def parse(self, value, ctx):
        from envbureau.standards import water

        try:
            num, _below = water.parse_value(value)
        except ValueError:
            raise RowError(self.key, _("不是数值")) from None
        if num != num:
            return None
        if num < 0 or (self.max is not None and num > self.max):
            raise RowError(self.key, _("超出范围 %(range)s") % {"range": self.range_text()})
        return value.strip() if isinstance(value, str) else float(value)


def _water_item_columns():
    from envbureau.standards import water

    out = []
    for code in ("ph", "do", "codmn", "cod", "bod5", "nh3n", "tp", "tn", *[c for c in water.EVALUATION_ITEMS
                                                                        if c not in ("ph", "do", "codmn", "cod",
                                                                                     "bod5", "nh3n", "tp")], "fcoli"):
        name, unit = water.ITEMS[code][0], water.ITEMS[code][1]
        out.append(WaterValueColumn(code, f"{name}({unit})", example={"nh3n": "0.52", "tp": "0.01L", "ph": "7.6"}.get(code, ""),
                                    help=_("数值;低于检出限写“0.01L”或“<0.01”(按检出限一半计)"), aliases=(name, code.upper()),
                                    min=0, max=14 if code == "ph" else None, unit=unit))
    return out


@register
class WaterSampleImporter(Importer):
    """Manual (monthly) or automatic (4-hourly) section samples, one row per sample, items in mg/L."""

    kind = "quality.watersample"
    label = _("水质监测数据")
    module = "quality"

    @property
    def columns(self):
        return [RefColumn("section", _("断面编码"), required=True, example="SYN-W01", model=WaterSection,
                          action="change"),
                DateTimeColumn("time", _("采样时间"), required=True, example="2016-01-10 09:00"),
                ChoiceColumn("kind", _("监测方式"), example="手工监测", choices=SampleKind.choices)] + _water_item_columns()

    def clean_row(self, v, ctx):
        from envbureau.standards import water

        section, t = v["section"], v["time"]
        values = {code: v[code] for code in water.ITEMS if v.get(code) is not None}
        if not values:
            raise RowError(None, _("没有任何监测项目的数值"))
        key = (section.pk, t)
        seen = ctx.state.setdefault("keys", {})
        if key in seen:
            raise RowError("time", _("与第%(r)s行重复(同一断面同一时间)") % {"r": seen[key]})
        seen[key] = ctx.row
        return section, t, v["kind"], values

    def save_rows(self, cleaned, ctx):
        from envbureau.core import audit

        from .models import WaterSample
        from .water import rebuild_section_classes, scan_water_warnings

        created = updated = 0
        dates: dict[int, set] = {}
        for section, t, kind, values in cleaned:
            obj = WaterSample.objects.filter(section=section, time=t).first()
            if obj is None:
                WaterSample.objects.create(section=section, time=t, kind=kind or "manual", values=values)
                created += 1
            else:
                # Items left empty keep their stored values unless the user asked to clear empty cells.
                new_values = values if ctx.clear_empty else {**obj.values, **values}
                new_kind = kind or obj.kind
                if obj.values == new_values and obj.kind == new_kind:
                    continue
                obj.values, obj.kind = new_values, new_kind
                obj.save()
                updated += 1
            dates.setdefault(section.pk, set()).add(timezone.localtime(t).date())
        n = rebuild_section_classes(dates) if dates else 0
        warnings = scan_water_warnings() if dates else 0
        audit.record("create", model_label="quality.watersample", object_id="import",
                     object_repr=texts.sentence(gettext_noop("导入水质数据 %(n)s 行"), n=len(cleaned)),
                     changes={"created": created, "updated": updated})
        return {"created": created, "updated": updated, "section_periods": n, "warnings": warnings}


@register
class NoiseLeqImporter(Importer):
    kind = "quality.noiseleq"
    label = _("噪声监测数据")
    module = "quality"
    columns = [RefColumn("station", _("监测点编码"), required=True, example="SYN-N01", model=NoiseStation,
                         action="change"),
               DateColumn("date", _("日期"), required=True, example="2016-03-01"),
               ChoiceColumn("period", _("时段"), required=True, example="昼间", choices=DayNight.choices),
               NumberColumn("leq", _("等效声级 dB(A)"), required=True, example="55.2", min=20, max=130, unit="dB(A)")]

    def clean_row(self, v, ctx):
        st, d, period, leq = v["station"], v["date"], v["period"], v["leq"]
        key = (st.pk, d, period)
        seen = ctx.state.setdefault("keys", {})
        if key in seen:
            raise RowError("date", _("与第%(r)s行重复") % {"r": seen[key]})
        seen[key] = ctx.row
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


@register
class PeerFigureImporter(Importer):
    """Peers' published figures (e.g. the provincial monthly ranking table), one row per unit and
    indicator, with the source; a row for the same unit, period and indicator replaces the stored one."""

    kind = "quality.peerfigure"
    label = _("同级单位公布数据")
    module = "quality"
    columns = [
        JurisdictionColumn("jurisdiction", _("本单位区划代码"), required=True, example="110101",
                           help=_("与这些单位比较的本单位")),
        Column("group", _("排名范围"), required=True, example="北京市", max_length=60),
        Column("name", _("单位名称"), required=True, example="西城区", max_length=60),
        DateColumn("start", _("开始日期"), required=True, example="2016-01-01"),
        DateColumn("end", _("结束日期"), required=True, example="2016-01-31"),
        ChoiceColumn("indicator", _("指标"), required=True, example="综合指数", choices=PeerIndicator.choices),
        NumberColumn("value", _("数值"), required=True, example="5.12", min=0),
        Column("source", _("数据来源"), required=True, example="北京市生态环境局2016年1月空气质量排名", max_length=300),
    ]

    def clean_row(self, v, ctx):
        if v["end"] < v["start"]:
            raise RowError("end", _("结束日期早于开始日期"))
        key = (v["jurisdiction"].pk, v["group"], v["name"], v["start"], v["end"], v["indicator"])
        seen = ctx.state.setdefault("keys", {})
        if key in seen:
            raise RowError("name", _("与第%(r)s行重复(同一单位、时段和指标)") % {"r": seen[key]})
        seen[key] = ctx.row
        return {c.key: v.get(c.key) for c in self.columns}

    def save_rows(self, cleaned, ctx):
        created = updated = 0
        for n, d in enumerate(cleaned):
            if n % 100 == 0:
                ctx.saved(n)
            keys = {k: d[k] for k in ("jurisdiction", "group", "name", "start", "end", "indicator")}
            obj = PeerFigure.objects.filter(**keys).first()
            is_new = obj is None
            obj = obj or PeerFigure(**keys)
            if not is_new and obj.value == d["value"] and obj.source == d["source"]:
                continue
            obj.value, obj.source = d["value"], d["source"]
            obj.save()
            check_created(ctx.user, obj, "add" if is_new else "change")
            created += is_new
            updated += not is_new
        return {"created": created, "updated": updated}
