"""Import of existing complaint registers (信访登记台账) from Excel, all-or-nothing with row messages.

Columns follow the register layout bureaus keep (the columns bureaus' complaint reports need; no single published register was found). A row's state is taken
from how far it got in the register: 办结时间 → replied (回访结果 → visited), 是否属实 → investigated,
承办单位 → assigned, 不予受理原因 → declined, otherwise accepted.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from envbureau.core import texts
from envbureau.core.importing import (
    ChoiceColumn,
    Column,
    DateTimeColumn,
    Importer,
    JurisdictionColumn,
    NumberColumn,
    RowError,
    YesNoColumn,
    register,
)
from envbureau.core.scoping import check_created

from .choices import Category, Channel, Finding, Satisfaction, SubCategory, Track

CHANNEL_WORDS = (
    ("微信", "wechat"), ("12345", "platform"), ("平台", "platform"), ("督察", "oversight"), ("来信", "letter"),
    ("信件", "letter"), ("来访", "visit"), ("走访", "visit"), ("网", "web"), ("电话", "hotline"), ("来电", "hotline"),
    ("热线", "hotline"), ("12369", "hotline"),
)
CATEGORY_WORDS = (
    ("噪", "noise"), ("固", "solid_waste"), ("垃圾", "solid_waste"), ("土壤", "soil"), ("辐射", "radiation"),
    ("生态", "ecology"), ("水", "water"), ("气", "air"), ("油烟", "air"), ("扬尘", "air"), ("异味", "air"),
    ("其他", "other"), ("其它", "other"),
)
NINE = dt.time(9, 0)  # a register giving only a date: the working day's start


@register
class ComplaintRegisterImporter(Importer):
    kind = "complaints.complaint"
    label = _("信访投诉登记台账")
    module = "complaints"
    columns = [
        Column("number", _("受理编号"), help=_("留空则自动编号;已存在的编号不能重复导入"), example="XF2025-0001"),
        ChoiceColumn("channel", _("渠道"), required=True, example="12369热线", choices=Channel.choices,
                     contains=CHANNEL_WORDS, help=_("12369热线/微信/网上/来信/来访/督察转办/12345等")),
        DateTimeColumn("received_at", _("受理时间"), required=True, example="2025-03-01 09:30",
                       aliases=("收件时间", "来件时间"), default_time=NINE),
        Column("complainant_name", _("举报人"), example="张三", help=_("保密信息,仅有权人员可见"), max_length=100),
        Column("complainant_phone", _("联系方式"), example="13800000000", aliases=("联系电话",), max_length=40),
        Column("enterprise_name", _("被举报对象"), example="某某餐饮店", max_length=200),
        Column("location", _("地址"), example="东城区东华门大街1号", aliases=("问题地址",), max_length=300),
        JurisdictionColumn("jurisdiction", _("行政区域"), required=True, example="东华门街道",
                           help=_("街道或区县名称/区划代码"), aliases=("属地", "所属街道"), actions=("add",)),
        ChoiceColumn("category", _("污染类型"), required=True, example="噪声", choices=Category.choices,
                     contains=CATEGORY_WORDS),
        ChoiceColumn("sub_category", _("子类"), example="建设施工噪声", choices=SubCategory.choices),
        ChoiceColumn("track", _("办理类别"), example="举报线索(执法查处)", choices=Track.choices,
                     contains=(("线索", "clue"), ("信访", "petition"), ("途径", "redirected")),
                     help=_("举报线索/信访事项/导入其他法定途径")),
        Column("title", _("事项摘要"), required=True, example="夜间施工噪声扰民", aliases=("交办问题基本情况",),
               max_length=200),
        Column("content", _("举报内容"), example="工地夜间22点后仍在施工"),
        Column("decline_reason", _("不予受理原因"), max_length=500),
        Column("assignee_unit", _("承办单位"), example="东华门街道办事处", aliases=("牵头责任单位",), max_length=200),
        ChoiceColumn("finding", _("是否属实"), example="属实", choices=Finding.choices,
                     contains=(("部分", "partly"), ("不属实", "unsubstantiated"), ("属实", "substantiated"))),
        Column("investigation", _("调查核实情况")),
        Column("measures", _("处理情况"), aliases=("处理和整改情况",)),
        Column("reply_text", _("答复意见")),
        DateTimeColumn("replied_at", _("办结时间"), example="2025-03-20", default_time=NINE),
        ChoiceColumn("satisfaction", _("回访结果"), example="满意", choices=Satisfaction.choices,
                     contains=(("基本", "basic"), ("不满意", "dissatisfied"), ("满意", "satisfied"),
                               ("联系不上", "unreachable"))),
        YesNoColumn("is_repeat", _("是否重复"), example="否"),
        Column("repeat_of", _("关联件编号"), aliases=("重复关联件编号",)),
        YesNoColumn("is_key", _("是否重点件"), example="否"),
        Column("batch", _("督察批次"), aliases=("轮次",), max_length=120),
        NumberColumn("fine_amount", _("罚款金额(元)"), min=0, decimal=True, unit="元"),
        NumberColumn("lon", _("经度"), min=73, max=136),
        NumberColumn("lat", _("纬度"), min=3, max=54),
    ]

    def clean_row(self, v, ctx):
        from .choices import SUBCATEGORY_PARENT
        from .models import Complaint

        number = v["number"] or ""
        if number and Complaint.objects.filter(number=number).exists():
            raise RowError("number", _("受理编号已存在"))
        category, sub = v["category"], v["sub_category"] or ""
        if sub and SUBCATEGORY_PARENT.get(sub, category) != category:
            raise RowError("sub_category", _("子类与污染类型不一致"))
        received, replied = v["received_at"], v["replied_at"]
        if replied and replied < received:
            raise RowError("replied_at", _("办结时间早于受理时间"))
        finding, satisfaction = v["finding"] or "", v["satisfaction"] or ""
        if satisfaction and not replied:
            raise RowError("satisfaction", _("未办结的件不能有回访结果"))
        c = Complaint(
            number=number, channel=v["channel"], track=v["track"] or "clue",
            category=category, sub_category=sub, title=v["title"],
            content=v["content"] or v["title"], location=v["location"] or "",
            lon=v["lon"], lat=v["lat"], jurisdiction=v["jurisdiction"],
            routed_by="chosen", enterprise_name=v["enterprise_name"] or "",
            batch=v["batch"] or "", is_key=bool(v["is_key"]), received_at=received,
            complainant_name=v["complainant_name"] or "",
            complainant_phone=v["complainant_phone"] or "",
            decline_reason=v["decline_reason"] or "", assignee_unit=v["assignee_unit"] or "",
            finding=finding, investigation=v["investigation"] or "", measures=v["measures"] or "",
            reply_text=v["reply_text"] or "", replied_at=replied, satisfaction=satisfaction,
            fine_amount=v["fine_amount"], is_repeat=bool(v["is_repeat"]),
        )
        if c.is_repeat and not v["repeat_of"]:
            raise RowError("repeat_of", _("重复件须填写关联件编号"))
        c._repeat_of_number = v["repeat_of"] or ""
        if c.decline_reason and (replied or finding):
            raise RowError("decline_reason", _("不予受理的件不能有办理结果"))
        return c

    def check_batch(self, cleaned, rownums, ctx):
        from .models import Complaint

        errors, seen = [], {}
        numbers = {c.number for c in cleaned if c.number}
        for c, row in zip(cleaned, rownums):
            if c.number:
                if c.number in seen:
                    errors.append({"row": row, "column": str(_("受理编号")), "value": c.number,
                                   "message": str(_("与第%(r)d行编号重复") % {"r": seen[c.number]})})
                seen[c.number] = row
            ref = c._repeat_of_number
            if ref and ref not in numbers and not Complaint.objects.filter(number=ref).exists():
                errors.append({"row": row, "column": str(_("关联件编号")), "value": ref,
                               "message": str(_("找不到关联件编号"))})
        return errors

    def save_rows(self, cleaned, ctx):
        import secrets

        from envbureau.core import workflow as wf

        from . import deadlines, services, statistics
        from .choices import EventKind
        from .models import Complaint, DuplicateLink

        keys, by_number = set(), {}
        for c in cleaned:
            if c.decline_reason:
                c.state = "declined"
            else:
                c.accepted_at = c.received_at
                if c.replied_at:
                    c.state = "visited" if c.satisfaction else "replied"
                elif c.finding:
                    c.state = "investigated"
                elif c.assignee_unit:
                    c.state = "assigned"
                    c.unit = services.unit_named(c.assignee_unit)
                else:
                    c.state = "accepted"
            c.query_code = services.new_query_code()
            c.created_by = ctx.user if getattr(ctx.user, "pk", None) else None
            deadlines.compute(c)
            if c.replied_at and c.finish_due:
                c.on_time = deadlines.local_date(c.replied_at) <= c.finish_due
            temp = not c.number
            if temp:
                c.number = "tmp-" + secrets.token_hex(8)
            c.save()
            if temp:
                c.number = f"XF{deadlines.local_date(c.received_at):%Y%m%d}{c.pk:06d}"
                c.save(update_fields=["number"])  # audited, unlike queryset.update()
            check_created(ctx.user, c, "add")
            wf.record_event(c, ctx.user, EventKind.REGISTER, to_state=c.state, note=texts.sentence(gettext_noop("由登记台账导入")))
            wf.sync_tasks(c, ctx.user, notify=False)  # imported history: the open step waits, nobody is paged
            by_number[c.number] = c
            keys.add(statistics.key_of(c))
        for c in cleaned:
            if c._repeat_of_number:
                original = by_number.get(c._repeat_of_number) or Complaint.objects.get(number=c._repeat_of_number)
                DuplicateLink.objects.get_or_create(complaint=c, original=original, defaults={"state": "confirmed"})
                c.is_repeat, c.repeat_of = True, original
                c.save(update_fields=["is_repeat", "repeat_of"])
        statistics.refresh_keys(keys)
        return {"created": len(cleaned)}
