"""Import of existing Excel ledgers through the core framework (template, preview, all-or-nothing).

Headers follow the task-list layout bureaus keep (report-formats.md §3.3) and the export of this app,
with the common variants as aliases. The problem code is the key: a known code updates that problem
(its descriptive fields; the state only moves through the verbs), a new or empty code registers one.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from envbureau.core.importing import Column, Importer, RowError, register
from envbureau.core.models import Jurisdiction
from envbureau.core.scoping import allowed_jurisdictions, restrict

from . import services
from .choices import Category, Source, State
from .models import Problem

YES = {"是", "yes", "y", "true", "1", "√", "需长期坚持", "长期坚持"}
NO = {"否", "no", "n", "false", "0", ""}


def _choice(value, choices, column):
    text = str(value).strip()
    for v, label in choices:
        if text in (v, str(label)):
            return v
    # Short forms used in ledgers: 大气/大气污染, 水/水污染, 中央环保督察…
    for v, label in choices:
        if str(label) and (str(label).startswith(text) or text.startswith(str(label))):
            return v
    raise RowError(column, _("无法识别“%(v)s”,可选:%(c)s") % {"v": text, "c": "、".join(str(lbl) for _v, lbl in choices)})


def _date(value, column):
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))
    except ValueError:
        raise RowError(column, _("日期格式应为 2024-06-30:“%(v)s”") % {"v": value}) from None


def _units(value) -> list[str]:
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
        Column("source", _("问题来源"), required=True, example="中央生态环境保护督察", aliases=("来源", "台账来源")),
        Column("batch", _("批次"), example="中央第三生态环境保护督察组 第14批", aliases=("轮次",)),
        Column("jurisdiction", _("属地"), required=True, example="110101", help=_("区划代码或名称"),
               aliases=("行政区域", "行政区", "所属区域")),
        Column("category", _("问题类型"), required=True, example="大气", aliases=("污染类型", "类型")),
        Column("title", _("督察反馈问题"), required=True, example="某小区周边餐饮油烟扰民",
               aliases=("问题标题", "交办问题基本情况", "问题简述", "问题描述(简)")),
        Column("description", _("问题描述"), aliases=("具体问题",)),
        Column("location", _("位置"), aliases=("地址", "问题位置")),
        Column("target", _("整改目标")),
        Column("measures", _("整改措施"), aliases=("整改目标及整改措施",)),
        Column("responsible_units", _("责任单位"), example="东城区生态环境局、东华门街道办事处",
               help=_("多个单位用顿号分隔,第一个为牵头单位"), aliases=("牵头责任单位", "责任部门")),
        Column("responsible_person", _("责任领导"), aliases=("责任人", "联络人")),
        Column("responsible_phone", _("联系电话")),
        Column("received_on", _("交办日期"), example="2024-05-20", aliases=("受理时间", "交办时间")),
        Column("deadline", _("整改时限"), example="2024-12-31", help=_("日期,或“长期坚持”"),
               aliases=("问题整改完成时限", "完成时限")),
        Column("long_term", _("需长期坚持"), example="否", aliases=("是否长期",)),
        Column("progress", _("整改进展情况"), aliases=("最新整改情况", "整改进展")),
        Column("key_problem", _("是否重点件"), example="否", aliases=("重点件",)),
    ]

    def clean_row(self, values: dict, ctx):
        user = ctx.user
        cache = ctx.state.setdefault("juris", {})
        if "allowed" not in ctx.state:
            ctx.state["allowed"] = None if user is None else set(
                (allowed_jurisdictions(user, "ledger", "add") | allowed_jurisdictions(user, "ledger", "change"))
                .values_list("pk", flat=True))
        key = str(values["jurisdiction"]).strip()
        if key not in cache:
            j = Jurisdiction.objects.filter(code=key).first()
            if j is None:
                found = list(Jurisdiction.objects.filter(name=key)[:2])
                j = found[0] if len(found) == 1 else None
                if len(found) > 1:
                    raise RowError("jurisdiction", _("区划名称“%(v)s”不唯一,请填写区划代码") % {"v": key})
            cache[key] = j
        j = cache[key]
        if j is None:
            raise RowError("jurisdiction", _("未知的区划:“%(v)s”") % {"v": key})
        if ctx.state["allowed"] is not None and j.pk not in ctx.state["allowed"]:
            raise RowError("jurisdiction", _("“%(v)s”超出您的权限范围") % {"v": j.name})
        deadline_raw = values.get("deadline")
        long_term = str(values.get("long_term") or "").strip().lower() in YES
        if isinstance(deadline_raw, str) and deadline_raw.strip() in ("长期坚持", "长期", "需长期坚持"):
            deadline, long_term = None, True
        else:
            deadline = _date(deadline_raw, "deadline")
        lt_raw = str(values.get("long_term") or "").strip().lower()
        if lt_raw and lt_raw not in YES and lt_raw not in NO:
            raise RowError("long_term", _("请填写“是”或“否”"))
        kp_raw = str(values.get("key_problem") or "").strip().lower()
        if kp_raw and kp_raw not in YES and kp_raw not in NO:
            raise RowError("key_problem", _("请填写“是”或“否”"))
        title = str(values["title"]).strip()
        if len(title) > 200:
            raise RowError("title", _("不能超过200字"))
        data = {
            "source": _choice(values["source"], Source.choices, "source"),
            "category": _choice(values["category"], Category.choices, "category"),
            "batch": str(values.get("batch") or "").strip(),
            "jurisdiction": j,
            "title": title,
            "description": str(values.get("description") or "").strip(),
            "location": str(values.get("location") or "").strip(),
            "target": str(values.get("target") or "").strip(),
            "measures": str(values.get("measures") or "").strip(),
            "responsible_units": _units(values.get("responsible_units")),
            "responsible_person": str(values.get("responsible_person") or "").strip(),
            "responsible_phone": str(values.get("responsible_phone") or "").strip(),
            "deadline": deadline,
            "long_term": long_term,
            "progress": str(values.get("progress") or "").strip(),
            "key_problem": kp_raw in YES,
        }
        received = _date(values.get("received_on"), "received_on")
        if received:
            data["received_on"] = received
        if deadline and received and deadline < received:
            raise RowError("deadline", _("整改时限早于交办日期"))
        code = str(values.get("code") or "").strip()
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
                    errors.append({"row": n, "column": str(_("问题编号")),
                                   "message": str(_("与第%(r)d行编号重复") % {"r": seen[row["code"]]})})
                seen.setdefault(row["code"], n)
        return errors

    def save_rows(self, cleaned, ctx):
        created = updated = 0
        for row in cleaned:
            code = row.pop("code")
            existing = Problem.objects.filter(code=code).first() if code else None
            try:
                if existing is None:
                    services.create_problem(ctx.user, code=code, note=str(_("Excel导入")), **row)
                    created += 1
                else:
                    services.update_problem(ctx.user, existing, **row)
                    updated += 1
            except ValidationError as e:
                raise RowError(None, f"{code}: {'; '.join(e.messages)}") from e
            except PermissionDenied as e:
                raise RowError("jurisdiction", f"{code}: {e}") from e
        return {"created": created, "updated": updated}


__all__ = ["ProblemImporter", "State"]
