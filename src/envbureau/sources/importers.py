"""Excel importers (core import framework): enterprises, outlets, monitoring points, limits.

Natural keys make re-imports update instead of duplicate: enterprise = credit code; outlet =
(credit code, outlet code); point = MN; limit = (MN, factor, period).  All-or-nothing per file.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from envbureau.core.importing import (
    ChoiceColumn,
    Column,
    DateColumn,
    Importer,
    JurisdictionColumn,
    NumberColumn,
    RefColumn,
    RowError,
    YesNoColumn,
    register,
)
from envbureau.core.scoping import check_created

from . import credit_code
from .choices import EnterpriseStatus, LimitPeriod, OutletKind
from .models import Enterprise, MonitoringPoint, Outlet, PollutantLimit


def _clean(obj, exclude=()):
    try:
        obj.clean_fields(exclude=list(exclude))
        obj.clean()
    except ValidationError as e:
        d = getattr(e, "message_dict", None) or {None: e.messages}
        key = next(iter(d))
        raise RowError(None if key == "__all__" else key, "; ".join(d[key])) from None


def _save(obj, ctx, created):
    obj.save()
    check_created(ctx.user, obj, "add" if created else "change")


class _UpsertImporter(Importer):
    """clean_row returns a new or changed record; saving inserts or updates each one (scope re-checked)."""

    def save_rows(self, cleaned, ctx):
        created = 0
        for obj in cleaned:
            is_new = obj.pk is None
            _save(obj, ctx, is_new)
            created += is_new
        return {"created": created, "updated": len(cleaned) - created}


def _enterprise_column(**kw):
    return RefColumn("enterprise", _("企业信用代码"), model=Enterprise, fields=("credit_code", "name"),
                     help=_("统一社会信用代码或企业名称"), **kw)


LON = {"min": -180, "max": 180}
LAT = {"min": -90, "max": 90}


@register
class EnterpriseImporter(_UpsertImporter):
    kind = "sources.enterprise"
    label = _("企业")
    module = "sources"
    columns = [
        Column("credit_code", _("统一社会信用代码"), required=True, example="91110101MA01ABCD5M"),
        Column("name", _("企业名称"), required=True, example="示例热电有限公司"),
        JurisdictionColumn("jurisdiction", _("属地区划代码"), required=True, example="110101", actions=("add",)),
        Column("industry_code", _("行业代码"), example="D4411", help=_("GB/T 4754")),
        Column("industry_name", _("行业名称"), example="火力发电"),
        Column("address", _("地址")),
        NumberColumn("longitude", _("经度"), example=116.41, **LON),
        NumberColumn("latitude", _("纬度"), example=39.91, **LAT),
        Column("contact_person", _("环保联系人")),
        Column("contact_phone", _("联系电话")),
        YesNoColumn("key_water", _("水重点")),
        YesNoColumn("key_air", _("气重点")),
        YesNoColumn("key_soil", _("土壤重点")),
        YesNoColumn("key_noise", _("噪声重点")),
        YesNoColumn("risk_source", _("风险源")),
        ChoiceColumn("status", _("状态"), example="在产", choices=EnterpriseStatus.choices),
    ]

    def clean_row(self, v, ctx):
        code = credit_code.normalise(v["credit_code"])
        seen = ctx.state.setdefault("codes", {})
        if code in seen:
            raise RowError("credit_code", _("与第%(r)s行信用代码重复") % {"r": seen[code]})
        seen[code] = ctx.row
        if not credit_code.is_valid(code):
            raise RowError("credit_code", _("统一社会信用代码校验位错误"))
        obj = Enterprise.objects.filter(credit_code=code).first() or Enterprise(credit_code=code)
        self.assign(obj, v, [c.key for c in self.columns if c.key != "credit_code"], ctx)
        _clean(obj, exclude=["credit_code"] if obj.pk else [])
        return obj


@register
class OutletImporter(_UpsertImporter):
    kind = "sources.outlet"
    label = _("排放口")
    module = "sources"
    columns = [
        _enterprise_column(required=True, example="91110101MA01ABCD5M"),
        Column("code", _("排放口编号"), required=True, example="DA001"),
        Column("name", _("名称"), required=True, example="1号锅炉烟囱"),
        ChoiceColumn("kind", _("类型"), required=True, example="废气", choices=OutletKind.choices),
        NumberColumn("longitude", _("经度"), **LON),
        NumberColumn("latitude", _("纬度"), **LAT),
        Column("destination", _("排放去向")),
    ]

    def clean_row(self, v, ctx):
        e, code = v["enterprise"], v["code"]
        key = (e.pk, code)
        seen = ctx.state.setdefault("keys", {})
        if key in seen:
            raise RowError("code", _("与第%(r)s行排放口重复") % {"r": seen[key]})
        seen[key] = ctx.row
        obj = Outlet.objects.filter(enterprise=e, code=code).first() or Outlet(enterprise=e, code=code)
        self.assign(obj, v, ["name", "kind", "longitude", "latitude", "destination"], ctx)
        _clean(obj)
        return obj


@register
class PointImporter(_UpsertImporter):
    kind = "sources.monitoringpoint"
    label = _("监测点")
    module = "sources"
    columns = [
        _enterprise_column(required=True),
        Column("outlet", _("排放口编号"), required=True, example="DA001"),
        Column("mn", _("MN 编码"), required=True, example="88888880000001"),
        Column("name", _("名称"), required=True, example="1号锅炉 CEMS"),
        YesNoColumn("enabled", _("启用"), example="是"),
        DateColumn("commissioned_on", _("建成投运日期"), example="2016-06-30"),
        Column("password", _("访问密码"), help=_("留空表示不校验"), secret=True),
        Column("crc_dialects", _("CRC 方言"), help=_("modbus、modbus-swapped,逗号分隔,留空为标准")),
        NumberColumn("absence_minutes", _("缺失报警阈值(分钟)"), integer=True, min=1, unit=_("分钟")),
    ]

    def clean_row(self, v, ctx):
        e = v["enterprise"]
        outlet = Outlet.objects.filter(enterprise=e, code=v["outlet"]).first()
        if outlet is None:
            raise RowError("outlet", _("排放口“%(c)s”不存在") % {"c": v["outlet"]})
        mn = v["mn"]
        seen = ctx.state.setdefault("mns", {})
        if mn in seen:
            raise RowError("mn", _("与第%(r)s行 MN 重复") % {"r": seen[mn]})
        seen[mn] = ctx.row
        obj = MonitoringPoint.objects.filter(mn=mn).first()
        if obj is not None and obj.enterprise_id != e.pk:
            raise RowError("mn", _("MN“%(c)s”已属于其他企业") % {"c": mn})
        obj = obj or MonitoringPoint(mn=mn)
        obj.outlet = outlet
        obj.enterprise_id = e.pk
        if v.get("crc_dialects") is not None:
            v = {**v, "crc_dialects": [d.strip() for d in v["crc_dialects"].replace("，", ",").replace("、", ",")
                                       .split(",") if d.strip()]}
        self.assign(obj, v, ["name", "enabled", "commissioned_on", "password", "crc_dialects", "absence_minutes"], ctx)
        _clean(obj, exclude=["mn"] if obj.pk else [])
        return obj


@register
class LimitImporter(_UpsertImporter):
    kind = "sources.pollutantlimit"
    label = _("排放限值")
    module = "sources"
    columns = [
        RefColumn("mn", _("MN 编码"), required=True, model=MonitoringPoint, fields=("mn", "name")),
        Column("factor", _("污染物代码"), required=True, example="a21026", help=_("2017 代码;2005 旧代码自动换算")),
        ChoiceColumn("period", _("均值周期"), example="小时均值", choices=LimitPeriod.choices, help=_("默认小时均值")),
        NumberColumn("limit_value", _("排放限值(上限)"), example=35, min=0),
        NumberColumn("lower_limit", _("下限"), min=None),
        Column("unit", _("单位"), example="mg/m³"),
        YesNoColumn("on_converted", _("按折算值判定"), example="是"),
        Column("standard", _("执行标准/许可证"), example="GB 13223-2011"),
    ]

    def clean_row(self, v, ctx):
        from envbureau.hj212 import codes

        point = v["mn"]
        factor = codes.normalise_factor(v["factor"])
        period = v["period"] or "hour"
        key = (point.pk, factor, period)
        seen = ctx.state.setdefault("keys", {})
        if key in seen:
            raise RowError("factor", _("与第%(r)s行限值重复(同一监测点、污染物、周期)") % {"r": seen[key]})
        seen[key] = ctx.row
        obj = PollutantLimit.objects.filter(point=point, factor=factor, period=period).first() or PollutantLimit(
            point=point, factor=factor, period=period)
        if obj.pk and (err := obj.owner_error()):  # a permit's limit changes through the permit
            raise RowError("factor", err.messages[0])
        self.assign(obj, v, ["limit_value", "lower_limit", "unit", "on_converted", "standard"], ctx)
        _clean(obj)
        return obj
