"""Imports through core.importing typed columns (all-or-nothing, row-level errors)."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from envbureau.core.importing import (
    Column,
    DateColumn,
    Importer,
    JurisdictionColumn,
    RefColumn,
    RowError,
    RowErrors,
    register,
)
from envbureau.core.scoping import restrict

from .models import Campaign, CampaignTarget


def _campaigns(ctx):
    qs = Campaign.objects.select_related("jurisdiction")
    return qs if ctx.user is None else restrict(qs, ctx.user, "change")


def _class_code(campaign: Campaign, value: str) -> str | None:
    value = (value or "").strip()
    for code, (label, _checks) in campaign.kind_conf().get("classes", {}).items():
        if value in (code, label):
            return code
    return None


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
                "all": "、".join(v[0] for v in c.kind_conf().get("classes", {}).values())})
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
