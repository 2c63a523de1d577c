"""Imports through core.importing typed columns (all-or-nothing, row-level errors)."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
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
    RowErrors,
    choice_options,
    match_choice,
    register,
)
from envbureau.core.scoping import restrict

from .choices import OutfallType
from .models import Campaign, CampaignTarget


def _enterprises(ctx):
    qs = apps.get_model("sources", "Enterprise").objects.all()  # read-only view of the registry
    return qs if ctx.user is None else restrict(qs, ctx.user, "view")


def _campaigns(ctx):
    qs = Campaign.objects.select_related("jurisdiction")
    return qs if ctx.user is None else restrict(qs, ctx.user, "change")


def _classes(campaign: Campaign) -> list[tuple[str, str]]:
    return [(code, label) for code, (label, _checks) in campaign.kind_conf().get("classes", {}).items()]


def _class_code(campaign: Campaign, value: str) -> str | None:
    """A campaign's class by its code or its name in any UI language (关停取缔 / its English)."""
    return match_choice(value or "", _classes(campaign))


@register
class CampaignTargetImporter(Importer):
    """专项行动对象清单: one row per enterprise, site or problem; re-importing a row of the same campaign,
    name and address updates it (its ledger problem stays the same)."""

    kind = "projects.campaigntarget"
    label = _("专项行动对象清单")
    module = "projects"
    columns = [
        RefColumn("campaign", _("专项行动"), required=True, example="2026年散乱污企业整治", queryset=_campaigns,
                  fields=("code", "name"), help=_("行动编号或名称(须已登记)")),
        Column("name", _("对象名称"), required=True, example="东城区某五金加工点", max_length=200),
        Column("credit_code", _("统一社会信用代码"), example="", max_length=18, help=_("无照经营留空")),
        Column("address", _("地址"), example="东华门街道某胡同12号", max_length=200),
        JurisdictionColumn("jurisdiction", _("属地"), required=True, example="110101001000"),
        Column("industry", _("行业"), example="金属制品加工", max_length=100),
        Column("flags", _("问题特征"), example="散、污", max_length=20),
        Column("target_class", _("整治类型"), required=True, example="关停取缔", max_length=30,
               help=_("该行动配置的整治类型,如 关停取缔 / 整合搬迁 / 升级改造")),
        DateColumn("due", _("整治时限"), example="2026-12-31", help=_("留空取行动的完成时限")),
        Column("lead_unit", _("牵头单位"), example="东华门街道办事处", max_length=200),
    ]

    def clean_row(self, values, ctx):
        c = values["campaign"]
        code = _class_code(c, values.get("target_class"))
        if code is None:
            raise RowError("target_class", _("“%(v)s”不是该行动的整治类型(可选:%(all)s)") % {
                "v": values.get("target_class"),
                "all": choice_options(_classes(c))})
        values["target_class"] = code
        jur = values["jurisdiction"]
        if not jur.path.startswith(c.jurisdiction.path):
            raise RowError("jurisdiction", _("%(j)s 不在行动“%(c)s”的范围(%(r)s)内") % {
                "j": jur.name, "c": c.name, "r": c.jurisdiction.name})
        due = values.get("due")
        if due is not None and due < c.start:
            raise RowError("due", _("整治时限不能早于行动开始日期 %(d)s") % {"d": c.start})
        return values

    def check_batch(self, cleaned, rownums, ctx):
        seen, errors = {}, []
        for row, n in zip(cleaned, rownums):
            key = (row["campaign"].pk, row["name"], row.get("address") or "")
            if key in seen:
                errors.append({"row": n, "column": str(_("对象名称")), "value": row["name"],
                               "message": str(_("与第 %(r)s 行重复(同一行动、名称和地址)") % {"r": seen[key]})})
            seen[key] = n
        return errors

    def save_rows(self, cleaned, ctx):
        from . import campaigns

        Enterprise = apps.get_model("sources", "Enterprise")  # read-only view of the registry
        rownums = ctx.state.get("_rownums")
        codes = {r["credit_code"] for r in cleaned if r.get("credit_code")}
        ents = dict(Enterprise.objects.filter(credit_code__in=codes).values_list("credit_code", "pk"))
        errors, added, updated = [], 0, 0
        for i, r in enumerate(cleaned):
            row = rownums[i] if rownums else i + 2
            t = CampaignTarget.objects.filter(campaign=r["campaign"], name=r["name"],
                                              address=r.get("address") or "").first()
            existed = t is not None
            if t is None:
                t = CampaignTarget(campaign=r["campaign"], name=r["name"], address=r.get("address") or "")
            self.assign(t, r, ("credit_code", "jurisdiction", "industry", "flags", "target_class", "due",
                               "lead_unit"), ctx)
            if r.get("credit_code"):
                t.enterprise_id = ents.get(r["credit_code"])
            if t.due is None:
                t.due = r["campaign"].deadline
            try:
                if existed:
                    campaigns.update_target(ctx.user, t)
                    updated += 1
                else:
                    campaigns.create_target(ctx.user, t)
                    added += 1
            except ValidationError as exc:
                errors.extend(self.errors_of(exc, row))
            except PermissionDenied:
                errors.append({"row": row, "column": str(_("属地")), "value": "",
                               "message": str(_("超出您的权限范围"))})
            if i % 50 == 0:
                ctx.saved(i + 1)
        if errors:
            raise RowErrors(errors)
        return {"rows": len(cleaned), "added": added, "updated": updated}


