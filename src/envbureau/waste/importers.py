"""Imports through core.importing typed columns (all-or-nothing, row-level errors): producers, operators,
and the manifests exported by the provincial solid-waste system (idempotent by manifest number)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from envbureau.core import audit
from envbureau.core.bulk import insert_objects
from envbureau.core.importing import (
    ChoiceColumn,
    Column,
    DateColumn,
    Importer,
    NumberColumn,
    RefColumn,
    RowError,
    RowErrors,
    YesNoColumn,
    register,
)
from envbureau.core.scoping import check_created, restrict

from . import rules, services
from .choices import ManifestState, ProducerCategory
from .models import Manifest, Operator, Producer, Transporter

TONNES = dict(min=0, max=100000, unit="吨", decimal=True)


class RepeatedDateColumn(DateColumn):
    """A date column whose few distinct texts repeat over many rows (a year of manifests has ~365 dates per
    column): each text is parsed once per import by DateColumn, then reused."""

    def parse(self, value, ctx):
        if not isinstance(value, str):
            return super().parse(value, ctx)
        cache = ctx.state.setdefault("_dates", {})
        hit = cache.get(value)
        if hit is None:
            try:
                hit = super().parse(value, ctx)
            except RowError as e:
                hit = e
            cache[value] = hit
        if isinstance(hit, RowError):
            raise RowError(self.key, hit.message)
        return hit


def _enterprises(ctx):
    qs = services.enterprise_model().objects.all()
    return qs if ctx.user is None else restrict(qs, ctx.user, "view")


@register
class ProducerImporter(Importer):
    kind = "waste.producer"
    label = _("危险废物产生单位")
    module = "waste"
    columns = [
        RefColumn("enterprise", _("企业"), required=True, example="91110101MA01DC0101", queryset=_enterprises,
                  fields=("credit_code", "name"), help=_("统一社会信用代码或企业名称(须已在污染源企业中登记)"),
                  aliases=("统一社会信用代码", "企业名称")),
        NumberColumn("annual_tonnes", _("年产生量(吨)"), required=True, example="120", **TONNES),
        YesNoColumn("own_facility", _("自建利用处置设施"), example="否", default=False),
        YesNoColumn("small_quantity", _("小微产废单位"), example="否", default=False),
        ChoiceColumn("category", _("管理类别"), choices=ProducerCategory.choices,
                     help=_("留空则按HJ 1259由年产生量判定"),
                     synonyms=(("重点", "key"), ("简化", "simplified"), ("登记", "registered"))),
        Column("waste_codes", _("主要废物代码"), max_length=300, example="900-249-08"),
    ]

    def clean_row(self, values, ctx):
        if not values.get("category"):
            values["category"] = rules.classify(values["annual_tonnes"], own_facility=bool(values.get("own_facility")))
        return values

    def save_rows(self, cleaned, ctx):
        existing = {p.enterprise_id: p for p in Producer.objects.filter(
            enterprise_id__in=[r["enterprise"].pk for r in cleaned])}
        errors, rownums = [], ctx.state.get("_rownums") or []
        for i, r in enumerate(cleaned):
            e = r["enterprise"]
            p = existing.get(e.pk) or Producer(enterprise_id=e.pk)
            existed = p.pk is not None
            p.name, p.credit_code, p.jurisdiction_id = e.name, e.credit_code, e.jurisdiction_id
            self.assign(p, r, ("annual_tonnes", "own_facility", "small_quantity", "category", "waste_codes"), ctx)
            try:
                p.full_clean(validate_unique=False)
                p.save()
                check_created(ctx.user, p, "change" if existed else "add")
            except ValidationError as exc:
                errors.extend(self.errors_of(exc, rownums[i] if rownums else i + 2))
            except PermissionDenied:
                errors.append({"row": rownums[i] if rownums else i + 2, "column": str(_("企业")), "value": e.name,
                               "message": str(_("超出您的权限范围"))})
        if errors:
            raise RowErrors(errors)
        return {"rows": len(cleaned)}


def _manifest_state(v) -> str:
    if v.get("reject_reason"):
        return ManifestState.REJECTED
    if v.get("confirmed_on"):
        return ManifestState.CONFIRMED
    if v.get("received_on"):
        return ManifestState.RECEIVED
    if v.get("shipped_on"):
        return ManifestState.SHIPPED
    return ManifestState.CREATED


FIELDS = ("producer", "receiver", "transporter", "waste_code", "waste_name", "hazard", "sent_tonnes",
          "carried_tonnes", "received_tonnes", "vehicle_no", "method", "created_on", "shipped_on", "received_on",
          "confirmed_on", "reject_reason")


@register
class ManifestImporter(Importer):
    """The provincial system's export: one row per manifest. A manifest number already stored is updated
    (its later steps filled in), so importing the same export twice changes nothing."""

    kind = "waste.manifest"
    label = _("危险废物转移联单(省级系统导出)")
    module = "waste"
    columns = [
        Column("number", _("联单编号"), required=True, example="20261101000001", max_length=14),
        RefColumn("producer", _("移出单位"), required=True, model=Producer, fields=("credit_code", "name"),
                  example="京东热电示范有限公司(模拟)", aliases=("产生单位", "移出人")),
        RefColumn("receiver", _("接受单位"), required=True, model=Operator, fields=("credit_code", "name"),
                  example="北京危废处置示范中心(模拟)", aliases=("接收单位", "接受人")),
        RefColumn("transporter", _("承运单位"), model=Transporter, fields=("credit_code", "name"),
                  example="京运危货运输示范公司(模拟)", aliases=("运输单位", "承运人")),
        Column("waste_code", _("废物代码"), required=True, example="900-249-08", max_length=12),
        Column("waste_name", _("废物名称"), required=True, example="废矿物油", max_length=100),
        Column("hazard", _("危险特性"), example="T,I", max_length=30),
        NumberColumn("sent_tonnes", _("移出量(吨)"), required=True, example="5.2", **TONNES),
        NumberColumn("carried_tonnes", _("运输量(吨)"), example="5.2", **TONNES),
        NumberColumn("received_tonnes", _("接受量(吨)"), example="5.19", **TONNES),
        Column("vehicle_no", _("车牌号"), example="京A12345", max_length=20),
        Column("method", _("利用处置方式"), example="R9", max_length=30),
        RepeatedDateColumn("created_on", _("填报日期"), required=True, example="2026-11-02"),
        RepeatedDateColumn("shipped_on", _("运出日期"), example="2026-11-03"),
        RepeatedDateColumn("received_on", _("接收日期"), example="2026-11-03"),
        RepeatedDateColumn("confirmed_on", _("确认日期"), example="2026-11-05"),
        Column("reject_reason", _("拒收原因"), max_length=300),
    ]

    def clean_row(self, values, ctx):
        problem = rules.check_number(values["number"], values["producer"].jurisdiction.code)
        if problem:
            raise RowError("number", problem)
        order = [("created_on", "shipped_on"), ("shipped_on", "received_on"), ("received_on", "confirmed_on")]
        for a, b in order:
            if values.get(a) and values.get(b) and values[b] < values[a]:
                raise RowError(b, _("日期早于前一环节"))
        if values.get("received_on") and values.get("received_tonnes") is None:
            raise RowError("received_tonnes", _("已接收的联单须填写接受量"))
        if values.get("confirmed_on") and not values.get("received_on"):
            raise RowError("received_on", _("已确认的联单须填写接收日期"))
        if values.get("shipped_on") is None and (values.get("received_on") or values.get("confirmed_on")):
            raise RowError("shipped_on", _("已接收的联单须填写运出日期"))
        if int(values["number"][:4]) != values["created_on"].year:
            raise RowError("number", _("联单编号的年份与填报日期不符"))
        return values

    def check_batch(self, cleaned, rownums, ctx):
        seen, errors = {}, []
        for row, n in zip(cleaned, rownums):
            if row["number"] in seen:
                errors.append({"row": n, "column": str(_("联单编号")), "value": row["number"],
                               "message": str(_("与第 %(r)s 行重复") % {"r": seen[row["number"]]})})
            seen[row["number"]] = n
        return errors

    def save_rows(self, cleaned, ctx):
        rownums = ctx.state.get("_rownums") or [i + 2 for i in range(len(cleaned))]
        existing = {}
        numbers = [r["number"] for r in cleaned]
        for i in range(0, len(numbers), 5000):
            existing.update({m.number: m for m in Manifest.objects.filter(number__in=numbers[i:i + 5000])})
        # An enterprise user imports only its own manifests (as producer or receiver).
        own = services.enterprise_ids(ctx.user)
        due_cache, new, changed, errors = {}, [], [], []
        proto = [f.get_default() for f in Manifest._meta.concrete_fields]  # every field's default, in field order
        for i, r in enumerate(cleaned):
            if own is not None and r["producer"].enterprise_id not in own and r["receiver"].enterprise_id not in own:
                errors.append({"row": rownums[i], "column": str(_("移出单位")), "value": r["producer"].name,
                               "message": str(_("只能导入本单位的联单"))})
                continue
            m = existing.get(r["number"])
            before = None if m is None else tuple(getattr(m, f"{k}_id" if k in ("producer", "receiver",
                                                                                   "transporter") else k) for k in FIELDS)
            if m is None:
                m = Manifest(*proto)  # the positional constructor: kwargs made Model.__init__ a fifth of the import
                m.number, m.imported = r["number"], True
            for k in FIELDS:
                setattr(m, k, r.get(k) if k not in ("hazard", "vehicle_no", "method", "reject_reason")
                        else (r.get(k) or ""))
            after = tuple(getattr(m, f"{k}_id" if k in ("producer", "receiver", "transporter") else k) for k in FIELDS)
            if before == after:
                continue
            m.copy_parties()
            m.state = _manifest_state(r)
            if m.received_on:
                if m.received_on not in due_cache:
                    due_cache[m.received_on] = rules.confirm_due(m.received_on)
                m.confirm_due = due_cache[m.received_on]
                m.confirmed_late = bool(m.confirmed_on and m.confirmed_on > m.confirm_due)
            m.reconcile()
            (new if m.pk is None else changed).append(m)
            if i % 2000 == 0:
                ctx.saved(i)
        if errors:
            raise RowErrors(errors)
        insert_objects(Manifest, new, key="number")  # COPY / executemany: bulk_create's compiler was most of the time
        cols = [k for k in FIELDS] + ["state", "confirm_due", "confirmed_late", "mismatch", "difference",
                                      "jurisdiction", "producer_enterprise_id", "receiver_enterprise_id",
                                      "transporter_enterprise_id",
                                      "cross_province"]
        Manifest.objects.bulk_update(changed, cols, batch_size=1000)
        if new:
            audit.record_batch("create", Manifest, [m.pk for m in new], {"imported": True},
                               note=gettext_noop("省级系统联单导入"))  # the audit page words it
        if changed:
            audit.record_batch("update", Manifest, [m.pk for m in changed], {"fields": cols},
                               note=gettext_noop("省级系统联单导入"))  # the audit page words it
        if ctx.commit:
            services.open_tasks_for_imported(new, changed)
        ctx.saved(len(cleaned))
        return {"created": len(new), "updated": len(changed), "unchanged": len(cleaned) - len(new) - len(changed)}
