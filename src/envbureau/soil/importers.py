"""Imports through core.importing (typed columns, every error named by row and column, all or nothing):
construction-land plots (by 地块编码), their sampling results (GB 36600 items), and farmland soil samples
(GB 15618 items, one row per sample). Each is idempotent: a row naming a record already stored updates it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from envbureau.core import workflow as wf
from envbureau.core.importing import (
    ChoiceColumn,
    Column,
    DateColumn,
    Importer,
    JurisdictionColumn,
    NumberColumn,
    RefColumn,
    RowError,
    RowErrors,
    YesNoColumn,
    register,
)
from envbureau.core.scoping import check_created, restrict
from envbureau.standards import soil as gb

from .choices import FARMLAND_ITEM_FIELDS, FARMLAND_ITEM_NAMES, FarmlandLand, PlannedUse
from .models import FarmlandSample, FarmlandUnit, Plot, Sample

MGKG = dict(min=0, max=1_000_000, unit="mg/kg", decimal=True)


def _enterprises(ctx):
    from django.apps import apps

    qs = apps.get_model("sources", "Enterprise").objects.all()
    return qs if ctx.user is None else restrict(qs, ctx.user, "view")


def _save_each(importer, objs, ctx, label_column):
    """full_clean, save and scope-check each (obj, existed, row) in the import's transaction; every refusal
    becomes a row error and nothing is kept (core.importing rolls the transaction back)."""
    errors, made, changed = [], [], 0
    for obj, existed, row in objs:
        try:
            obj.full_clean(validate_unique=False)
            obj.save()
            check_created(ctx.user, obj, "change" if existed else "add")
        except ValidationError as exc:
            errors.extend(importer.errors_of(exc, row))
        except PermissionDenied:
            errors.append({"row": row, "column": str(label_column), "value": str(obj),
                           "message": str(_("超出您的权限范围"))})
        else:
            if existed:
                changed += 1
            else:
                made.append(obj)
    if errors:
        raise RowErrors(errors)
    return made, changed


def _duplicates(cleaned, rownums, key, column_label):
    seen, errors = {}, []
    for row, n in zip(cleaned, rownums):
        k = key(row)
        if k in seen:
            errors.append({"row": n, "column": str(column_label), "value": "",
                           "message": str(_("与第 %(r)s 行重复") % {"r": seen[k]})})
        seen.setdefault(k, n)
    return errors


PLOT_FIELDS = ("name", "address", "area_m2", "jurisdiction", "holder", "former_industry", "planned_use", "developed",
               "longitude", "latitude")


@register
class PlotImporter(Importer):
    """建设用地地块 by code: a new code opens the plot (疑似污染地块, its timeline and tasks); a known code updates
    the plot's record, never its stage (stages move only through their reviewed steps)."""

    kind = "soil.plot"
    label = _("建设用地地块")
    module = "soil"
    columns = [
        Column("code", _("地块编码"), required=True, example="DK-110105-101", max_length=40),
        Column("name", _("地块名称"), required=True, example="原某化工厂地块", max_length=200),
        Column("address", _("地址"), example="北京市朝阳区某路1号", max_length=300),
        NumberColumn("area_m2", _("面积(平方米)"), required=True, example="12000", min=0, max=1e9, decimal=True),
        JurisdictionColumn("jurisdiction", _("属地"), required=True, example="110105", fields=("code", "name")),
        RefColumn("enterprise", _("土地使用权人企业"), queryset=_enterprises, fields=("credit_code", "name"),
                  help=_("统一社会信用代码或企业名称(已登记的企业,可留空)")),
        Column("holder", _("土地使用权人"), example="某公司", max_length=200),
        Column("former_industry", _("原行业"), example="化工", max_length=100),
        ChoiceColumn("planned_use", _("规划用途"), required=True, choices=PlannedUse.choices, example="居住用地"),
        YesNoColumn("developed", _("已开发利用"), example="否", default=False),
        NumberColumn("longitude", _("经度"), example="116.45", min=-180, max=180),
        NumberColumn("latitude", _("纬度"), example="39.92", min=-90, max=90),
    ]

    def clean_row(self, values, ctx):
        return values

    def check_batch(self, cleaned, rownums, ctx):
        return _duplicates(cleaned, rownums, lambda r: r["code"], _("地块编码"))

    def save_rows(self, cleaned, ctx):
        rownums = ctx.state.get("_rownums") or [i + 2 for i in range(len(cleaned))]
        existing = {p.code: p for p in Plot.objects.filter(code__in=[r["code"] for r in cleaned])}
        objs = []
        for r, row in zip(cleaned, rownums):
            p = existing.get(r["code"]) or Plot(code=r["code"])
            existed = p.pk is not None
            if existed and ctx.user is not None:
                from envbureau.core.scoping import can

                if not can(ctx.user, p, "change"):  # a known code outside the scope reads as not yours
                    raise RowError("code", _("地块编码已存在且不在您的权限范围内"), row=row)
            self.assign(p, r, PLOT_FIELDS, ctx)
            if r.get("enterprise") is not None:
                p.enterprise_id = r["enterprise"].pk
            objs.append((p, existed, row))
        made, changed = _save_each(self, objs, ctx, _("地块编码"))
        for p in made:
            wf.record_event(p, ctx.user, "open", to_state=p.state)
            wf.sync_tasks(p, ctx.user)
        return {"created": len(made), "updated": changed}


