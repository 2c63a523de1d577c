"""Materials an enterprise uploads to its EIA application or emergency plan (申报材料, 补正材料, 预案文本):
only to its own records (the object's scope, action `apply`), bounded in size, type and number, hashed,
audited (the model is), and each upload a line on the object's timeline."""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from envbureau.core import texts
from envbureau.core import workflow as wf
from envbureau.core.scoping import can, get_scoped_object

from . import config
from .models import EIAApplication, EmergencyPlan, Material

OWNERS = {"eia": EIAApplication, "plan": EmergencyPlan}


def may_upload(user, obj) -> bool:
    return user is not None and (can(user, obj, "apply") or can(user, obj, "change"))


def check_file(f) -> None:
    """The bounds, each named: a file too large, of a type not accepted, or empty."""
    name = (getattr(f, "name", "") or "").rsplit("/", 1)[-1]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in config.get("material_extensions"):
        raise ValidationError({"file": _("不接受的文件类型:%(n)s(可上传 %(a)s)") % {
            "n": name, "a": "、".join(config.get("material_extensions"))}})
    limit = int(config.get("material_max_bytes"))
    size = getattr(f, "size", None)
    if size is None or size <= 0:
        raise ValidationError({"file": _("文件为空:%(n)s") % {"n": name}})
    if size > limit:
        raise ValidationError({"file": _("文件 %(n)s 为 %(s)s 字节,超过上限 %(l)s 字节") % {
            "n": name, "s": size, "l": limit}})


@transaction.atomic
def upload(user, kind: str, pk, f, title: str = "") -> Material:
    """Store `f` against the enterprise's own EIA application (`kind` "eia") or plan ("plan")."""
    if kind not in OWNERS:
        raise ValidationError({"kind": _("不支持的对象:%(k)s") % {"k": kind}})
    obj = get_scoped_object(OWNERS[kind].objects.select_for_update(), user, "view", pk=pk)
    if not may_upload(user, obj):
        raise PermissionDenied(_("您不能为该记录上传材料"))
    if f is None:
        raise ValidationError({"file": _("请选择文件")})
    check_file(f)
    if obj.materials.count() >= int(config.get("material_max_files")):
        raise ValidationError({"file": _("每项最多上传 %(n)s 个文件") % {"n": config.get("material_max_files")}})
    name = (getattr(f, "name", "") or "file").rsplit("/", 1)[-1][:200]
    h = hashlib.sha256()
    f.seek(0)
    for chunk in f.chunks():
        h.update(chunk)
    f.seek(0)
    m = Material(enterprise_id=obj.enterprise_id, jurisdiction=obj.jurisdiction, title=(title or name).strip()[:200],
                 name=name, size=f.size, sha256=h.hexdigest(), uploaded_by=user, **{kind: obj})
    m.file.save(name, f, save=False)
    m.save()
    ev = wf.record_event(obj, user, "material", note=texts.sentence(gettext_noop("上传材料:%(t)s"), t=m.title))
    ev.attachments = [{"id": m.pk, "name": m.name, "size": m.size, "sha256": m.sha256,
                       "url": reverse("approvals:material", args=[m.pk])}]
    ev.save(update_fields=["attachments"])
    return m
