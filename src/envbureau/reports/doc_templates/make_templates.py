"""Writes the first Word templates of the reports (run once; the .docx files are committed; the bureau
replaces them under 系统管理 → 文书模板). Usage: python src/envbureau/reports/doc_templates/make_templates.py

Tables repeat a row with docxtpl's `{%tr for r in rows %}` … `{%tr endfor %}`; charts are `{{ chart_x }}`
placeholders that the report fills with a picture."""

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

HERE = Path(__file__).parent


def _doc():
    doc = Document()
    st = doc.styles["Normal"]
    st.font.name, st.font.size = "仿宋", Pt(12)
    st.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋")
    p = doc.add_paragraph()
    r = p.add_run("{{ title }}")
    r.bold, r.font.size = True, Pt(20)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p = doc.add_paragraph("{{ signing_unit }}　　{{ number }}")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return doc


def _heading(doc, text):
    p = doc.add_paragraph()
    r = p.add_run(text)
    r.bold = True
    r.font.name = "黑体"
    r.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "黑体")


def _table(doc, header, cells, total=None):
    """Header row, the repeated row (between the {%tr %} rows), and an optional fixed last row."""
    t = doc.add_table(rows=1, cols=len(header))
    t.style = "Table Grid"
    for c, h in zip(t.rows[0].cells, header):
        c.text = h
    row = t.add_row().cells
    row[0].text = "{%tr for r in rows %}"
    row = t.add_row().cells
    for c, name in zip(row, cells):
        c.text = "{{ r.%s }}" % name
    row = t.add_row().cells
    row[0].text = "{%tr endfor %}"
    if total:
        row = t.add_row().cells
        for c, name in zip(row, cells):
            c.text = "{{ %s.%s }}" % (total, name)
    return t


def _closing(doc):
    p = doc.add_paragraph("{{ signing_unit }}\n{{ issue_date }}")
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def air_bulletin():
    doc = _doc()
    _heading(doc, "一、总体状况")
    doc.add_paragraph("{{ summary }}")
    doc.add_paragraph("{{ pollutants }}")
    doc.add_paragraph("{{ exceedance }}")
    doc.add_paragraph("{{ chart_pollutants }}")
    doc.add_paragraph("{%p if rows %}")
    _heading(doc, "二、各{{ unit_word }}环境空气质量状况")
    doc.add_paragraph("{{ units_intro }}")
    doc.add_paragraph("表1 {{ period_label }}各{{ unit_word }}环境空气质量综合排名")
    _table(doc, ["排名", "名称", "PM2.5浓度(μg/m³)", "PM2.5同比(%)", "优良天数比率(%)", "优良率同比(百分点)", "综合指数",
                 "综合指数同比(%)", "有效天数"],
           ["rank", "name", "pm25", "pm25_yoy", "good_ratio", "good_ratio_yoy", "ci", "ci_yoy", "valid_days"], "total")
    doc.add_paragraph("{{ chart_levels }}")
    _heading(doc, "三、需重点关注的{{ unit_word }}")
    doc.add_paragraph("{{ callouts }}")
    doc.add_paragraph("{%p endif %}")
    _heading(doc, "说明")
    doc.add_paragraph("{{ notes }}")
    _closing(doc)
    return doc


TEMPLATES = {"air_bulletin.docx": air_bulletin}

if __name__ == "__main__":
    for name, make in TEMPLATES.items():
        make().save(HERE / name)
        print("wrote", HERE / name)
