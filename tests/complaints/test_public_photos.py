"""Photos on the public complaint form: stored re-encoded without EXIF (no GPS position, no camera), at most
COMPLAINT_PHOTOS max_count files of at most max_bytes each, a bad file refusing the whole submission with a
message naming the file and nothing saved; staff read them with the complaint, others get 404."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from boundary import three
from envbureau.complaints.models import Complaint, ComplaintPhoto

pytestmark = pytest.mark.django_db


def jpeg_with_gps(name="现场.jpg", size=(64, 48)) -> SimpleUploadedFile:
    """A JPEG carrying EXIF: camera make and a GPS position (what a phone writes)."""
    from PIL import Image

    im = Image.new("RGB", size, (200, 80, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"                  # Make
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 0.0), 3: "E", 4: (116.0, 24.0, 0.0)}  # GPSInfo
    buf = io.BytesIO()
    im.save(buf, "JPEG", exif=exif)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def form(**extra):
    from envbureau.core.models import Jurisdiction

    return {"category": "solid_waste", "title": "建筑垃圾乱倒", "content": "空地上倾倒大量建筑垃圾",
            "location": "天坛东路", "jurisdiction": Jurisdiction.objects.get(code="110101009000").pk,
            "anonymous": "on", **extra}


def test_photos_are_stored_without_exif_and_shown_to_staff_only(demo_core, client_for):
    from PIL import Image

    raw = jpeg_with_gps()
    assert Image.open(io.BytesIO(raw.read())).getexif().get_ifd(0x8825), "the test photo carries a GPS position"
    raw.seek(0)
    r = Client(REMOTE_ADDR="203.0.113.20").post("/public/complaints/", form(photos=[raw, jpeg_with_gps("b.png")]))
    assert r.status_code == 200 and "查询码" in r.content.decode()
    c = Complaint.objects.get(channel="web")
    photos = list(c.photos.order_by("id"))
    assert [p.name for p in photos] == [f"{c.number}-照片1.jpg", f"{c.number}-照片2.jpg"]
    for p in photos:
        with p.file.open("rb") as fh:
            data = fh.read()
        im = Image.open(io.BytesIO(data))
        assert im.format == "JPEG" and im.size == (64, 48)
        assert not im.getexif() and b"PhoneMaker" not in data and b"Exif" not in data
    # staff of the complaint's area see it on the page and can open it; an officer of another district cannot
    petition = client_for("petition")
    page = petition.get(f"/complaints/{c.pk}/").content.decode()
    assert f"/complaints/photos/{photos[0].pk}/" in page
    got = petition.get(f"/complaints/photos/{photos[0].pk}/")
    assert got.status_code == 200 and got["Content-Type"] == "image/jpeg"
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User

    other = User.objects.create_user("xicheng_officer", password="x")
    RoleAssignment.objects.create(user=other, role=Role.objects.get(code="officer"),
                                  jurisdiction=Jurisdiction.objects.get(code="110102"))
    oc = Client()
    oc.force_login(other)
    assert oc.get(f"/complaints/photos/{photos[0].pk}/").status_code == 404
    assert Client().get(f"/complaints/photos/{photos[0].pk}/").status_code == 302  # anonymous → login


def test_count_size_and_type_are_bounded_with_clear_errors(demo_core, settings):
    settings.ENVBUREAU = {**settings.ENVBUREAU, "COMPLAINT_PHOTOS": {"max_count": 3, "max_bytes": 4000}}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"public_form": "100/hour"}}
    c = Client(REMOTE_ADDR="203.0.113.21")

    def accepted(k):
        before = Complaint.objects.count()
        r = c.post("/public/complaints/", form(photos=[jpeg_with_gps(f"p{i}.jpg") for i in range(k)]))
        ok = r.status_code == 200 and Complaint.objects.count() == before + 1
        if not ok:
            assert r.status_code == 400 and "最多上传 3 张照片(选择了 4 张)" in r.content.decode()
        return ok

    assert three(accepted, 3, 1) == (True, True, False)
    n_complaints, n_photos = Complaint.objects.count(), ComplaintPhoto.objects.count()
    from PIL import Image

    buf = io.BytesIO()
    Image.effect_noise((200, 200), 80).convert("RGB").save(buf, "JPEG", quality=95)
    assert len(buf.getvalue()) > 4000
    big = SimpleUploadedFile("大图.jpg", buf.getvalue(), content_type="image/jpeg")
    r = c.post("/public/complaints/", form(photos=[jpeg_with_gps("ok.jpg"), big]))
    assert r.status_code == 400 and "照片“大图.jpg”:文件超过 4 KB 上限" in r.content.decode()
    text = SimpleUploadedFile("说明.txt", "不是图片".encode(), content_type="image/jpeg")
    r = c.post("/public/complaints/", form(photos=[text]))
    assert r.status_code == 400 and "照片“说明.txt”:不是可识别的图片文件" in r.content.decode()
    # nothing half-written: neither the complaint nor the good photo of a refused submission
    assert (Complaint.objects.count(), ComplaintPhoto.objects.count()) == (n_complaints, n_photos)



def test_the_photo_position_is_used_only_with_consent(demo_core):
    """The EXIF position (39°54'N 116°24'E in jpeg_with_gps) becomes the complaint's place only when the citizen
    ticks the box and typed none; the stored file keeps no position either way."""
    c = Client(REMOTE_ADDR="203.0.113.22")
    assert c.post("/public/complaints/", form(photos=[jpeg_with_gps()])).status_code == 200
    without = Complaint.objects.get(channel="web")
    assert (without.lon, without.lat) == (None, None)
    assert c.post("/public/complaints/", form(photos=[jpeg_with_gps()], use_photo_location="on",
                                              title="又见建筑垃圾")).status_code == 200
    agreed = Complaint.objects.get(title="又见建筑垃圾")
    assert (agreed.lon, agreed.lat) == (116.4, 39.9)
    # a place typed on the form wins over the photo's
    assert c.post("/public/complaints/", form(photos=[jpeg_with_gps()], use_photo_location="on", lon="116.35",
                                              lat="39.95", title="第三次")).status_code == 200
    typed = Complaint.objects.get(title="第三次")
    assert (typed.lon, typed.lat) == (116.35, 39.95)
    for p in ComplaintPhoto.objects.all():
        with p.file.open("rb") as fh:
            assert b"Exif" not in fh.read()
