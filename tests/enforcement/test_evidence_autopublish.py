"""Inspection photos and signatures (bounded, re-encoded without EXIF/GPS or text chunks, on the timeline,
scoped) and the automatic publication of inspection results and final penalty decisions after the configured
delay (working days on the 2026 calendar: day before/of/after)."""

import base64
import datetime as dt
import io
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image, PngImagePlugin

from boundary import DAY, three
from envbureau.core import workflow as wf
from envbureau.enforcement import autopublish, cases, evidence, services
from envbureau.enforcement.models import Case, Inspection, InspectionEvidence, LegalBasis


def _enf(settings, **kw):
    settings.ENVBUREAU = {**settings.ENVBUREAU, "ENFORCEMENT": {**settings.ENVBUREAU.get("ENFORCEMENT", {}), **kw}}


def _jpeg_with_exif(w=40, h=20):
    im = Image.new("RGB", (w, h), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x010F] = "TestCam"  # Make
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 0.0), 3: "E", 4: (116.0, 23.0, 0.0)}  # GPS IFD
    out = io.BytesIO()
    im.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _png(text=b"", w=300, h=120):
    im = Image.new("RGBA", (w, h), (255, 255, 255, 0))
    for x in range(w // 10, w // 2):
        im.putpixel((x, h // 2), (0, 0, 0, 255))
    info = PngImagePlugin.PngInfo()
    if text:
        info.add_text("Author", text.decode())
    out = io.BytesIO()
    im.save(out, "PNG", pnginfo=info)
    return out.getvalue()


@pytest.fixture
def insp(world):
    return services.create_inspection(None, source="complaint", enterprise_id=world["enterprises"][0].pk,
                                      enterprise_name="测试企业1", jurisdiction_id=world["enterprises"][0].jurisdiction_id,
                                      team=world["inspectors"][:2], items=world["items"], kind="case",
                                      planned_on=dt.date(2026, 10, 9))


def _record(i, on="2026-10-09"):
    services.record_inspection(None, i, checklist={str(n): ("ok", "") for n in range(len(i.checklist))},
                               result="no_problem", party_present="王经理", inspected_on=on)
    return Inspection.objects.get(pk=i.pk)


# ---- photos ---------------------------------------------------------------------------------------------

def test_photo_is_stored_upright_without_exif_and_on_the_timeline(insp):
    raw = _jpeg_with_exif()
    assert Image.open(io.BytesIO(raw)).getexif()  # the upload carries camera, orientation and GPS
    ev = evidence.add_photo(None, insp, SimpleUploadedFile("p.jpg", raw), caption="排放口")
    stored = ev.file.read()
    im = Image.open(io.BytesIO(stored))
    assert im.format == "JPEG" and not im.getexif() and b"Exif" not in stored and b"TestCam" not in stored
    assert (ev.width, ev.height) == (20, 40) == im.size  # the 90° orientation applied before the tag went
    import hashlib

    assert ev.sha256 == hashlib.sha256(stored).hexdigest() and ev.size == len(stored)
    line = [e for e in wf.timeline(insp) if e["verb"] == "photo"][-1]
    assert line["attachments"][0]["sha256"] == ev.sha256 and line["note"] == "排放口"
    assert line["verb_label"] == "上传现场照片"


def test_upload_bounds(insp, settings):
    def fits(n):
        try:
            evidence._read_bounded(io.BytesIO(b"x" * n), 100, "file")
            return True
        except ValidationError:
            return False

    assert three(fits, 100, 1) == (True, True, False)
    _enf(settings, photo_max_pixels=799, photos_per_inspection=2)
    with pytest.raises(ValidationError, match="超过上限 799 像素"):  # 40 × 20 = 800 pixels > 799
        evidence.add_photo(None, insp, SimpleUploadedFile("p.jpg", _jpeg_with_exif()))
    _enf(settings, photo_max_pixels=800, photos_per_inspection=2)
    evidence.add_photo(None, insp, SimpleUploadedFile("p.jpg", _jpeg_with_exif()))
    evidence.add_photo(None, insp, SimpleUploadedFile("p.png", _png(w=20, h=20)))
    with pytest.raises(ValidationError, match="最多 2 张"):
        evidence.add_photo(None, insp, SimpleUploadedFile("p.jpg", _jpeg_with_exif()))
    _enf(settings, photos_per_inspection=30)
    with pytest.raises(ValidationError, match="不是可识别的图片"):
        evidence.add_photo(None, insp, SimpleUploadedFile("p.jpg", b"%PDF-1.4 not an image"))
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, "GIF")
    with pytest.raises(ValidationError, match="不支持的图片格式 GIF"):
        evidence.add_photo(None, insp, SimpleUploadedFile("p.gif", gif.getvalue()))
    with pytest.raises(ValidationError, match="文件为空"):
        evidence.add_photo(None, insp, SimpleUploadedFile("p.jpg", b""))
    assert InspectionEvidence.objects.filter(inspection=insp).count() == 2


# ---- signatures -----------------------------------------------------------------------------------------

def test_signatures_of_inspector_and_party(insp, world):
    url = "data:image/png;base64," + base64.b64encode(_png(text=b"secret-device-id")).decode()
    party = evidence.add_signature(None, insp, role="party", image=url, signer="王经理")
    stored = party.file.read()
    assert Image.open(io.BytesIO(stored)).format == "PNG" and b"secret-device-id" not in stored
    member = world["inspectors"][0]
    sig = evidence.add_signature(None, insp, role="inspector", image=url, inspector=member.pk)
    assert (sig.kind, sig.signer, sig.inspector) == ("sign_inspector", member.name, member)
    with pytest.raises(ValidationError, match="本次检查的执法人员"):
        evidence.add_signature(None, insp, role="inspector", image=url, inspector=world["inspectors"][4].pk)
    with pytest.raises(ValidationError, match="当事人姓名"):
        evidence.add_signature(None, insp, role="party", image=url, signer=" ")
    with pytest.raises(ValidationError, match="PNG"):
        evidence.add_signature(None, insp, role="party", image="data:image/jpeg;base64,AAAA", signer="王")
    with pytest.raises(ValidationError, match="base64"):
        evidence.add_signature(None, insp, role="party", image="data:image/png;base64,@@@@", signer="王")
    recorded = _record(insp)
    from envbureau.enforcement.documents import inspection_context

    text = inspection_context(recorded)["signatures"]
    assert "当事人签名:王经理" in text and f"执法人员签名:{member.name}" in text
    verbs = [e["verb"] for e in wf.timeline(recorded)]
    assert verbs.count("sign") == 2


def test_signatures_are_pictures_inside_the_word_record(insp, world):
    """The issued 笔录 .docx holds each drawn signature as a picture: open the package, find the media parts,
    compare their pixels with the stored signatures, and find the signers' rows of the signature table."""
    import zipfile

    from docx import Document

    from envbureau.core.documents import issue

    party_png, insp_png = _png(w=300, h=120), _png(w=200, h=80)
    party = evidence.add_signature(None, insp, role="party", image=party_png, signer="王经理")
    member = world["inspectors"][1]
    mine = evidence.add_signature(None, insp, role="inspector", image=insp_png, inspector=member.pk)
    doc = issue(None, _record(insp), "enforcement.inspection_record", pdf=False)
    data = doc.docx.read()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        media = [z.read(n) for n in z.namelist() if n.startswith("word/media/")]
        body = z.read("word/document.xml").decode()
    assert len(media) == 2 and body.count("<pic:pic") == 2  # two inline pictures in the body
    sizes = sorted(Image.open(io.BytesIO(m)).size for m in media)
    assert sizes == [(200, 80), (300, 120)]
    pixels = {Image.open(io.BytesIO(m)).convert("RGBA").tobytes() for m in media}
    for ev in (party, mine):
        assert Image.open(io.BytesIO(ev.file.read())).convert("RGBA").tobytes() in pixels
    rows = [[c.text for c in r.cells] for t in Document(io.BytesIO(data)).tables for r in t.rows]
    assert ["当事人签名", "王经理"] == rows[1][:2] and ["执法人员签名", member.name] == rows[2][:2]
    assert doc.values["signature_rows"][0]["image"] == "[图片]"  # the stored values keep no bytes


def test_record_without_signatures_has_an_empty_signature_table(insp):
    from envbureau.core.documents import issue

    doc = issue(None, _record(insp), "enforcement.inspection_record", pdf=False)
    import zipfile

    with zipfile.ZipFile(io.BytesIO(doc.docx.read())) as z:
        assert not [n for n in z.namelist() if n.startswith("word/media/")]


def test_no_evidence_after_publication_or_without_the_right(insp, world, user_named):
    with pytest.raises(PermissionDenied):
        evidence.add_photo(user_named("dongcheng"), insp, SimpleUploadedFile("p.jpg", _jpeg_with_exif()))
    i = _record(insp)
    wf.apply(None, i, "publish")
    with pytest.raises(ValidationError, match="不能再上传"):
        evidence.add_photo(None, Inspection.objects.get(pk=i.pk), SimpleUploadedFile("p.jpg", _jpeg_with_exif()))


def test_enterprise_sees_evidence_only_once_the_visit_is_recorded(insp, world):
    from django.contrib.auth import get_user_model

    from envbureau.core.models import Role, RoleAssignment
    from envbureau.core.scoping import restrict

    ev = evidence.add_photo(None, insp, SimpleUploadedFile("p.jpg", _jpeg_with_exif()))
    u = get_user_model().objects.create(username="ent_photo")
    RoleAssignment.objects.create(user=u, role=Role.objects.get(code="enterprise"), enterprise_id=insp.enterprise_id)
    assert not restrict(InspectionEvidence.objects.all(), u, "view").exists()  # a planned check stays secret
    _record(insp)
    assert list(restrict(InspectionEvidence.objects.all(), u, "view")) == [ev]


def test_pages_and_api(insp, client_for):
    c = client_for("admin")
    r = c.post(f"/enforcement/inspections/{insp.pk}/photos/", {"file": SimpleUploadedFile("p.jpg", _jpeg_with_exif()),
                                                                "caption": "厂区"})
    assert r.status_code == 302 and InspectionEvidence.objects.filter(inspection=insp, caption="厂区").exists()
    ev = InspectionEvidence.objects.get(inspection=insp)
    page = c.get(f"/enforcement/inspections/{insp.pk}/").content.decode()
    assert f"/enforcement/evidence/{ev.pk}/" in page and "eb-sign-pad" in page
    got = c.get(f"/enforcement/evidence/{ev.pk}/")
    assert got.status_code == 200 and got["Content-Type"] == "image/jpeg"
    api = f"/api/v1/enforcement/inspections/{insp.pk}/"
    r = c.post(api + "signatures/", {"role": "party", "signer": "王经理",
                                     "image": base64.b64encode(_png()).decode()}, content_type="application/json")
    assert r.status_code == 201 and r.json()["kind"] == "sign_party"
    r = c.post(api + "photos/", {"file": SimpleUploadedFile("x.jpg", b"nope")})
    assert r.status_code == 400 and "file" in r.json()["error"]["fields"]
    assert [e["kind"] for e in c.get(api + "evidence/").json()] == ["photo", "sign_party"]


# ---- automatic publication ------------------------------------------------------------------------------

def test_inspection_result_published_five_working_days_after_the_visit(insp):
    i = _record(insp, on="2026-10-09")
    # Fri 10-09; working days after: Sat 10-10 (worked), Mon 10-12, 10-13, 10-14, Thu 10-15
    assert autopublish.inspection_ready_on(i) == dt.date(2026, 10, 15)
    assert three(lambda d: i.code in autopublish.run(d, dry_run=True)["inspections"], dt.date(2026, 10, 15), DAY) \
        == (False, True, True)
    out = StringIO()
    call_command("enforcement_autopublish", "--date", "2026-10-14", stdout=out)
    assert Inspection.objects.get(pk=i.pk).state == "recorded"
    call_command("enforcement_autopublish", "--date", "2026-10-15", stdout=out)
    i = Inspection.objects.get(pk=i.pk)
    assert i.state == "published" and i.published_at is not None and "已公开检查结果 1 条" in out.getvalue()
    assert autopublish.run(dt.date(2026, 10, 16)) == {"inspections": [], "penalties": [], "seizures": []}  # once only


def test_inspection_published_by_its_due_date_when_the_delay_is_longer(insp, settings):
    _enf(settings, auto_publish_inspection_working_days=60)
    i = _record(insp, on="2026-10-09")
    assert autopublish.inspection_ready_on(i) == i.publish_due  # 20 working days: the legal limit wins
    _enf(settings, auto_publish_inspection_working_days=None)
    assert autopublish.inspection_ready_on(i) is None
    assert autopublish.run(dt.date(2027, 1, 1)) == {"inspections": [], "penalties": [], "seizures": []}


@pytest.fixture
def decided(world):
    LegalBasis.objects.create(provision="sign", instrument="排污许可管理条例", article="第三十六条",
                              effective_from=dt.date(2021, 3, 1), fine_min=20000, fine_max=200000)
    c = cases.open_case(None, enterprise_id=world["enterprises"][0].pk, cause="案由", provision="sign",
                        act_date="2026-06-01", filed_on="2026-07-01", handlers=world["inspectors"][:2])
    for verb, kw in (("investigate", {}), ("submit_review", {"note": "终结"}),
                     ("notify", {"outcome": "punish", "fine": "50000", "notified_on": "2026-08-03"}),
                     ("decide", {"decided_on": "2026-09-10"})):
        wf.apply(None, c, verb, **kw)
    return Case.objects.get(pk=c.pk)


def test_penalty_published_once_final(decided):
    assert autopublish.penalty_ready_on(decided) is None  # decided, not yet served: not final
    assert autopublish.run(dt.date(2026, 12, 31), dry_run=True)["penalties"] == []
    wf.apply(None, decided, "serve", served_on="2026-09-11")
    c = Case.objects.get(pk=decided.pk)
    # served Fri 09-11; five working days: 09-14 … Fri 09-18
    assert autopublish.penalty_ready_on(c) == dt.date(2026, 9, 18)
    assert three(lambda d: c.code in autopublish.run(d, dry_run=True)["penalties"], dt.date(2026, 9, 18), DAY) \
        == (False, True, True)
    assert autopublish.run(dt.date(2026, 9, 18))["penalties"] == [c.code]
    c = Case.objects.get(pk=c.pk)
    assert c.published and c.published_on == dt.date(2026, 9, 18)
    assert c.publish_until == dt.date(2029, 9, 18)


def test_penalty_served_after_its_publication_due_is_published_on_service(decided):
    wf.apply(None, decided, "serve", served_on="2026-12-01")  # long after the 20 working days
    assert autopublish.penalty_ready_on(Case.objects.get(pk=decided.pk)) == dt.date(2026, 12, 1)


def test_no_penalty_is_never_published(world, decided):
    spared = cases.open_case(None, enterprise_id=world["enterprises"][1].pk, cause="b", provision="sign",
                             act_date="2026-06-01", filed_on="2026-07-01", handlers=world["inspectors"][:2])
    wf.apply(None, spared, "investigate")
    wf.apply(None, spared, "submit_review", note="终结")
    wf.apply(None, spared, "no_penalty", outcome="minor_no_penalty", decided_on="2026-07-20", note="轻微")
    assert autopublish.penalty_ready_on(Case.objects.get(pk=spared.pk)) is None


def test_a_signature_taken_on_an_english_page_reads_in_each_readers_language(insp):
    """The timeline's 签名 line names the kind of signature per reader (the signer as written); the stored file
    name is Chinese whoever signed."""
    from django.utils import translation

    url = "data:image/png;base64," + base64.b64encode(_png()).decode()
    with translation.override("en"):
        party = evidence.add_signature(None, insp, role="party", image=url, signer="王经理")
    assert party.name == f"{insp.code}-当事人签名-王经理.png"

    def line():
        return [e["note"] for e in wf.timeline(insp) if e["verb"] == "sign"]

    with translation.override("zh-hans"):
        assert line() == ["当事人签名:王经理"]
    with translation.override("en"):
        assert line() == ["Party's signature: 王经理"]
