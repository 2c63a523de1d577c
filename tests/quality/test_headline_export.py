"""The headline page: a copy button, and the same sentences as a Word document."""

import io
import re


def test_headline_copy_button_and_word_export(client_for, beijing_slice):
    import docx

    c = client_for("leader")
    html = c.get("/quality/headline/?j=110101&year=2015&month=2").content.decode()
    assert 'id="eb-headline-copy"' in html and 'id="eb-headline-text"' in html
    assert re.search(r'id="eb-headline-docx" href="\?[^"]*export=docx"', html)
    r = c.get("/quality/headline/?j=110101&year=2015&month=2&export=docx")
    assert r.status_code == 200 and r["Content-Type"].endswith("wordprocessingml.document")
    doc = docx.Document(io.BytesIO(r.content))
    paras = [p.text for p in doc.paragraphs]
    assert paras[0].startswith("工作报告数据 · 东城区")
    body = html.split('id="eb-headline-text">')[1].split("</div>")[0]
    first = re.sub(r"<[^>]+>", "", body.split("</p>")[0]).strip()
    assert first and first == paras[1]  # the page's first sentence, word for word
    assert paras[-1].startswith("导出时间")
