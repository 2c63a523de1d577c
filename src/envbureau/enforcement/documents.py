"""Documents enforcement issues through the kit (core.documents)."""

from __future__ import annotations

from pathlib import Path

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from envbureau.core.documents import DocumentKind, Field, register

TEMPLATES = Path(__file__).with_name("doc_templates")


def _cn_date(d) -> str:
    from envbureau.core.documents.services import cn_date

    return cn_date(d)


def inspection_context(i) -> dict:
    rows = i.checklist_rows()
    return {
        "code": i.code, "enterprise": i.enterprise_name, "jurisdiction": i.jurisdiction.name,
        "method": i.get_method_display(), "source": i.get_source_display(),
        "inspected_on": _cn_date(i.inspected_on), "team": "、".join(f"{m.name}(执法证号 {m.badge_no})"
                                                                    for m in i.team.all()),
        # an off-site check (data, video, phone) may have no one present; an on-site 笔录 must name who was
        "party_present": i.party_present or ("非现场检查,无在场当事人" if i.method == "offsite" else ""),
        "checklist": "\n".join(f"{n}. {r['point']}:{r['result_label']}{(' ' + r['note']) if r.get('note') else ''}"
                               for n, r in enumerate(rows, 1)),
        "findings": i.findings, "result": i.get_result_display() if i.result else "",
        "monitoring": _monitoring(i),
        "signatures": _signatures(i),
        "signature_rows": _signature_rows(i),
    }


def _monitoring(i) -> str:
    from .evidence import monitoring_text

    return monitoring_text(i)


def _signatures(i) -> str:
    from .evidence import signatures_text

    return signatures_text(i)


def _signature_rows(i) -> list[dict]:
    from .evidence import signature_rows

    return signature_rows(i)


INSPECTION_RECORD = register(DocumentKind(
    code="enforcement.inspection_record", label=_("现场检查(勘察)笔录"), model="enforcement.inspection",
    permission="enforcement.inspect",
    fields=(Field("code", _("检查编号"), True), Field("enterprise", _("被检查单位"), True),
            Field("jurisdiction", _("属地"), True), Field("method", _("检查方式")), Field("source", _("检查来源")),
            Field("inspected_on", _("检查日期"), True), Field("team", _("执法人员"), True),
            Field("party_present", _("在场当事人"), True), Field("checklist", _("检查情况"), True),
            Field("findings", _("检查发现")), Field("result", _("检查结果"), True),
            Field("monitoring", _("在线监控数据")), Field("signatures", _("签名")), Field("signature_rows", _("签名图片"))),
    context=inspection_context, template=TEMPLATES / "inspection_record.docx", number_prefix="环检录",
    detail_url=lambda i: reverse("enforcement:inspections-detail", args=[i.pk]),
    description=_("一次执法检查的现场检查(勘察)笔录"),
))


def _yuan(v) -> str:
    return "" if v is None else f"{v:,.2f}"


def filing_context(case) -> dict:
    return {"code": case.code, "party": case.party, "credit_code": case.credit_code, "cause": case.cause,
            "source": case.source or (case.inspection.code if case.inspection_id else ""),
            "act_date": _cn_date(case.act_date), "legal_basis": str(case.legal_basis or ""), "facts": case.facts,
            "handlers": "、".join(h.name for h in case.handlers.all()), "filed_on": _cn_date(case.filed_on)}


def decision_context(case) -> dict:
    from decimal import Decimal

    from . import config, discretion

    basis = case.legal_basis
    fine_ok = (case.fine is not None and basis is not None and discretion.in_range(
        case.fine, basis.fine_min, basis.fine_max, reduced=case.outcome == "reduced") is None)
    rate = config.get("surcharge_rate") * Decimal(100)
    return {
        "party": case.party, "credit_code": case.credit_code, "address": case.address, "code": case.code,
        "facts": case.facts, "violated": str(basis or ""), "penalty_basis": str(basis or ""),
        "statement": case.statement or ("当事人在法定期限内未提出陈述申辩" if case.notified_on else ""),
        "discretion": case.discretion_text,
        "decision": f"{case.get_outcome_display()}:罚款人民币 {_yuan(case.fine)} 元" if fine_ok else "",
        "fine": _yuan(case.fine) if fine_ok else "",  # out of the article's range: the decision cannot issue
        "payment": f"自收到本决定书之日起{config.get('payment_days')}日内缴至指定银行;逾期每日按罚款数额的{rate:.0f}%加处罚款",
        "remedies": "如不服本决定,可在收到本决定书之日起六十日内申请行政复议,或者六个月内依法提起行政诉讼",
    }


