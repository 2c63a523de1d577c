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


def _table(doc, header, cells, total=None, var="rows"):
    """Header row, the repeated row (between the {%tr %} rows), and an optional fixed last row."""
    t = doc.add_table(rows=1, cols=len(header))
    t.style = "Table Grid"
    for c, h in zip(t.rows[0].cells, header):
        c.text = h
    row = t.add_row().cells
    row[0].text = "{%%tr for r in %s %%}" % var
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
    doc.add_paragraph("{%p if stations %}")
    _heading(doc, "各监测站点环境空气质量状况")
    doc.add_paragraph("表2 {{ period_label }}各监测站点环境空气质量")
    _table(doc, ["排名", "站点", "级别", "所在区划", "PM2.5浓度(μg/m³)", "PM2.5同比(%)", "PM10浓度(μg/m³)",
                 "优良天数比率(%)", "优良率同比(百分点)", "综合指数", "综合指数同比(%)", "有效天数"],
           ["rank", "name", "level", "district", "pm25", "pm25_yoy", "pm10", "good_ratio", "good_ratio_yoy", "ci",
            "ci_yoy", "valid_days"], var="stations")
    doc.add_paragraph("{%p endif %}")
    _heading(doc, "说明")
    doc.add_paragraph("{{ notes }}")
    _closing(doc)
    return doc


def water_report():
    doc = _doc()
    _heading(doc, "一、监测情况")
    doc.add_paragraph("{{ monitoring }}")
    _heading(doc, "二、总体状况")
    doc.add_paragraph("{{ overall }}")
    doc.add_paragraph("{{ failing }}")
    doc.add_paragraph("{{ chart_classes }}")
    _heading(doc, "三、各断面水质")
    doc.add_paragraph("表1 {{ period_label }}各断面水质监测结果")
    _table(doc, ["断面名称", "所属河流", "断面级别", "水质目标", "实测水质类别", "上年同期类别", "同比水质变化", "是否达标",
                 "主要污染指标"], ["name", "river", "level", "target", "class", "last_year", "change", "meets", "pollutants"])
    doc.add_paragraph("{%p if drinking %}")
    _heading(doc, "四、集中式饮用水水源地")
    doc.add_paragraph("{{ drinking }}")
    doc.add_paragraph("{%p endif %}")
    _heading(doc, "说明")
    doc.add_paragraph("{{ notes }}")
    _closing(doc)
    return doc


def ranking_notice():
    doc = _doc()
    doc.add_paragraph("{{ opening }}")
    _heading(doc, "一、排名情况")
    doc.add_paragraph("{{ order }}")
    doc.add_paragraph("{{ ends }}")
    _heading(doc, "二、变化程度排名")
    doc.add_paragraph("{{ change }}")
    doc.add_paragraph("{%p if measures %}")
    _heading(doc, "三、奖惩措施")
    doc.add_paragraph("{{ measures }}")
    doc.add_paragraph("{%p endif %}")
    _closing(doc)
    _heading(doc, "附件 {{ period_label }}各{{ unit_word }}环境空气质量排名表")
    _table(doc, ["综合排名", "名称", "综合指数", "综合指数变化率(%)", "变化程度排名", "PM2.5浓度(μg/m³)", "优良天数比率(%)"],
           ["rank", "name", "ci", "ci_yoy", "change_rank", "pm25", "good_ratio"])
    _heading(doc, "说明")
    doc.add_paragraph("{{ notes }}")
    return doc


def rectification():
    doc = _doc()
    _heading(doc, "一、总体情况")
    doc.add_paragraph("{{ overall }}")
    doc.add_paragraph("{{ schedule }}")
    doc.add_paragraph("{{ this_period }}")
    cols = ["问题数", "完成整改", "完成率(%)", "已销号", "销号率(%)", "逾期"]
    names = ["name", "total", "done", "done_rate", "closed", "closure_rate", "overdue"]
    _heading(doc, "二、按问题来源")
    _table(doc, ["问题来源", *cols], names, var="by_source")
    _heading(doc, "三、各区进展")
    _table(doc, ["属地", *cols], names, var="by_district")
    doc.add_paragraph("{{ chart_districts }}")
    _heading(doc, "四、督察批次")
    _table(doc, ["批次", *cols], names, var="by_batch")
    _heading(doc, "说明")
    doc.add_paragraph("{{ notes }}")
    _closing(doc)
    return doc


def complaint_analysis():
    doc = _doc()
    _heading(doc, "一、总体情况")
    doc.add_paragraph("{{ overall }}")
    cols = ["收件数", "占比", "同比", "办结数", "办结率"]
    names = ["name", "received", "share", "yoy", "completed", "completion_rate"]
    _heading(doc, "二、举报渠道")
    _table(doc, ["渠道", *cols], names, var="by_channel")
    _heading(doc, "三、污染类型")
    _table(doc, ["污染类型", *cols], names, var="by_category")
    doc.add_paragraph("{{ chart_categories }}")
    _heading(doc, "四、各区情况")
    _table(doc, ["属地", *cols], names, var="by_district")
    _heading(doc, "五、督察交办信访件")
    doc.add_paragraph("{{ oversight }}")
    _heading(doc, "说明")
    doc.add_paragraph("{{ notes }}")
    _closing(doc)
    return doc


def work_summary():
    doc = _doc()
    _heading(doc, "一、环境质量")
    doc.add_paragraph("{{ quality }}")
    _heading(doc, "二、污染源监管与执法")
    doc.add_paragraph("{{ enforcement }}")
    _heading(doc, "三、督察整改与信访")
    doc.add_paragraph("{{ loops }}")
    doc.add_paragraph("{{ notes }}")
    _closing(doc)
    return doc


TEMPLATES = {"work_summary.docx": work_summary, "complaint_analysis.docx": complaint_analysis, "air_bulletin.docx": air_bulletin, "water_report.docx": water_report, "ranking_notice.docx": ranking_notice,
             "rectification.docx": rectification}

if __name__ == "__main__":
    import sys

    for name, make in TEMPLATES.items():
        if len(sys.argv) > 1 and name not in sys.argv[1:]:
            continue  # only the named ones (a rewrite changes the bytes of an unchanged template)
        make().save(HERE / name)
        print("wrote", HERE / name)