def _plots(ctx):
    qs = Plot.objects.all()
    return qs if ctx.user is None else restrict(qs, ctx.user, "view")


@register
class SampleImporter(Importer):
    """Construction-land results, one pollutant a row (GB 36600 item by name or CAS number). A row naming a
    plot, point, depth, item and date already stored replaces its value."""

    kind = "soil.sample"
    label = _("建设用地土壤监测结果")
    module = "soil"
    columns = [
        RefColumn("plot", _("地块"), required=True, queryset=_plots, fields=("code", "name"), example="DK-110105-001",
                  help=_("地块编码或名称")),
        Column("point", _("点位"), required=True, example="S1", max_length=30),
        NumberColumn("depth_m", _("深度(米)"), example="0.5", min=0, max=1000, unit="米", decimal=True),
        Column("pollutant", _("污染物"), required=True, example="苯", max_length=60,
               help=_("GB 36600 项目名称或CAS号")),
        NumberColumn("value", _("含量(mg/kg)"), required=True, example="0.8", **MGKG),
        DateColumn("sampled_on", _("采样日期"), required=True, example="2026-05-01"),
    ]

    def clean_row(self, values, ctx):
        try:
            values["pollutant"] = gb.construction_item(values["pollutant"]).name
        except ValueError:
            raise RowError("pollutant", _("GB 36600 中没有该项目")) from None
        if values.get("depth_m") is None:
            values["depth_m"] = 0
        return values

    @staticmethod
    def _key(r):
        return (r["plot"].pk, r["point"], float(r["depth_m"]), r["pollutant"], r["sampled_on"])

    def check_batch(self, cleaned, rownums, ctx):
        return _duplicates(cleaned, rownums, self._key, _("点位"))

    def save_rows(self, cleaned, ctx):
        rownums = ctx.state.get("_rownums") or [i + 2 for i in range(len(cleaned))]
        existing = {(s.plot_id, s.point, float(s.depth_m), s.pollutant, s.sampled_on): s for s in
                    Sample.objects.filter(plot_id__in={r["plot"].pk for r in cleaned})}
        objs = []
        for r, row in zip(cleaned, rownums):
            s = existing.get(self._key(r))
            existed = s is not None
            if s is None:
                s = Sample(plot=r["plot"], point=r["point"], depth_m=r["depth_m"], pollutant=r["pollutant"],
                           sampled_on=r["sampled_on"])
            elif s.value == r["value"]:
                continue
            s.value = r["value"]
            objs.append((s, existed, row))
        made, changed = _save_each(self, objs, ctx, _("地块"))
        return {"created": len(made), "updated": changed, "unchanged": len(cleaned) - len(objs)}


