"""Writes the first Word template of the street ranking notice (run once; the .docx is committed; the bureau
replaces it in 系统管理 › 文书模板). Usage: python src/envbureau/quality/doc_templates/make_templates.py"""

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

HERE = Path(__file__).parent
COLUMNS = (("排名", "rank"), ("街道(乡镇)", "street"), ("所属区县", "district"), ("{{ by_label }}", "value"),
           ("名次变化", "change"), ("同比变化率(%)", "yoy"), ("变化程度排名", "change_rank"))


def street_ranking():
    doc = Document()
    st = doc.styles["Normal"]
    st.font.name, st.font.size = "仿宋", Pt(14)
    st.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋")
    p = doc.add_paragraph()
    r = p.add_run("{{ city }}{{ period }}街道（乡镇）环境空气质量排名通报")
    r.bold, r.font.size = True, Pt(20)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph("{{ number }}").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph("{{ basis }}")
    doc.add_paragraph("一、排名情况")
    doc.add_paragraph("{{ ranking_text }}")
    doc.add_paragraph("二、变化程度排名")
    doc.add_paragraph("{{ change_text }}")
    doc.add_paragraph("三、有关要求")
    doc.add_paragraph("{{ callout_text }}")
    doc.add_paragraph("附件：{{ city }}{{ period }}街道（乡镇）环境空气质量排名表（{{ network }}）")
    t = doc.add_table(rows=4, cols=len(COLUMNS))
    t.style = "Table Grid"
    for i, (head, _k) in enumerate(COLUMNS):
        t.rows[0].cells[i].text = head
    t.rows[1].cells[0].text = "{%tr for r in rows %}"
    for i, (_h, key) in enumerate(COLUMNS):
        t.rows[2].cells[i].text = "{{ r.%s }}" % key
    t.rows[3].cells[0].text = "{%tr endfor %}"
    p = doc.add_paragraph("{{ signing_unit }}\n{{ issue_date }}")
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return doc


if __name__ == "__main__":
    street_ranking().save(HERE / "street_ranking.docx")
    print("street_ranking.docx")
