"""Writes the first Word template of the projects app (run once; the .docx is committed): the 一口一档 dossier of
one river outfall. A bureau later edits it in Word and uploads it (系统管理 → 文书模板).
Usage: python src/envbureau/projects/doc_templates/make_templates.py"""

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

HERE = Path(__file__).parent


def _rows_table(doc, heads, loop, names):
    """A table with one row per item of `loop` (docxtpl {%tr %} rows)."""
    t = doc.add_table(rows=1, cols=len(heads))
    t.style = "Table Grid"
    for c, h in zip(t.rows[0].cells, heads):
        c.text = h
    t.add_row().cells[0].text = "{%%tr for r in %s %%}" % loop
    for c, name in zip(t.add_row().cells, names):
        c.text = "{{ r.%s }}" % name
    t.add_row().cells[0].text = "{%tr endfor %}"


def _heading(doc, text):
    p = doc.add_paragraph()
    r = p.add_run(text)
    r.bold, r.font.size = True, Pt(15)


def dossier():
    doc = Document()
    st = doc.styles["Normal"]
    st.font.name, st.font.size = "仿宋", Pt(12)
    st.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋")
    for text, size in (("{{ signing_unit }}", 14), ("入河排污口“一口一档”", 22)):
        p = doc.add_paragraph()
        r = p.add_run(text)
        r.bold, r.font.size = True, Pt(size)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p = doc.add_paragraph("{{ number }}")
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _heading(doc, "一、基本信息")
    t = doc.add_table(rows=0, cols=2)
    t.style = "Table Grid"
    for label, name in (("排口编码", "code"), ("排口名称", "name"), ("排口类型", "outfall_type"),
                        ("属地", "jurisdiction"), ("位置(经度, 纬度)", "position"), ("流域", "basin"),
                        ("受纳水体", "receiving_water"), ("对应断面", "section"), ("受纳水体目标类别", "target_class"),
                        ("责任主体", "responsible_unit"), ("设置手续", "permit"), ("排查批次", "survey_batch"),
                        ("当前状态", "state"), ("本步时限", "step_due")):
        cells = t.add_row().cells
        cells[0].text, cells[1].text = label, "{{ %s }}" % name
    _heading(doc, "二、监测(测)")
    _rows_table(doc, ("采样日期", "晴天出水", "监测值", "水质类别", "达到目标", "超目标项目(倍数)"), "sample_rows",
                ("sampled_on", "dry_weather", "measured", "water_class", "compliant", "exceeding"))
    _heading(doc, "三、溯源(溯)")
    doc.add_paragraph("溯源结果:{{ trace_result }}")
    _heading(doc, "四、整治(治)")
    for label, name in (("整治方式", "outcome"), ("合并至排口", "merged_into"), ("整治措施", "measures"),
                        ("销号日期", "closed_out_on")):
        doc.add_paragraph(f"{label}:{{{{ {name} }}}}")
    _heading(doc, "五、办理记录(查、测、溯、治)")
    _rows_table(doc, ("时间", "环节", "经办", "说明"), "step_rows", ("time", "step", "actor", "note"))
    _heading(doc, "六、现场照片")
    _rows_table(doc, ("照片", "说明"), "photo_rows", ("image", "caption"))
    p = doc.add_paragraph("{{ signing_unit }}\n{{ issue_date }}")
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return doc


if __name__ == "__main__":
    d = dossier()
    d.core_properties.author = "envbureau"
    d.save(HERE / "outfall_dossier.docx")
    print("wrote", HERE / "outfall_dossier.docx")