def _case_url(case) -> str:
    return reverse("enforcement:cases-detail", args=[case.pk])


CASE_FILING = register(DocumentKind(
    code="enforcement.case_filing", label=_("立案审批表"), model="enforcement.case", permission="enforcement.case",
    fields=(Field("code", _("案件编号"), True), Field("party", _("当事人"), True), Field("credit_code", _("统一社会信用代码")),
            Field("cause", _("案由"), True), Field("source", _("案件来源")), Field("act_date", _("违法行为发生日期"), True),
            Field("legal_basis", _("涉嫌违反的规定"), True), Field("facts", _("简要案情"), True),
            Field("handlers", _("承办人"), True), Field("filed_on", _("立案日期"), True)),
    context=filing_context, template=TEMPLATES / "case_filing.docx", number_prefix="环立", detail_url=_case_url,
    description=_("立案审批"),
    internal=True))

PENALTY_DECISION = register(DocumentKind(
    code="enforcement.penalty_decision", label=_("行政处罚决定书"), model="enforcement.case",
    permission="enforcement.decide",
    fields=(Field("party", _("当事人"), True), Field("credit_code", _("统一社会信用代码")), Field("address", _("住所"), True),
            Field("code", _("案件编号"), True), Field("facts", _("违法事实及证据"), True),
            Field("violated", _("违反的规定"), True), Field("penalty_basis", _("处罚依据"), True),
            Field("statement", _("陈述申辩及听证情况"), True), Field("discretion", _("自由裁量理由"), True),
            Field("decision", _("处罚决定"), True), Field("fine", _("罚款金额"), True),
            Field("payment", _("履行方式和期限"), True), Field("remedies", _("救济途径和期限"), True)),
    context=decision_context, template=TEMPLATES / "penalty_decision.docx", number_prefix="环罚",
    detail_url=_case_url, description=_("行政处罚法第五十九条规定的决定书"),
))


def notice_context(case) -> dict:
    rights = "陈述、申辩" + ("、要求举行听证" if case.hearing_right else "") if case.notified_on else ""
    proposed = f"{case.get_outcome_display()}:罚款人民币 {_yuan(case.fine)} 元" if case.fine is not None else ""
    return {"party": case.party, "code": case.code, "facts": case.facts, "violated": str(case.legal_basis or ""),
            "proposed": proposed, "penalty_basis": str(case.legal_basis or ""), "rights": rights}


def closing_context(case) -> dict:
    if case.outcome in ("first_no_penalty", "minor_no_penalty", "not_established"):
        execution = "不予处罚,已对当事人进行教育" if case.outcome != "not_established" else "违法事实不成立"
    elif case.paid_on:
        execution = f"已于{_cn_date(case.paid_on)}缴纳罚款" + (f",加处罚款 {_yuan(case.surcharge)} 元"
                                                            if case.surcharge else "")
    else:
        execution = ""
    return {"code": case.code, "party": case.party, "cause": case.cause, "filed_on": _cn_date(case.filed_on),
            "outcome": case.get_outcome_display() if case.outcome else "",
            "fine": _yuan(case.fine) if case.fine is not None else "0.00", "execution": execution,
            "closed_on": _cn_date(case.closed_on)}


PENALTY_NOTICE = register(DocumentKind(
    code="enforcement.penalty_notice", label=_("行政处罚事先(听证)告知书"), model="enforcement.case",
    permission="enforcement.review",
    fields=(Field("party", _("当事人"), True), Field("code", _("案件编号"), True), Field("facts", _("违法事实及证据"), True),
            Field("violated", _("违反的规定"), True), Field("proposed", _("拟作出的行政处罚"), True),
            Field("penalty_basis", _("处罚依据"), True), Field("rights", _("当事人的权利"), True)),
    context=notice_context, template=TEMPLATES / "penalty_notice.docx", number_prefix="环罚告",
    detail_url=_case_url, description=_("行政处罚法第四十四条规定的事先告知"),
))

