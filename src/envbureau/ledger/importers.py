"""Import of existing Excel ledgers through the core framework (template, preview, all-or-nothing).

Headers follow the task-list layout bureaus keep (as published rectification plans list them) and the export of this app,
with the common variants as aliases. The problem code is the key: a known code updates that problem
(its descriptive fields; the state only moves through the verbs), a new or empty code registers one.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from envbureau.core import texts
from envbureau.core.importing import (
    ChoiceColumn,
    Column,
    DateColumn,
    Importer,
    JurisdictionColumn,
    RowError,
    YesNoColumn,
    register,
)
from envbureau.core.scoping import restrict

from . import services
from .choices import Category, Source, State
from .models import Problem

LONG_TERM = "long_term"


def _units(value) -> list[str]:
    """责任单位 cell → list of units (the first leads); "牵头单位:…配合单位:…" prefixes dropped."""
    if value in (None, ""):
        return []
    text = re.sub(r"(牵头|配合|责任)(单位)?[::]", "\n", str(value))
    return [u.strip() for u in re.split(r"[\n、,，;；]+", text) if u.strip()]


@register
class ProblemImporter(Importer):
    kind = "ledger.problem"
    label = _("问题台账")
    module = "ledger"
    columns = [
        Column("code", _("问题编号"), help=_("已有编号则更新该问题;留空自动编号"), example="ZY3-14-001",
               aliases=("编号", "受理编号", "问题编码")),
        ChoiceColumn("source", _("问题来源"), required=True, example="中央生态环境保护督察", aliases=("来源", "台账来源"),
                     choices=Source.choices, prefix=True),
        Column("batch", _("批次"), example="中央第三生态环境保护督察组 第14批", aliases=("轮次",)),
        JurisdictionColumn("jurisdiction", _("属地"), required=True, example="110101", help=_("区划代码或名称"),
                           aliases=("行政区域", "行政区", "所属区域")),
        ChoiceColumn("category", _("问题类型"), required=True, example="大气", aliases=("污染类型", "类型"),
                     choices=Category.choices, prefix=True),
        Column("title", _("督察反馈问题"), required=True, example="某小区周边餐饮油烟扰民", max_length=200,
               aliases=("问题标题", "交办问题基本情况", "问题简述", "问题描述(简)")),
        Column("description", _("问题描述"), aliases=("具体问题",)),
        Column("location", _("位置"), aliases=("地址", "问题位置")),
        Column("target", _("整改目标")),
        Column("measures", _("整改措施"), aliases=("整改目标及整改措施",)),
        Column("responsible_units", _("责任单位"), example="东城区生态环境局、东华门街道办事处",
               help=_("多个单位用顿号分隔,第一个为牵头单位"), aliases=("牵头责任单位", "责任部门")),
        Column("responsible_person", _("责任领导"), aliases=("责任人", "联络人")),
        Column("responsible_phone", _("联系电话")),
        DateColumn("received_on", _("交办日期"), example="2024-05-20", aliases=("受理时间", "交办时间")),
        DateColumn("deadline", _("整改时限"), example="2024-12-31", help=_("日期,或“长期坚持”"),
                   aliases=("问题整改完成时限", "完成时限"),
                   keywords={"长期坚持": LONG_TERM, "长期": LONG_TERM, "需长期坚持": LONG_TERM}),
        YesNoColumn("long_term", _("需长期坚持"), example="否", aliases=("是否长期",)),
        Column("progress", _("整改进展情况"), aliases=("最新整改情况", "整改进展")),
        YesNoColumn("key_problem", _("是否重点件"), example="否", aliases=("重点件",)),
    ]

    TEXT = ("batch", "title", "description", "location", "target", "measures", "responsible_person",
            "responsible_phone", "progress")

    def clean_row(self, values: dict, ctx):
        user = ctx.user
        data = {k: values[k] for k in ("source", "category", "jurisdiction", *self.TEXT)}
        data["responsible_units"] = _units(values.get("responsible_units")) or None
        deadline, long_term = values.get("deadline"), values.get("long_term")
        if deadline == LONG_TERM:
            deadline, long_term = None, True
        data.update(deadline=deadline, long_term=long_term, key_problem=values.get("key_problem"),
                    received_on=values.get("received_on"))
        if deadline and data["received_on"] and deadline < data["received_on"]:
            raise RowError("deadline", _("整改时限早于交办日期"))
        code = values.get("code") or ""
        if code:
            existing = Problem.objects.filter(code=code).first()
            if existing is not None and user is not None and not restrict(
                    Problem.objects.filter(pk=existing.pk), user, "change").exists():
                raise RowError("code", _("编号“%(c)s”已被您无权修改的问题使用") % {"c": code})
        return {"code": code, **data}

    def check_batch(self, cleaned, rownums, ctx):
        seen, errors = {}, []
        for row, n in zip(cleaned, rownums):
            if row["code"]:
                if row["code"] in seen:
                    errors.append({"row": n, "column": str(_("问题编号")), "value": row["code"],
                                   "message": str(_("与第%(r)d行编号重复") % {"r": seen[row["code"]]})})
                seen.setdefault(row["code"], n)
        return errors

    def save_rows(self, cleaned, ctx):
        created = updated = 0
        rownums = ctx.state.get("_rownums", [])
        for n, row in enumerate(cleaned):
            code = row.pop("code")
            existing = Problem.objects.filter(code=code).first() if code else None
            if existing is None:
                fields = {k: v for k, v in row.items() if v is not None}  # empty: the model's default
            elif ctx.clear_empty:
                fields = {k: (self._empty(k) if v is None else v) for k, v in row.items()
                          if k not in ("source", "category", "jurisdiction", "title", "received_on")}
            else:
                fields = {k: v for k, v in row.items() if v not in (None, "")}  # empty cells keep stored values
            at = rownums[n] if n < len(rownums) else None
            try:
                if existing is None:
                    services.create_problem(ctx.user, code=code, note=texts.sentence(gettext_noop("Excel导入")), **fields)
                    created += 1
                else:
                    services.update_problem(ctx.user, existing, **fields)
                    updated += 1
            except ValidationError as e:
                raise RowError(None, f"{code}: {'; '.join(e.messages)}", row=at) from e
            except PermissionDenied as e:
                raise RowError("jurisdiction", f"{code}: {e}", row=at) from e
        return {"created": created, "updated": updated}

    @staticmethod
    def _empty(key):
        if key == "responsible_units":
            return []
        if key in ("long_term", "key_problem"):
            return False
        if key == "deadline":
            return None
        return ""


__all__ = ["ProblemImporter", "State"]
