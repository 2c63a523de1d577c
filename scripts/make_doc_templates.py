"""Writes the first Word templates of the issued documents (run once; the .docx files are committed).

Usage: .venv/bin/python scripts/make_doc_templates.py
A bureau later edits the templates in Word and uploads them (系统管理 → 文书模板); placeholders are
{{ name }} (docxtpl). Fonts follow the usual layout of official documents (GB/T 9704): title 小标宋/黑体
二号, body 仿宋 三号; on Linux LibreOffice substitutes the installed Noto CJK fonts.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

ROOT = Path(__file__).resolve().parents[1] / "src" / "envbureau"
BODY_FONT, TITLE_FONT = "仿宋", "黑体"


def _font(run_or_style, name, size):
    f = run_or_style.font
    f.name = name
    f.size = Pt(size)
    rpr = run_or_style.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), name)
    # Simplified Chinese: a converter without the named font falls back to an SC face, not a JP one.
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:val"), "zh-CN")


def cn(text):
    """Full-width punctuation in Chinese text (placeholders contain none of these)."""
    return text.replace(",", "，").replace(":", "：").replace("(", "（").replace(")", "）")


def new_document():
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    _font(doc.styles["Normal"], BODY_FONT, 14)
    return doc


def para(doc, text, *, size=14, font=BODY_FONT, align=None, bold=False, space_after=4):
    p = doc.add_paragraph()
    r = p.add_run(cn(text))
    _font(r, font, size)
    r.bold = bold
    if align:
        p.alignment = align
    p.paragraph_format.space_after = Pt(space_after)
    return p


def header(doc, title):
    para(doc, "{{ signing_unit }}", size=22, font=TITLE_FONT, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6)
    para(doc, title, size=22, font=TITLE_FONT, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6)
    para(doc, "{{ number }}", size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)


def table(doc, rows):
    t = doc.add_table(rows=0, cols=2)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    for label, value in rows:
        cells = t.add_row().cells
        cells[0].width, cells[1].width = Mm(32), Mm(124)
        for cell, text, bold in ((cells[0], label, True), (cells[1], value, False)):
            cell.paragraphs[0].text = ""
            r = cell.paragraphs[0].add_run(cn(text))
            _font(r, BODY_FONT, 12)
            r.bold = bold
    t.columns[0].width, t.columns[1].width = Mm(32), Mm(124)
    return t


def signature(doc, extra=()):
    para(doc, "", space_after=12)
    for line in extra:
        para(doc, line, size=12)
    para(doc, "{{ signing_unit }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(doc, "{{ issue_date }}", align=WD_ALIGN_PARAGRAPH.RIGHT)


def assignment():
    doc = new_document()
    header(doc, "生态环境问题交办单")
    para(doc, "{{ lead_unit }}:")
    para(doc, "现将以下生态环境问题交你单位办理,请按要求组织整改,于整改时限前完成,"
              "并通过平台报送整改进展和佐证材料。")
    table(doc, [("问题编号", "{{ code }}"), ("问题来源", "{{ source }}"), ("批次", "{{ batch }}"),
                ("问题类型", "{{ category }}"), ("问题标题", "{{ title }}"), ("属地", "{{ jurisdiction }}"),
                ("位置", "{{ location }}"), ("涉及企业", "{{ enterprise }}"), ("问题描述", "{{ description }}"),
                ("牵头单位", "{{ lead_unit }}"), ("配合单位", "{{ co_units }}"),
                ("责任人", "{{ responsible_person }} {{ responsible_phone }}"), ("交办日期", "{{ received_on }}"),
                ("整改时限", "{{ deadline }}"), ("整改目标", "{{ target }}"), ("整改措施", "{{ measures }}")])
    signature(doc, ["经办人:{{ issued_by }}"])
    return doc


def report():
    doc = new_document()
    header(doc, "问题整改情况报告")
    table(doc, [("问题编号", "{{ code }}"), ("问题标题", "{{ title }}"), ("问题来源", "{{ source }}"),
                ("属地", "{{ jurisdiction }}"), ("责任单位", "{{ lead_unit }}"),
                ("责任人", "{{ responsible_person }} {{ responsible_phone }}"), ("整改时限", "{{ deadline }}"),
                ("整改目标", "{{ target }}"), ("整改措施", "{{ measures }}"), ("整改进展", "{{ progress }}"),
                ("当前状态", "{{ state }}"), ("验收情况", "{{ sign_offs }}"), ("销号日期", "{{ closed_out_on }}")])
    signature(doc, ["填报人:{{ issued_by }}"])
    return doc


def reply():
    doc = new_document()
    header(doc, "信访投诉答复意见书")
    para(doc, "{{ addressee }}:")
    para(doc, "你于{{ received_on }}反映的“{{ title }}”(受理编号 {{ complaint_number }})一事收悉。"
              "经调查核实,现答复如下:")
    table(doc, [("反映事项", "{{ content }}"), ("地址", "{{ location }}"), ("被反映对象", "{{ enterprise_name }}"),
                ("核实结论", "{{ finding }}"), ("调查核实情况", "{{ investigation }}"),
                ("处理措施", "{{ measures }}"), ("答复意见", "{{ reply_text }}")])
    para(doc, "如对本答复意见不服,可自收到本答复意见书之日起30日内,向本机关的上一级行政机关请求复查。", size=12)
    signature(doc)
    return doc


def main():
    out = [(assignment(), ROOT / "ledger" / "doc_templates" / "assignment.docx"),
           (report(), ROOT / "ledger" / "doc_templates" / "report.docx"),
           (reply(), ROOT / "complaints" / "doc_templates" / "reply.docx")]
    for doc, path in out:
        path.parent.mkdir(parents=True, exist_ok=True)
        doc.core_properties.author = "envbureau"
        doc.save(path)
        print("wrote", path)


if __name__ == "__main__":
    main()
