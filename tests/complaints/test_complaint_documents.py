"""The complaint 答复意见书 (core.documents): issued by whoever may reply, readable like the complaint,
Chinese text in the PDF, the complainant's identity masked in the letter."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def _client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def investigated(make_complaint):
    def make(**kw):
        c = make_complaint()
        fields = dict(state="investigated", finding="substantiated", investigation="现场核查,夜间22时后仍在施工",
                      measures="责令停止夜间施工", reply_text="已责令施工单位停止夜间施工,并加强巡查。")
        fields.update(kw)
        for k, v in fields.items():
            setattr(c, k, v)
        c.save()
        return c

    return make


def test_reply_letter_pdf_has_chinese_text_and_a_masked_name(actors, investigated):
    from pypdf import PdfReader

    from envbureau.core.documents import issue

    c = investigated()
    doc = issue(actors["office"], c, "complaints.reply")
    assert doc.number.startswith("环信复〔") and doc.number.endswith("〕1号")
    assert doc.pdf, doc.pdf_error
    with doc.pdf.open("rb") as fh:
        text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(fh.read())).pages))
    for expected in ("信访投诉答复意见书", "张**", "夜间施工噪声", c.number, "属实", "已责令施工单位停止夜间施工"):
        assert expected in text, (expected, text[:300])
    assert "张三丰" not in text and "13812345678" not in text


def test_reply_needs_the_findings_and_the_reply_permission(actors, investigated):
    from envbureau.core.documents import issue

    c = investigated(reply_text="")
    with pytest.raises(ValidationError) as exc:
        issue(actors["office"], c, "complaints.reply", pdf=False)
    assert "答复意见" in exc.value.message_dict["reply_text"][0]
    c.reply_text = "已处理"
    c.save()
    # The Dongcheng officer handles but does not reply (no complaints.reply): no button, 403.
    page = _client(actors["officer"]).get(f"/complaints/{c.pk}/").content.decode()
    assert "签发答复意见书" not in page
    assert _client(actors["officer"]).post(f"/api/v1/complaints/complaints/{c.pk}/issue-document/",
                                           {"kind": "complaints.reply"},
                                           content_type="application/json").status_code in (403, 404)
    office = _client(actors["office"])
    assert "签发答复意见书" in office.get(f"/complaints/{c.pk}/").content.decode()
    r = office.post(f"/documents/issue/complaints.reply/{c.pk}/", follow=True)
    assert "已签发答复意见书" in r.content.decode()
    doc_id = office.get(f"/api/v1/complaints/complaints/{c.pk}/documents/").json()[0]["id"]
    # Readable like the complaint: the Dongcheng officer yes, a Chaoyang officer and an enterprise no.
    assert _client(actors["officer"]).get(f"/documents/{doc_id}/docx/").status_code == 200
    assert _client(actors["other_officer"]).get(f"/documents/{doc_id}/docx/").status_code == 404
    assert _client(actors["enterprise"]).get(f"/api/v1/core/documents/{doc_id}/pdf/").status_code == 404