CASE_CLOSING = register(DocumentKind(
    code="enforcement.case_closing", label=_("结案审批表"), model="enforcement.case", permission="enforcement.decide",
    fields=(Field("code", _("案件编号"), True), Field("party", _("当事人"), True), Field("cause", _("案由"), True),
            Field("filed_on", _("立案日期"), True), Field("outcome", _("处理结果"), True), Field("fine", _("罚款金额")),
            Field("execution", _("执行情况"), True), Field("closed_on", _("结案日期"), True)),
    context=closing_context, template=TEMPLATES / "case_closing.docx", number_prefix="环结", detail_url=_case_url,
    description=_("结案审批"),
    internal=True))


TRANSFER_MATERIALS = {  # what goes with the transfer (移送行政拘留暂行办法 art. 12; 国务院令第310号 art. 6)
    "detention": "案件移送材料清单、案件移送书、案件调查报告、涉案证据材料、涉案物品清单、行政处罚决定书及其他有关材料",
    "crime": "涉嫌犯罪案件移送书、涉嫌犯罪案件情况的调查报告、涉案物品清单、有关检验报告或者鉴定意见及其他有关涉嫌犯罪的材料",
}


def transfer_context(t) -> dict:
    """案件移送书 of one transfer to the police for detention or as a suspected crime (环境保护法 art. 63; 国务院令第310号):
    the case, the kind and its basis, the receiving authority, the persons concerned, the penalty decision (or that
    none was made yet), the materials and the date of the transfer decision."""
    from . import config

    case = t.case
    if case.decided_on and case.fine is not None:
        penalty = f"{case.code}(决定日期 {_cn_date(case.decided_on)},罚款人民币 {_yuan(case.fine)} 元),随案移送"
    else:
        penalty = "尚未作出行政处罚决定"
    return {"party": case.party, "credit_code": case.credit_code, "address": case.address, "code": case.code,
            "transfer_code": t.code, "cause": case.cause, "facts": case.facts,
            "transfer": texts_zh(t, "kind"), "basis": config.get("transfer_bases", t.jurisdiction).get(t.kind, ""),
            "authority": t.authority, "persons": "、".join(p.strip() for p in t.persons.splitlines() if p.strip()),
            "reason": t.reason, "materials": TRANSFER_MATERIALS.get(t.kind, ""), "penalty": penalty,
            "transferred_on": _cn_date(t.transferred_on)}


def texts_zh(obj, field) -> str:
    from envbureau.core.texts import zh_display

    return str(zh_display(obj, field))


def _transfer_url(t) -> str:
    return reverse("enforcement:transfers-detail", args=[t.pk])


CASE_TRANSFER = register(DocumentKind(
    code="enforcement.case_transfer", label=_("案件移送书"), model="enforcement.transfer", permission="enforcement.decide",
    fields=(Field("party", _("当事人"), True), Field("credit_code", _("统一社会信用代码")), Field("address", _("住所")),
            Field("code", _("案件编号"), True), Field("transfer_code", _("移送编号"), True),
            Field("cause", _("案由"), True), Field("facts", _("违法事实及证据"), True),
            Field("transfer", _("移送类型"), True), Field("basis", _("移送依据"), True),
            Field("authority", _("接收机关"), True), Field("persons", _("涉案人员")), Field("reason", _("移送理由")),
            Field("penalty", _("行政处罚决定"), True), Field("materials", _("移送材料"), True),
            Field("transferred_on", _("移送日期"), True)),
    context=transfer_context, template=TEMPLATES / "case_transfer.docx", number_prefix="环移",
    detail_url=_transfer_url, description=_("移送公安机关行政拘留或涉嫌犯罪案件"),
    internal=True))


