"""Imports of the two libraries (all-or-nothing, row-level errors) through core.importing typed columns."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from envbureau.core.importing import (
    ChoiceColumn,
    Column,
    DateColumn,
    Importer,
    JurisdictionColumn,
    RefColumn,
    RowError,
    RowErrors,
    YesNoColumn,
    register,
)
from envbureau.core.scoping import check_created, restrict

from .choices import PostingKind, SupervisionClass
from .models import Inspector, InspectorPosting, PoolEnterprise


def _enterprises(ctx):
    qs = apps.get_model("sources", "Enterprise").objects.all()  # the registry, read through scoping
    return qs if ctx.user is None else restrict(qs, ctx.user, "view")


def _departments(ctx):
    return apps.get_model("core", "Department").objects.filter(active=True)


def _save(importer, objs, ctx):
    errors = []
    for row, obj in objs:
        try:
            obj.full_clean(validate_unique=False)
            obj.save()
            check_created(ctx.user, obj, "change" if getattr(obj, "_existed", False) else "add")
        except ValidationError as exc:
            errors.extend(importer.errors_of(exc, row))
        except Exception as exc:  # PermissionDenied: outside the user's scope
            from django.core.exceptions import PermissionDenied

            if not isinstance(exc, PermissionDenied):
                raise
            errors.append({"row": row, "column": "", "value": "", "message": str(_("超出您的权限范围"))})
    if errors:
        raise RowErrors(errors)


@register
class PoolImporter(Importer):
    kind = "enforcement.pool"
    label = _("检查对象名录库")
    module = "enforcement"
    columns = [
        RefColumn("enterprise", _("企业"), required=True, example="91110101MA01DC0101", queryset=_enterprises,
                  fields=("credit_code", "name"), help=_("统一社会信用代码或企业名称(须已在污染源企业中登记)"),
                  aliases=("统一社会信用代码", "企业名称")),
        ChoiceColumn("supervision_class", _("监管类别"), required=True, example="重点监管对象",
                     choices=SupervisionClass.choices, synonyms=(("重点", "key"), ("一般", "general"), ("特殊", "special"))),
        Column("special_reason", _("特殊监管原因"), max_length=200),
        YesNoColumn("positive_list", _("正面清单"), example="否"),
        DateColumn("positive_until", _("正面清单有效期至")),
        YesNoColumn("cap_exempt", _("不受年度检查次数上限"), example="否"),
        YesNoColumn("excluded", _("不参与双随机"), example="否"),
    ]

    def clean_row(self, values, ctx):
        if values.get("positive_until") and not values.get("positive_list"):
            raise RowError("positive_until", _("未列入正面清单的企业不应填写有效期"))
        return values

    def check_batch(self, cleaned, rownums, ctx):
        seen, errors = {}, []
        for row, n in zip(cleaned, rownums):
            e = row["enterprise"].pk
            if e in seen:
                errors.append({"row": n, "column": str(_("企业")), "value": row["enterprise"].name,
                               "message": str(_("与第 %(r)s 行重复") % {"r": seen[e]})})
            seen[e] = n
        return errors

    def save_rows(self, cleaned, ctx):
        objs, rownums = [], ctx.state.get("_rownums")
        existing = {p.enterprise_id: p for p in PoolEnterprise.objects.filter(
            enterprise_id__in=[r["enterprise"].pk for r in cleaned])}
        for i, r in enumerate(cleaned):
            e = r["enterprise"]
            p = existing.get(e.pk)
            existed = p is not None
            if p is None:
                p = PoolEnterprise(enterprise_id=e.pk)
            p.name, p.credit_code, p.jurisdiction_id = e.name, e.credit_code, e.jurisdiction_id
            self.assign(p, r, ("supervision_class", "special_reason", "positive_list", "positive_until",
                               "cap_exempt", "excluded"), ctx)
            p._existed = existed
            objs.append(((rownums[i] if rownums else i + 2), p))
        _save(self, objs, ctx)
        return {"rows": len(objs)}


@register
class InspectorImporter(Importer):
    kind = "enforcement.inspector"
    label = _("执法检查人员名录库")
    module = "enforcement"
    columns = [
        Column("badge_no", _("执法证号"), required=True, example="11010120260001", max_length=30),
        Column("name", _("姓名"), required=True, example="张执法", max_length=50),
        JurisdictionColumn("jurisdiction", _("所属区划"), required=True, example="110000"),
        RefColumn("department", _("所在部门"), queryset=_departments, example="执法支队"),
        YesNoColumn("certified", _("持有执法证"), example="是", default=True),
        YesNoColumn("active", _("在编在岗"), example="是", default=True),
        Column("specialty", _("专业领域"), max_length=100),
    ]

    def clean_row(self, values, ctx):
        return values

    def check_batch(self, cleaned, rownums, ctx):
        seen, errors = {}, []
        for row, n in zip(cleaned, rownums):
            if row["badge_no"] in seen:
                errors.append({"row": n, "column": str(_("执法证号")), "value": row["badge_no"],
                               "message": str(_("与第 %(r)s 行重复") % {"r": seen[row["badge_no"]]})})
            seen[row["badge_no"]] = n
        return errors

    def save_rows(self, cleaned, ctx):
        objs, rownums = [], ctx.state.get("_rownums")
        existing = {i.badge_no: i for i in Inspector.objects.filter(badge_no__in=[r["badge_no"] for r in cleaned])}
        for n, r in enumerate(cleaned):
            obj = existing.get(r["badge_no"]) or Inspector(badge_no=r["badge_no"])
            obj._existed = obj.pk is not None
            self.assign(obj, r, ("name", "jurisdiction", "department", "certified", "active", "specialty"), ctx)
            objs.append(((rownums[n] if rownums else n + 2), obj))
        _save(self, objs, ctx)
        return {"rows": len(objs)}


def _inspectors(ctx):
    qs = Inspector.objects.all()
    return qs if ctx.user is None else restrict(qs, ctx.user, "view")


def _pool(ctx):
    qs = PoolEnterprise.objects.all()
    return qs if ctx.user is None else restrict(qs, ctx.user, "view")


@register
class PostingImporter(Importer):
    """Inspectors' postings (to a jurisdiction, or with an enterprise as employer): recent ones recuse them from
    draws automatically. A row with the same inspector, kind, place and start date updates that posting."""

    kind = "enforcement.posting"
    label = _("执法人员任职经历")
    module = "enforcement"
    columns = [
        RefColumn("inspector", _("执法人员"), required=True, example="11010120260001", queryset=_inspectors,
                  fields=("badge_no", "name"), help=_("执法证号或姓名"), aliases=("执法证号",)),
        ChoiceColumn("kind", _("任职类型"), required=True, example="在属地任职", choices=PostingKind.choices,
                     synonyms=(("属地", "area"), ("企业", "employer"))),
        JurisdictionColumn("jurisdiction", _("任职区划"), example="110101001"),
        RefColumn("enterprise", _("曾任职企业"), queryset=_pool, fields=("credit_code", "name"),
                  help=_("统一社会信用代码或企业名称(须在检查对象名录库中)")),
        Column("post", _("职务"), max_length=100),
        DateColumn("started_on", _("任职起始日期"), required=True, example="2023-03-01"),
        DateColumn("ended_on", _("任职结束日期"), example="2025-06-30"),
    ]

    def clean_row(self, values, ctx):
        if values.get("kind") == PostingKind.AREA and not values.get("jurisdiction"):
            raise RowError("jurisdiction", _("在属地任职须填写任职区划"))
        if values.get("kind") == PostingKind.EMPLOYER and not values.get("enterprise"):
            raise RowError("enterprise", _("曾受雇于企业须填写曾任职企业"))
        if values.get("kind") == PostingKind.AREA and values.get("enterprise"):
            raise RowError("enterprise", _("在属地任职不填写企业"))
        if values.get("kind") == PostingKind.EMPLOYER and values.get("jurisdiction"):
            raise RowError("jurisdiction", _("曾受雇于企业不填写任职区划"))
        if values.get("ended_on") and values["ended_on"] < values["started_on"]:
            raise RowError("ended_on", _("任职结束日期早于起始日期"))
        return values

    def save_rows(self, cleaned, ctx):
        objs, rownums = [], ctx.state.get("_rownums")
        for n, r in enumerate(cleaned):
            place = {"jurisdiction": r.get("jurisdiction"), "enterprise": r.get("enterprise")}
            obj = InspectorPosting.objects.filter(inspector=r["inspector"], kind=r["kind"], started_on=r["started_on"],
                                                  **place).first() or InspectorPosting()
            obj._existed = obj.pk is not None
            self.assign(obj, r, ("inspector", "kind", "jurisdiction", "enterprise", "post", "started_on", "ended_on"),
                        ctx)
            objs.append(((rownums[n] if rownums else n + 2), obj))
        _save(self, objs, ctx)
        return {"rows": len(objs)}
