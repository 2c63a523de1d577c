"""Excel importers (core import framework): enterprises, outlets, monitoring points, limits.

Natural keys make re-imports update instead of duplicate: enterprise = credit code; outlet =
(credit code, outlet code); point = MN; limit = (MN, factor, period).  All-or-nothing per file.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from envbureau.core.importing import Column, Importer, RowError, register
from envbureau.core.models import Jurisdiction
from envbureau.core.scoping import allowed_jurisdictions, check_created, restrict

from . import credit_code
from .choices import EnterpriseStatus, LimitPeriod, OutletKind
from .models import Enterprise, MonitoringPoint, Outlet, PollutantLimit

TRUE = {"是", "y", "yes", "true", "1", "√", "✓"}


def _bool(v) -> bool:
    if isinstance(v, bool):
        return v
    return str(v or "").strip().lower() in TRUE


def _float(v, key):
    if v in (None, ""):
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        raise RowError(key, _("“%(v)s”不是数字") % {"v": v}) from None


def _choice(v, choices, key):
    s = str(v or "").strip()
    for value, label in choices:
        if s in (value, str(label)):
            return value
    raise RowError(key, _("未知取值“%(v)s”(可选:%(c)s)") % {"v": s, "c": "、".join(str(lbl) for _v, lbl in choices)})


def _clean(obj, exclude=()):
    try:
        obj.clean_fields(exclude=list(exclude))
        obj.clean()
    except ValidationError as e:
        d = getattr(e, "message_dict", None) or {None: e.messages}
        key = next(iter(d))
        raise RowError(key, "; ".join(d[key])) from None


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


@register
class EnterpriseImporter(_UpsertImporter):
    kind = "sources.enterprise"
    label = _("企业")
    module = "sources"
    columns = [
        Column("credit_code", _("统一社会信用代码"), required=True, example="91110101MA01ABCD5M"),
        Column("name", _("企业名称"), required=True, example="示例热电有限公司"),
        Column("jurisdiction", _("属地区划代码"), required=True, example="110101"),
        Column("industry_code", _("行业代码"), example="D4411", help=_("GB/T 4754")),
        Column("industry_name", _("行业名称"), example="火力发电"),
        Column("address", _("地址")),
        Column("longitude", _("经度"), example=116.41),
        Column("latitude", _("纬度"), example=39.91),
        Column("contact_person", _("环保联系人")),
        Column("contact_phone", _("联系电话")),
        Column("key_water", _("水重点"), help=_("是/否")),
        Column("key_air", _("气重点"), help=_("是/否")),
        Column("key_soil", _("土壤重点"), help=_("是/否")),
        Column("key_noise", _("噪声重点"), help=_("是/否")),
        Column("risk_source", _("风险源"), help=_("是/否")),
        Column("status", _("状态"), example="在产", help=_("在产/停产/关闭")),
    ]

    def clean_row(self, v, ctx):
        code = credit_code.normalise(str(v["credit_code"]))
        seen = ctx.state.setdefault("codes", set())
        if code in seen:
            raise RowError("credit_code", _("文件中信用代码“%(c)s”重复") % {"c": code})
        seen.add(code)
        jcode = str(v["jurisdiction"]).strip()
        allowed = ctx.state.get("allowed")
        if allowed is None:
            allowed = ctx.state["allowed"] = (allowed_jurisdictions(ctx.user, "sources", "add") if ctx.user
                                              else Jurisdiction.objects.all())
        j = allowed.filter(code=jcode).first()
        if j is None:
            raise RowError("jurisdiction", _("区划“%(c)s”不存在或不在您的权限范围") % {"c": jcode})
        obj = Enterprise.objects.filter(credit_code=code).first() or Enterprise(credit_code=code)
        obj.name = str(v["name"]).strip()
        obj.jurisdiction = j
        for f in ("industry_code", "industry_name", "address", "contact_person", "contact_phone"):
            if v.get(f) not in (None, ""):
                setattr(obj, f, str(v[f]).strip())
        obj.longitude = _float(v.get("longitude"), "longitude")
        obj.latitude = _float(v.get("latitude"), "latitude")
        for f in ("key_water", "key_air", "key_soil", "key_noise", "risk_source"):
            if v.get(f) not in (None, ""):
                setattr(obj, f, _bool(v[f]))
        if v.get("status") not in (None, ""):
            obj.status = _choice(v["status"], EnterpriseStatus.choices, "status")
        _clean(obj, exclude=["credit_code"] if obj.pk else [])
        if not credit_code.is_valid(code):
            raise RowError("credit_code", _("统一社会信用代码校验位错误"))
        return obj


def _enterprise(ctx, code, key="enterprise"):
    code = credit_code.normalise(str(code))
    e = restrict(Enterprise.objects.filter(credit_code=code), ctx.user, "view").first() if ctx.user else \
        Enterprise.objects.filter(credit_code=code).first()
    if e is None:
        raise RowError(key, _("企业“%(c)s”不存在或不在您的权限范围") % {"c": code})
    return e


@register
class OutletImporter(_UpsertImporter):
    kind = "sources.outlet"
    label = _("排放口")
    module = "sources"
    columns = [
        Column("enterprise", _("企业信用代码"), required=True, example="91110101MA01ABCD5M"),
        Column("code", _("排放口编号"), required=True, example="DA001"),
        Column("name", _("名称"), required=True, example="1号锅炉烟囱"),
        Column("kind", _("类型"), required=True, example="废气", help=_("废水/废气")),
        Column("longitude", _("经度")),
        Column("latitude", _("纬度")),
        Column("destination", _("排放去向")),
    ]

    def clean_row(self, v, ctx):
        e = _enterprise(ctx, v["enterprise"])
        code = str(v["code"]).strip()
        key = (e.pk, code)
        seen = ctx.state.setdefault("keys", set())
        if key in seen:
            raise RowError("code", _("文件中排放口“%(c)s”重复") % {"c": code})
        seen.add(key)
        obj = Outlet.objects.filter(enterprise=e, code=code).first() or Outlet(enterprise=e, code=code)
        obj.name = str(v["name"]).strip()
        obj.kind = _choice(v["kind"], OutletKind.choices, "kind")
        obj.longitude = _float(v.get("longitude"), "longitude")
        obj.latitude = _float(v.get("latitude"), "latitude")
        obj.destination = str(v.get("destination") or "").strip()
        _clean(obj)
        return obj



@register
class PointImporter(_UpsertImporter):
    kind = "sources.monitoringpoint"
    label = _("监测点")
    module = "sources"
    columns = [
        Column("enterprise", _("企业信用代码"), required=True),
        Column("outlet", _("排放口编号"), required=True, example="DA001"),
        Column("mn", _("MN 编码"), required=True, example="88888880000001"),
        Column("name", _("名称"), required=True, example="1号锅炉 CEMS"),
        Column("enabled", _("启用"), example="是"),
        Column("password", _("访问密码"), help=_("留空表示不校验")),
        Column("crc_dialects", _("CRC 方言"), help=_("modbus、modbus-swapped,逗号分隔,留空为标准")),
        Column("absence_minutes", _("缺失报警阈值(分钟)")),
    ]

    def clean_row(self, v, ctx):
        e = _enterprise(ctx, v["enterprise"])
        outlet = Outlet.objects.filter(enterprise=e, code=str(v["outlet"]).strip()).first()
        if outlet is None and str(v["outlet"]).strip() not in ctx.state.get("pending_outlets", ()):
            raise RowError("outlet", _("排放口“%(c)s”不存在") % {"c": v["outlet"]})
        mn = str(v["mn"]).strip()
        seen = ctx.state.setdefault("mns", set())
        if mn in seen:
            raise RowError("mn", _("文件中 MN“%(c)s”重复") % {"c": mn})
        seen.add(mn)
        obj = MonitoringPoint.objects.filter(mn=mn).first()
        if obj is not None and obj.enterprise_id != e.pk:
            raise RowError("mn", _("MN“%(c)s”已属于其他企业") % {"c": mn})
        obj = obj or MonitoringPoint(mn=mn)
        obj.outlet = outlet
        obj.enterprise_id = e.pk
        obj.name = str(v["name"]).strip()
        if v.get("enabled") not in (None, ""):
            obj.enabled = _bool(v["enabled"])
        obj.password = str(v.get("password") or "").strip()
        obj.crc_dialects = [d.strip() for d in str(v.get("crc_dialects") or "").replace("，", ",").split(",") if d.strip()]
        mins = _float(v.get("absence_minutes"), "absence_minutes")
        obj.absence_minutes = int(mins) if mins else None
        _clean(obj, exclude=["mn"] if obj.pk else [])
        return obj



@register
class LimitImporter(_UpsertImporter):
    kind = "sources.pollutantlimit"
    label = _("排放限值")
    module = "sources"
    columns = [
        Column("mn", _("MN 编码"), required=True),
        Column("factor", _("污染物代码"), required=True, example="a21026", help=_("2017 代码;2005 旧代码自动换算")),
        Column("period", _("均值周期"), example="小时均值", help=_("小时均值/日均值,默认小时")),
        Column("limit_value", _("排放限值(上限)"), example=35),
        Column("lower_limit", _("下限")),
        Column("unit", _("单位"), example="mg/m³"),
        Column("on_converted", _("按折算值判定"), example="是"),
        Column("standard", _("执行标准/许可证"), example="GB 13223-2011"),
    ]

    def clean_row(self, v, ctx):
        mn = str(v["mn"]).strip()
        qs = MonitoringPoint.objects.filter(mn=mn)
        point = (restrict(qs, ctx.user, "view") if ctx.user else qs).first()
        if point is None:
            raise RowError("mn", _("监测点 MN“%(c)s”不存在或不在您的权限范围") % {"c": mn})
        from envbureau.hj212 import codes

        factor = codes.normalise_factor(str(v["factor"]).strip())
        period = _choice(v["period"], LimitPeriod.choices, "period") if v.get("period") not in (None, "") else "hour"
        key = (point.pk, factor, period)
        seen = ctx.state.setdefault("keys", set())
        if key in seen:
            raise RowError("factor", _("文件中限值重复(%(m)s %(f)s)") % {"m": mn, "f": factor})
        seen.add(key)
        obj = PollutantLimit.objects.filter(point=point, factor=factor, period=period).first() or PollutantLimit(
            point=point, factor=factor, period=period)
        obj.limit_value = _float(v.get("limit_value"), "limit_value")
        obj.lower_limit = _float(v.get("lower_limit"), "lower_limit")
        obj.unit = str(v.get("unit") or "").strip()
        obj.on_converted = _bool(v.get("on_converted"))
        obj.standard = str(v.get("standard") or "").strip()
        _clean(obj)
        return obj

