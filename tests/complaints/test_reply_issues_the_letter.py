"""A transition that declares a document issues it (core.workflow.apply + core.documents): replying to a
complaint issues the 答复意见书 inside the step, linked on the reply's own timeline line, numbered without
gaps; a required field still empty refuses the reply, naming the field, and takes no number."""

import io

import pytest
from django.core.exceptions import ValidationError

from envbureau.complaints import services
from envbureau.core import workflow as wf


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def _investigated(make_complaint, actors, investigation="现场核查,夜间22时后仍在施工"):
    c = make_complaint()
    services.accept(actors["office"], c)
    services.assign(actors["office"], c, services.unit_named("东城区住建委"))
    services.investigate(actors["officer"], c, "substantiated", investigation)
    return c


def test_every_declared_document_is_a_kind_of_that_workflows_model():
    from envbureau.core.documents.registry import get_kind

    declared = [(w.model, t.verb, t.document) for w in wf.all_workflows() for t in w.transitions if t.document]
    assert ("complaints.complaint", "reply", "complaints.reply") in declared
    for model, verb, code in declared:
        kind = get_kind(code)
        assert kind is not None and kind.model == model, (model, verb, code)


def test_replying_issues_the_letter_on_the_reply_line(actors, make_complaint, django_capture_on_commit_callbacks):
    from docx import Document

    from envbureau.core.documents.models import IssuedDocument
    from envbureau.core.models import TimelineEvent

    c = _investigated(make_complaint, actors)
    with django_capture_on_commit_callbacks(execute=True):
        services.reply(actors["office"], c, "已责令施工单位停止夜间施工。", "phone")
    c.refresh_from_db()
    assert c.state == "replied"
    doc = IssuedDocument.objects.get(object_model="complaints.complaint", object_id=c.pk)
    assert doc.number.startswith("环信复〔") and doc.number.endswith("〕1号")
    assert doc.doc_type.code == "complaints.reply" and doc.issued_by == actors["office"]
    with doc.docx.open("rb") as fh:
        text = "".join(p.text for p in Document(io.BytesIO(fh.read())).paragraphs)
        text += "".join(cell.text for t in Document(io.BytesIO(doc.docx.open("rb").read())).tables
                        for row in t.rows for cell in row.cells)
    assert "已责令施工单位停止夜间施工。" in text and c.number in text  # filled from the step's own data
    assert doc.pdf, doc.pdf_error  # made once the step was committed
    lines = TimelineEvent.objects.filter(model="complaints.complaint", object_id=str(c.pk))
    reply = lines.get(verb="reply")
    assert [d["number"] for d in reply.documents] == [doc.number]
    assert reply.data["document_id"] == doc.pk  # the step's line names the document, as a document's own line does
    assert not lines.filter(verb="document").exists()  # one line for the step, not two
    shown = [e for e in wf.timeline(c) if e["verb"] == "reply"][0]
    assert shown["documents"][0]["title"] == "答复意见书"


def test_a_missing_required_field_refuses_the_reply_and_takes_no_number(actors, make_complaint):
    from envbureau.complaints.models import Complaint
    from envbureau.core.documents.models import IssuedDocument

    c = _investigated(make_complaint, actors)
    Complaint.objects.filter(pk=c.pk).update(investigation="")  # 调查核实情况 is required in the letter
    c.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.reply(actors["office"], c, "已处理", "phone")
    assert "investigation" in exc.value.message_dict
    c.refresh_from_db()
    assert c.state == "investigated" and not IssuedDocument.objects.exists()
    Complaint.objects.filter(pk=c.pk).update(investigation="已核实")
    c.refresh_from_db()
    services.reply(actors["office"], c, "已处理", "phone")
    assert IssuedDocument.objects.get().number.endswith("〕1号")  # the refused step gave its number back
    assert not IssuedDocument.objects.get().pdf  # the PDF only once the step is committed, not inside it


def test_the_reply_line_links_its_letter_and_the_pdf_of_that_letter_waits_for_the_commit(
        actors, make_complaint, monkeypatch, django_capture_on_commit_callbacks):
    """The step's own line links the letter (no second "document" line), names it in its data, the letter is
    issued by whoever replied, and its PDF is asked for once the step is committed (the converter is replaced
    here: LibreOffice takes seconds; test_replying_issues_the_letter_on_the_reply_line renders it for real)."""
    from envbureau.core.documents import services as documents
    from envbureau.core.documents.models import IssuedDocument
    from envbureau.core.models import TimelineEvent

    made = []
    monkeypatch.setattr(documents, "make_pdf", lambda doc: made.append(doc.pk) or True)
    c = _investigated(make_complaint, actors)
    with django_capture_on_commit_callbacks(execute=False) as pending:
        services.reply(actors["office"], c, "已责令施工单位停止夜间施工。", "phone")
    doc = IssuedDocument.objects.get(object_model="complaints.complaint", object_id=c.pk)
    assert made == []  # not inside the step
    for run in pending:
        run()
    assert made == [doc.pk]
    assert doc.issued_by == actors["office"]
    lines = TimelineEvent.objects.filter(model="complaints.complaint", object_id=str(c.pk))
    reply = lines.get(verb="reply")
    assert reply.documents == [{"id": doc.pk, "title": "答复意见书", "number": doc.number,
                                "url": f"/documents/{doc.pk}/docx/", "pdf_url": f"/documents/{doc.pk}/pdf/"}]
    assert reply.data["document_id"] == doc.pk
    assert not lines.filter(verb="document").exists()