# ---- orders, coercive measures, the daily penalty (MEP Orders No. 28–30 of 2014) ----------------------

REMEDIES = "如不服本决定,可在收到本决定书之日起六十日内申请行政复议,或者六个月内依法提起行政诉讼"


def _measure_url(m) -> str:
    return reverse("enforcement:measures-detail", args=[m.pk])


def _of(*kinds):
    return {"applies": lambda m: m.kind in kinds}


def _measure_common(m) -> dict:
    case = m.case
    return {"party": m.party, "credit_code": case.credit_code, "address": case.address, "code": m.code,
            "case_code": case.code, "facts": m.reason, "violated": str(case.legal_basis or ""), "basis": m.basis,
            "content": m.content, "remedies": REMEDIES}


def correction_context(m) -> dict:
    immediate = m.correct_by is not None and m.correct_by == m.decided_on
    return {**_measure_common(m),
            "correct_by": ("立即改正" if immediate else f"于{_cn_date(m.correct_by)}前改正") if m.correct_by else "",
            "warning": "拒不改正的,依法实施按日连续处罚;本机关将在送达之日起三十日内组织复查"}


def seizure_context(m) -> dict:
    from .measures import describe_period

    return {**_measure_common(m), "period": describe_period(m),
            "extension": f"经批准延长 {m.extended_days} 日" if m.extended_days else "未延长"}


def release_context(m) -> dict:
    return {"party": m.party, "code": m.code, "measure": m.get_kind_display(), "content": m.content,
            "decided_on": _cn_date(m.decided_on), "released_on": _cn_date(m.released_on),
            "reason": m.release_reason}


def disposal_context(m) -> dict:
    """处理决定 on a seizure within its term (行政强制法 art. 27; Order No. 29 art. 22): what is done with the
    sealed or seized facilities, on what basis and why; empty until the 处理决定 step is taken."""
    from . import config

    done = bool(m.disposal and m.disposed_on)
    seizure = (f"{m.code}(决定日期 {_cn_date(m.decided_on)},{m.get_kind_display()}:{m.content})"
               if done else "")
    return {**_measure_common(m), "seizure": seizure, "period": seizure_context(m)["period"] if done else "",
            "disposal": m.get_disposal_display() if done else "",
            "disposal_basis": config.get("disposal_bases").get(m.disposal, "") if done else "",
            "reason": m.disposal_reason if done else "", "disposed_on": _cn_date(m.disposed_on) if done else ""}


def _rights(m) -> str:
    """What the decision says of the rights notice given before it (Order No. 30 art. 11); "" = not given."""
    if not m.notified_on:
        return ""
    told = f"本机关已于{_cn_date(m.notified_on)}告知当事人陈述、申辩和要求举行听证的权利"
    if m.rights_waived:
        return told + ",当事人明确放弃"
    if m.hearing_held_on:
        return told + f",当事人的陈述、申辩或听证已于{_cn_date(m.hearing_held_on)}办结"
    return told + ",当事人在期限内未提出"


def production_context(m) -> dict:
    from .measures import describe_period

    return {**_measure_common(m), "measure": m.get_kind_display(), "period": describe_period(m),
            "rights": _rights(m),
            "plan": "自收到本决定书之日起十五个工作日内将整改方案报本机关备案并向社会公开"}


def daily_context(m) -> dict:
    from .measures import describe_period

    case = m.case
    original = (f"{case.code}(决定日期 {_cn_date(case.decided_on)},罚款人民币 {_yuan(case.fine)} 元)"
                if case.decided_on and case.fine is not None else "")
    return {**_measure_common(m), "original": original, "period": describe_period(m),
            "calculation": m.calculation, "fine": _yuan(m.fine) if m.fine is not None else "",
            "payment": "自收到本决定书之日起15日内缴至指定银行"}


def _measure_kind(code, label, fields, context, template, prefix, kinds, description, permission="enforcement.decide"):
    return register(DocumentKind(code=code, label=label, model="enforcement.measure", permission=permission,
                                 fields=fields, context=context, template=TEMPLATES / template, number_prefix=prefix,
                                 detail_url=_measure_url, description=description, extra=_of(*kinds)))