class FarmlandUnitColumn(Column):
    """A farmland unit by name; where the same name is on several years' lists, the one of the sample's year
    (resolved in clean_row), among the units the user may see."""


@register
class FarmlandSampleImporter(Importer):
    """Farmland soil samples, one sample a row with its pH and the GB 15618 items measured (empty = not
    measured); classified when shown. A row naming a unit, point and date already stored updates it."""

    kind = "soil.farmland_sample"
    label = _("农用地土壤样品")
    module = "soil"
    columns = [
        FarmlandUnitColumn("unit", _("耕地单元"), required=True, example="顺义北小营耕地单元(模拟)", max_length=200),
        Column("point", _("样点编号"), required=True, example="NY-01", max_length=30),
        DateColumn("sampled_on", _("采样日期"), required=True, example="2026-05-01"),
        ChoiceColumn("land", _("土地利用类型"), choices=FarmlandLand.choices, example="水田",
                     synonyms=(("其他", "other"), ("旱地", "other"), ("水浇地", "other"), ("轮作", "rotation")),
                     default=FarmlandLand.OTHER, help=_("水田、果园、其他农用地或水旱轮作地;留空为其他")),
        NumberColumn("ph", "pH", required=True, example="6.5", min=0, max=14, decimal=True),
        *(NumberColumn(field, FARMLAND_ITEM_NAMES[code], example="0.25" if code == "cd" else "", **MGKG,
                       aliases=(f"{FARMLAND_ITEM_NAMES[code]}(mg/kg)", code, code.upper()))
          for code, field in FARMLAND_ITEM_FIELDS),
    ]

    def clean_row(self, values, ctx):
        if all(values.get(f) is None for _c, f in FARMLAND_ITEM_FIELDS):
            raise RowError(None, _("至少填写一项污染物含量"))
        units = ctx.state.setdefault("_units", {})
        key = (values["unit"], values["sampled_on"].year)
        if key not in units:
            qs = FarmlandUnit.objects.filter(name=values["unit"])
            if ctx.user is not None:
                qs = restrict(qs, ctx.user, "view")
            hits = list(qs.order_by("-year")[:20])
            same_year = [u for u in hits if u.year == key[1]]
            units[key] = same_year[0] if len(same_year) == 1 else hits[0] if len(hits) == 1 else \
                RowError("unit", _("“%(v)s”不存在或不在您的权限范围内") % {"v": values["unit"]}) if not hits else \
                RowError("unit", _("“%(v)s”有多个年度,且没有采样年度的单元") % {"v": values["unit"]})
        if isinstance(units[key], RowError):
            raise units[key]
        values["unit"] = units[key]
        values["land"] = values.get("land") or FarmlandLand.OTHER
        return values

    @staticmethod
    def _key(r):
        return (r["unit"].pk, r["point"], r["sampled_on"])

    def check_batch(self, cleaned, rownums, ctx):
        return _duplicates(cleaned, rownums, self._key, _("样点编号"))

    def save_rows(self, cleaned, ctx):
        rownums = ctx.state.get("_rownums") or [i + 2 for i in range(len(cleaned))]
        existing = {(s.unit_id, s.point, s.sampled_on): s for s in
                    FarmlandSample.objects.filter(unit_id__in={r["unit"].pk for r in cleaned})}
        objs = []
        for r, row in zip(cleaned, rownums):
            s = existing.get(self._key(r))
            existed = s is not None
            if s is None:
                s = FarmlandSample(unit=r["unit"], point=r["point"], sampled_on=r["sampled_on"])
            # a row is the whole sample: an empty item cell means not measured, also on update
            for k in ("land", "ph", *(f for _c, f in FARMLAND_ITEM_FIELDS)):
                setattr(s, k, r.get(k))
            objs.append((s, existed, row))
        made, changed = _save_each(self, objs, ctx, _("耕地单元"))
        return {"created": len(made), "updated": changed}
