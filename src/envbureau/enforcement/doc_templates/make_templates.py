"""Writes the first Word templates of enforcement documents (run once; the .docx files are committed).
Usage: python src/envbureau/enforcement/doc_templates/make_templates.py"""

from pathlib import Path

from envbureau.core.documents.authoring import letter

HERE = Path(__file__).parent


def _signature_table(doc):
    """The signatures drawn on the phone, one row each: who, name, time and the picture itself."""
    t = doc.add_table(rows=1, cols=4)
    t.style = "Table Grid"
    for c, h in zip(t.rows[0].cells, ("签名人", "姓名", "签名时间", "签名")):
        c.text = h
    t.add_row().cells[0].text = "{%tr for s in signature_rows %}"
    row = t.add_row().cells
    for c, name in zip(row, ("role", "signer", "signed_at", "image")):
        c.text = "{{ s.%s }}" % name
    t.add_row().cells[0].text = "{%tr endfor %}"


TEMPLATES = {
    "inspection_record.docx": ("现场检查（勘察）笔录", [
        ("检查编号", "code"), ("被检查单位", "enterprise"), ("属地", "jurisdiction"), ("检查方式", "method"),
        ("检查来源", "source"), ("检查日期", "inspected_on"), ("执法人员", "team"), ("在场当事人", "party_present"),
        ("检查情况", "checklist"), ("检查发现", "findings"), ("在线监控数据", "monitoring"), ("检查结果", "result"),
        ("签名", "signatures")],
        "执法人员已出示执法证件。当事人核对无误后签名如下（未在现场签名的，在此手签）："),
    "case_filing.docx": ("立案审批表", [
        ("案件编号", "code"), ("当事人", "party"), ("统一社会信用代码", "credit_code"), ("案由", "cause"),
        ("案件来源", "source"), ("违法行为发生日期", "act_date"), ("涉嫌违反的规定", "legal_basis"),
        ("简要案情", "facts"), ("承办人", "handlers"), ("立案日期", "filed_on")],
        "承办人意见：建议立案调查。　　负责人审批：____________"),
    "penalty_decision.docx": ("行政处罚决定书", [
        ("当事人", "party"), ("统一社会信用代码", "credit_code"), ("住所", "address"), ("案件编号", "code"),
        ("违法事实及证据", "facts"), ("违反的规定", "violated"), ("处罚依据", "penalty_basis"),
        ("陈述申辩及听证情况", "statement"), ("自由裁量理由", "discretion"), ("处罚决定", "decision"),
        ("罚款金额（元）", "fine"), ("履行方式和期限", "payment"), ("救济途径和期限", "remedies")],
        "逾期不缴纳罚款的，每日按罚款数额的3%加处罚款，加处罚款的数额不超过罚款数额。"),
    "penalty_notice.docx": ("行政处罚事先（听证）告知书", [
        ("当事人", "party"), ("案件编号", "code"), ("违法事实", "facts"), ("违反的规定", "violated"),
        ("拟作出的行政处罚", "proposed"), ("处罚依据", "penalty_basis"), ("当事人的权利", "rights")],
        "当事人可在收到本告知书之日起五个工作日内提出陈述、申辩；符合条件的可要求举行听证。逾期视为放弃。"),
    "case_closing.docx": ("结案审批表", [
        ("案件编号", "code"), ("当事人", "party"), ("案由", "cause"), ("立案日期", "filed_on"),
        ("处理结果", "outcome"), ("罚款金额（元）", "fine"), ("执行情况", "execution"), ("结案日期", "closed_on")],
        "承办人意见：案件已执行完毕，建议结案。　　负责人审批：____________"),
    "case_transfer.docx": ("案件移送书", [
        ("接收机关", "authority"), ("移送编号", "transfer_code"), ("当事人", "party"),
        ("统一社会信用代码", "credit_code"), ("住所", "address"), ("案件编号", "code"), ("案由", "cause"),
        ("违法事实及证据", "facts"), ("涉案人员", "persons"), ("移送类型", "transfer"), ("移送依据", "basis"),
        ("移送理由", "reason"), ("行政处罚决定", "penalty"), ("移送材料", "materials"), ("移送日期", "transferred_on")],
        "请依法审查，并将处理结果书面告知本机关。　　负责人审批：____________"),
    "correction_order.docx": ("责令改正违法行为决定书", [
        ("当事人", "party"), ("统一社会信用代码", "credit_code"), ("住所", "address"), ("决定编号", "code"),
        ("案件编号", "case_code"), ("违法事实及证据", "facts"), ("违反的规定", "violated"), ("依据", "basis"),
        ("改正要求", "content"), ("改正期限", "correct_by"), ("告知", "warning"), ("救济途径和期限", "remedies")]),
    "seizure_decision.docx": ("查封、扣押决定书", [
        ("当事人", "party"), ("住所", "address"), ("决定编号", "code"), ("案件编号", "case_code"),
        ("违法事实及证据", "facts"), ("依据", "basis"), ("查封、扣押的场所、设施或者财物", "content"),
        ("期限", "period"), ("延长情况", "extension"), ("救济途径和期限", "remedies")],
        "查封、扣押清单一式二份，由当事人和执法人员签名或者盖章。"),
    "seizure_disposal.docx": ("查封、扣押处理决定书", [
        ("当事人", "party"), ("统一社会信用代码", "credit_code"), ("住所", "address"), ("决定编号", "code"),
        ("案件编号", "case_code"), ("原查封、扣押决定", "seizure"), ("查封、扣押期限", "period"),
        ("违法事实及证据", "facts"), ("处理决定", "disposal"), ("处理依据", "disposal_basis"), ("处理理由", "reason"),
        ("处理决定日期", "disposed_on"), ("救济途径和期限", "remedies")],
        "移送公安机关的，查封、扣押的设施、设备及物品一并移交，并书面告知当事人。"),
    "production_decision.docx": ("责令限制生产、停产整治决定书", [
        ("当事人", "party"), ("住所", "address"), ("决定编号", "code"), ("案件编号", "case_code"), ("措施", "measure"),
        ("违法事实及证据", "facts"), ("依据", "basis"), ("要求", "content"), ("期限", "period"),
        ("整改方案", "plan"), ("当事人的权利", "rights"), ("救济途径和期限", "remedies")]),
    "measure_release.docx": ("解除决定书", [
        ("当事人", "party"), ("决定编号", "code"), ("措施", "measure"), ("原决定内容", "content"),
        ("原决定日期", "decided_on"), ("解除日期", "released_on"), ("解除理由", "reason")]),
    "daily_penalty.docx": ("按日连续处罚决定书", [
        ("当事人", "party"), ("统一社会信用代码", "credit_code"), ("住所", "address"), ("决定编号", "code"),
        ("原处罚决定", "original"), ("拒不改正的事实和证据", "facts"), ("依据", "basis"), ("计罚期间", "period"),
        ("计算过程", "calculation"), ("罚款金额（元）", "fine"), ("履行方式和期限", "payment"),
        ("救济途径和期限", "remedies")],
        "逾期不缴纳罚款的，每日按罚款数额的3%加处罚款，加处罚款的数额不超过罚款数额。"),
    "credit_repair_application.docx": ("企业环境信用修复申请书", [
        ("申请单位", "enterprise"), ("统一社会信用代码", "credit_code"), ("评价", "rating"), ("评价等级", "grade"),
        ("公布日期", "published_on"), ("申请日期", "applied_on"), ("整改措施及成效", "corrective_actions"),
        ("提交的修复材料", "materials"), ("申请单位经办人", "applicant")],
        "本单位承诺所提交材料真实、完整。　　申请单位（盖章）：____________"),
    "credit_repair_decision.docx": ("企业环境信用修复决定书", [
        ("申请单位", "enterprise"), ("评价", "rating"), ("申请日期", "applied_on"), ("决定", "decision"),
        ("理由", "reason"), ("决定日期", "decided_on"), ("公示", "publicity")]),
}

SIGNED = {"inspection_record.docx"}  # documents carrying the signatures drawn on the phone as pictures

if __name__ == "__main__":
    # Writes only the templates not there yet: the committed ones may have been edited since.
    for fname, (title, rows, *closing) in TEMPLATES.items():
        if not (HERE / fname).exists():
            letter(title, "", rows, closing[0] if closing else "",
                   extra=_signature_table if fname in SIGNED else None).save(HERE / fname)
            print(fname)