def _sections(ctx):
    qs = apps.get_model("quality", "WaterSection").objects.all()  # read-only view of the water sections
    return qs if ctx.user is None else restrict(qs, ctx.user, "view")


ROMAN = (("Ⅰ", 1), ("Ⅱ", 2), ("Ⅲ", 3), ("Ⅳ", 4), ("Ⅴ", 5), ("I", 1), ("II", 2), ("III", 3), ("IV", 4), ("V", 5),
         ("Ⅰ类", 1), ("Ⅱ类", 2), ("Ⅲ类", 3), ("Ⅳ类", 4), ("Ⅴ类", 5))


@register
class OutfallImporter(Importer):
    """Survey results (排查成果): thousands of suspected outfalls at once, all or nothing; idempotent by code — a
    row whose code exists updates the record's descriptive fields, never its stage in the loop."""

    kind = "projects.outfall"
    label = _("入河排污口排查成果")
    module = "projects"
    columns = [
        Column("code", _("排口编码"), required=True, example="BYH-DC-0001", max_length=40),
        Column("name", _("排口名称"), required=True, example="北护城河东直门桥北侧排口", max_length=200),
        ChoiceColumn("type1", _("排口类型"), required=True, example="其他排口", choices=OutfallType.choices,
                     synonyms=(("工业", "industrial"), ("污水处理厂", "sewage_plant"), ("农业", "agricultural"),
                               ("其他", "other"))),
        Column("type2", _("二级类型"), example="城镇雨洪排口", max_length=40),
        Column("type3", _("三级类型"), example="", max_length=40,
               help=_("工矿企业排污口、工矿企业雨洪排口下:工业企业 / 矿山 / 尾矿库(如 矿山排污口),可留空")),
        JurisdictionColumn("jurisdiction", _("属地"), required=True, example="110101"),
        NumberColumn("longitude", _("经度"), example="116.4335", min=-180, max=180),
        NumberColumn("latitude", _("纬度"), example="39.9476", min=-90, max=90),
        Column("basin", _("流域"), example="北运河流域", max_length=100),
        Column("receiving_water", _("受纳水体"), example="北护城河", max_length=100),
        RefColumn("section", _("对应断面"), queryset=_sections, fields=("code", "name"), example="",
                  help=_("水质断面编码或名称,可留空")),
        ChoiceColumn("target_class", _("目标类别"), example="Ⅳ", choices=[(str(n), f"{r}类") for r, n in ROMAN[:5]],
                     synonyms=tuple((r, str(n)) for r, n in ROMAN)),
        Column("responsible_unit", _("责任主体"), example="", max_length=200),
        Column("survey_batch", _("排查批次"), example="2026年第一轮排查", max_length=100),
        RefColumn("enterprise", _("排污企业"), queryset=_enterprises, fields=("credit_code", "name"), example="",
                  help=_("统一社会信用代码或企业名称(已登记的企业,可留空);排口列入该企业的一企一档")),
    ]

    def clean_row(self, values, ctx):
        from . import config

        # the sub-types are configured words stored in Chinese: a cell may name one in any UI language
        t2 = values.get("type2")
        level2 = [(x, x) for x in config.get("outfall_types").get(values["type1"], [])]
        if t2:
            values["type2"] = match_choice(t2, level2)
            if values["type2"] is None:
                raise RowError("type2", _("“%(v)s”不是%(t)s的二级类型(可选:%(all)s)") % {
                    "v": t2, "t": OutfallType(values["type1"]).label, "all": choice_options(level2) or _("无")})
        t3 = values.get("type3")
        level3 = [(x, x) for x in config.get("outfall_types_level3").get(values.get("type2") or "", [])]
        if t3:
            values["type3"] = match_choice(t3, level3)
            if values["type3"] is None:
                raise RowError("type3", _("“%(v)s”不是%(t)s的三级类型(可选:%(all)s)") % {
                    "v": t3, "t": _(values.get("type2")) if values.get("type2") else "—",
                    "all": choice_options(level3) or _("无")})
        if (values.get("longitude") is None) != (values.get("latitude") is None):
            raise RowError("latitude" if values.get("latitude") is None else "longitude", _("经度和纬度须同时填写"))
        if not values.get("receiving_water") and not values.get("section"):
            raise RowError("receiving_water", _("须填写受纳水体或对应断面"))
        return values

    def check_batch(self, cleaned, rownums, ctx):
        seen, errors = {}, []
        for row, n in zip(cleaned, rownums):
            if row["code"] in seen:
                errors.append({"row": n, "column": str(_("排口编码")), "value": row["code"],
                               "message": str(_("与第 %(r)s 行重复") % {"r": seen[row["code"]]})})
            seen[row["code"]] = n
        return errors

    def save_rows(self, cleaned, ctx):
        from . import outfalls
        from .models import Outfall

        rownums = ctx.state.get("_rownums")
        existing = {o.code: o for o in Outfall.objects.filter(code__in=[r["code"] for r in cleaned])}
        errors, added, updated = [], 0, 0
        for i, r in enumerate(cleaned):
            row = rownums[i] if rownums else i + 2
            o = existing.get(r["code"])
            existed = o is not None
            if o is None:
                o = Outfall(code=r["code"])
            if r.get("section") is not None:
                r["section_id"] = r["section"].pk
            if r.get("target_class") is not None:
                r["target_class"] = int(r["target_class"])
            if r.get("enterprise") is not None:
                o.enterprise_id = r["enterprise"].pk
            self.assign(o, r, ("name", "type1", "type2", "type3", "jurisdiction", "longitude", "latitude", "basin",
                               "receiving_water", "section_id", "target_class", "responsible_unit", "survey_batch"),
                        ctx)
            o.receiving_water = o.receiving_water or ""
            try:
                if existed:
                    outfalls.update_outfall(ctx.user, o)
                    updated += 1
                else:
                    outfalls.create_outfall(ctx.user, o, notify=False)  # thousands at once: the inbox, not mail
                    added += 1
            except ValidationError as exc:
                errors.extend(self.errors_of(exc, row))
            except PermissionDenied:
                errors.append({"row": row, "column": str(_("属地")), "value": "", "message": str(_("超出您的权限范围"))})
            if i % 100 == 0:
                ctx.saved(i + 1)
        if errors:
            raise RowErrors(errors)
        return {"rows": len(cleaned), "added": added, "updated": updated}