F = Field
CORRECTION_ORDER = _measure_kind(
    "enforcement.correction_order", _("责令改正违法行为决定书"),
    (F("party", _("当事人"), True), F("credit_code", _("统一社会信用代码")), F("address", _("住所"), True),
     F("code", _("决定编号"), True), F("case_code", _("案件编号"), True), F("facts", _("违法事实及证据"), True),
     F("violated", _("违反的规定"), True), F("basis", _("责令改正依据"), True), F("content", _("改正要求"), True),
     F("correct_by", _("改正期限"), True), F("warning", _("按日连续处罚告知"), True),
     F("remedies", _("救济途径和期限"), True)),
    correction_context, "correction_order.docx", "环责改", ("correction",), _("责令立即改正并告知按日连续处罚"))
SEIZURE_DECISION = _measure_kind(
    "enforcement.seizure_decision", _("查封、扣押决定书"),
    (F("party", _("当事人"), True), F("address", _("住所"), True), F("code", _("决定编号"), True),
     F("case_code", _("案件编号"), True), F("facts", _("违法事实及证据"), True), F("basis", _("查封、扣押依据"), True),
     F("content", _("查封、扣押的场所、设施或者财物"), True), F("period", _("查封、扣押期限"), True),
     F("extension", _("延长情况")), F("remedies", _("救济途径和期限"), True)),
    seizure_context, "seizure_decision.docx", "环查封", ("seizure",), _("查封、扣押决定(期限三十日,可延长一次)"))
LIMIT_DECISION = _measure_kind(
    "enforcement.production_decision", _("责令限制生产、停产整治决定书"),
    (F("party", _("当事人"), True), F("address", _("住所"), True), F("code", _("决定编号"), True),
     F("case_code", _("案件编号"), True), F("measure", _("措施"), True), F("facts", _("违法事实及证据"), True),
     F("basis", _("依据"), True), F("content", _("限制生产、停产整治要求"), True), F("period", _("期限"), True),
     F("plan", _("整改方案报备"), True), F("rights", _("当事人的权利"), True), F("remedies", _("救济途径和期限"), True)),
    production_context, "production_decision.docx", "环限停", ("limit", "stop"), _("责令限制生产或停产整治"))
RELEASE_DECISION = _measure_kind(
    "enforcement.measure_release", _("解除决定书"),
    (F("party", _("当事人"), True), F("code", _("决定编号"), True), F("measure", _("措施"), True),
     F("content", _("原决定内容"), True), F("decided_on", _("原决定日期"), True), F("released_on", _("解除日期"), True),
     F("reason", _("解除理由"), True)),
    release_context, "measure_release.docx", "环解除", ("seizure", "limit", "stop"),
    _("解除查封扣押、限制生产或停产整治"))
DISPOSAL_DECISION = register(DocumentKind(
    code="enforcement.seizure_disposal", label=_("查封、扣押处理决定书"), model="enforcement.measure",
    permission="enforcement.decide",
    fields=(F("party", _("当事人"), True), F("credit_code", _("统一社会信用代码")), F("address", _("住所"), True),
            F("code", _("决定编号"), True), F("case_code", _("案件编号"), True),
            F("seizure", _("原查封、扣押决定"), True), F("period", _("查封、扣押期限"), True),
            F("facts", _("违法事实及证据"), True), F("disposal", _("处理决定"), True),
            F("disposal_basis", _("处理依据"), True), F("reason", _("处理理由"), True),
            F("disposed_on", _("处理决定日期"), True), F("remedies", _("救济途径和期限"), True)),
    context=disposal_context, template=TEMPLATES / "seizure_disposal.docx", number_prefix="环查处",
    detail_url=_measure_url, description=_("查封、扣押期限内作出的处理决定(移送公安机关、没收或销毁)"),
    extra={"applies": lambda m: m.kind == "seizure" and bool(m.disposal)}))
