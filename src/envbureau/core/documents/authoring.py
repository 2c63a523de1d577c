"""Writing a module's first Word templates (run once by the module's doc_templates/make_templates.py; the
.docx files are committed and a bureau replaces them on the document-types page). One letter layout for
the plain 通知书/批复 shape: signing unit, title, 文号, salutation, one "label：{{ field }}" line per field,
closing text, signing unit and date — placeholders are docxtpl's {{ name }}."""

from __future__ import annotations

from pathlib import Path


def letter(title: str, opening: str, rows, closing: str = "", extra=None):
    """`opening`: the salutation line (none when empty); `extra(doc)`: more after the closing text (a table)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    st = doc.styles["Normal"]
    st.font.name, st.font.size = "仿宋", Pt(14)
    st.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋")
    p = doc.add_paragraph()
    r = p.add_run("{{ signing_unit }}")
    r.bold = True
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p = doc.add_paragraph()
    r = p.add_run(title)
    r.bold, r.font.size = True, Pt(22)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p = doc.add_paragraph("{{ number }}")
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if opening:
        doc.add_paragraph(opening)
    for label, name in rows:
        doc.add_paragraph(f"{label}：{{{{ {name} }}}}")
    if closing:
        doc.add_paragraph(closing)
    if extra is not None:
        extra(doc)
    for text in ("{{ signing_unit }}", "{{ issue_date }}"):
        doc.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return doc


def write_letters(templates: dict, folder: Path) -> None:
    """{file name: (title, opening, rows, closing)} → the .docx files in `folder`."""
    for fname, (title, opening, rows, closing) in templates.items():
        letter(title, opening, rows, closing).save(Path(folder) / fname)
        print(fname)