DAILY_DECISION = _measure_kind(
    "enforcement.daily_penalty", _("按日连续处罚决定书"),
    (F("party", _("当事人"), True), F("credit_code", _("统一社会信用代码")), F("address", _("住所"), True),
     F("code", _("决定编号"), True), F("original", _("原处罚决定"), True), F("facts", _("拒不改正的事实和证据"), True),
     F("basis", _("按日连续处罚依据"), True), F("period", _("计罚期间"), True), F("calculation", _("计算过程"), True),
     F("fine", _("罚款金额"), True), F("payment", _("履行方式和期限"), True), F("remedies", _("救济途径和期限"), True)),
    daily_context, "daily_penalty.docx", "环按日罚", ("daily",), _("原罚款数额按日连续处罚"))


# ---- credit repair (信用修复, local practice [1S]) ---------------------------------------------------------

def _repair_url(r) -> str:
    return reverse("enforcement:repairs-detail", args=[r.pk])


def repair_application_context(r) -> dict:
    from .choices import Grade

    rating = r.rating
    return {"enterprise": r.enterprise_name, "credit_code": _credit_code(r.enterprise_id),
            "rating": f"{rating.year}年度企业环境信用评价", "grade": Grade(r.grade_before).label,
            "published_on": _cn_date(rating.published_on), "applied_on": _cn_date(r.applied_on),
            "corrective_actions": r.corrective_actions, "materials": _repair_materials(r), "applicant": r.applicant}


def _repair_materials(r) -> str:
    """The documents handed in (by their configured names, in Chinese as the document is) and any other material."""
    from . import config

    names = config.get("credit_repair_documents")
    listed = "、".join(str(names.get(k, k)) for k in r.documents or [])
    return ";".join(x for x in (listed, r.materials) if x)


def _credit_code(enterprise_id) -> str:
    from .models import PoolEnterprise

    return PoolEnterprise.objects.filter(enterprise_id=enterprise_id).values_list("credit_code", flat=True).first() or ""


def repair_decision_context(r) -> dict:
    from .choices import Grade

    if r.state in ("publicity", "approved", "objected"):
        decision = f"准予信用修复,信用等级由{Grade(r.grade_before).label}调整为{Grade(r.grade_after).label}"
    elif r.state == "refused":
        decision = "不予信用修复"
    else:
        decision = ""
    return {"enterprise": r.enterprise_name, "rating": f"{r.rating.year}年度企业环境信用评价",
            "applied_on": _cn_date(r.applied_on), "decision": decision, "reason": r.decision_note,
            "decided_on": _cn_date(r.decided_on),
            "publicity": (f"在门户网站公示至{_cn_date(r.publicity_until)},公示期满无异议的,次日起生效"
                          if r.publicity_until else "—")}


register(DocumentKind(
    code="enforcement.credit_repair_application", label=_("企业环境信用修复申请书"), model="enforcement.creditrepair",
    permission="enforcement.rate",
    fields=(Field("enterprise", _("申请单位"), True), Field("credit_code", _("统一社会信用代码")),
            Field("rating", _("评价"), True), Field("grade", _("评价等级"), True),
            Field("published_on", _("公布日期"), True), Field("applied_on", _("申请日期"), True),
            Field("corrective_actions", _("整改措施及成效"), True), Field("materials", _("提交的修复材料"), True),
            Field("applicant", _("申请单位经办人"), True)),
    context=repair_application_context, template=TEMPLATES / "credit_repair_application.docx",
    number_prefix="环信修申", detail_url=_repair_url, description=_("企业申请提升一级信用等级")))

register(DocumentKind(
    code="enforcement.credit_repair_decision", label=_("企业环境信用修复决定书"), model="enforcement.creditrepair",
    permission="enforcement.rate",
    fields=(Field("enterprise", _("申请单位"), True), Field("rating", _("评价"), True),
            Field("applied_on", _("申请日期"), True), Field("decision", _("决定"), True),
            Field("reason", _("理由"), True), Field("decided_on", _("决定日期"), True), Field("publicity", _("公示"))),
    context=repair_decision_context, template=TEMPLATES / "credit_repair_decision.docx",
    number_prefix="环信修决", detail_url=_repair_url, description=_("准予或不予信用修复"),
    extra={"applies": lambda r: r.state != "applied"}))
