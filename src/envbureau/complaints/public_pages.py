"""Public web pages: the complaint form (captcha-free, rate-limited per address) and status lookup."""

from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET

from envbureau.core import texts
from envbureau.core import workflow as wf
from envbureau.core.clientip import client_ip
from envbureau.core.throttling import throttle_wait

from . import photos, routing, services
from .forms import PublicComplaintForm
from .models import Complaint

app_name = "complaints_public"


def submit(request):
    form = PublicComplaintForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and not form.cleaned_data.get("website"):
            d = form.cleaned_data
            if d.get("use_photo_location") and d.get("lon") is None and d.get("lat") is None:
                # only with the citizen's consent: the first photo's EXIF position (the files keep none)
                found = next((g for g in getattr(d.get("photos"), "gps", [])
                              if g and 73 <= g[0] <= 136 and 3 <= g[1] <= 54), None)  # the form's bounds
                if found:
                    d["lon"], d["lat"] = found
            c = Complaint(channel="web", track="clue", category=d["category"], sub_category=d["sub_category"] or "",
                          title=d["title"], content=d["content"], location=d["location"], lon=d.get("lon"),
                          lat=d.get("lat"), jurisdiction=d["jurisdiction"], enterprise_name=d["enterprise_name"],
                          anonymous=bool(d["anonymous"]),
                          complainant_name="" if d["anonymous"] else d["complainant_name"],
                          complainant_phone="" if d["anonymous"] else d["complainant_phone"])
            try:
                with transaction.atomic():  # the complaint and its photos, or neither
                    c = services.submit_public(c, client_ip(request),  # the line reads per reader
                                              note=texts.sentence(gettext_noop("网上举报表单")))
                    photos.attach(c, d.get("photos") or [])
            except services.RateLimited as e:
                form.add_error(None, _("提交过于频繁,请约 %(m)d 分钟后再试") % {"m": max(1, e.wait_seconds // 60)})
                status = 429
            except Exception as e:  # ValidationError from routing/model validation
                from django.core.exceptions import ValidationError

                if not isinstance(e, ValidationError):
                    raise
                form.add_error(None, "; ".join(e.messages))
                status = 400
            else:
                return render(request, "complaints/public_done.html", {"title": _("举报已提交"), "c": c})
        else:
            status = 400
    return render(request, "complaints/public_form.html",
                  {"title": _("生态环境问题网上举报"), "form": form, "boundaries": routing.boundaries_configured(),
                   "district_ids": {j.name: j.pk for j in form.fields["jurisdiction"].queryset
                                    if j.level == "district"}},
                  status=status)


def status_page(request):
    number, code = request.GET.get("number", "").strip(), request.GET.get("code", "").strip()
    wait = throttle_wait(request) if number or code else None
    if wait:
        response = render(request, "complaints/public_status.html", {
            "title": _("举报办理进度查询"), "c": None, "number": number, "code": code, "searched": False,
            "throttled": _("查询过于频繁,请 %(s)d 秒后再试") % {"s": wait}}, status=429)
        response["Retry-After"] = str(wait)
        return response
    c = services.public_status(number, code) if number and code else None
    return render(request, "complaints/public_status.html", {
        "title": _("举报办理进度查询"), "c": c, "number": number, "code": code, "searched": bool(number),
        "events": [e for e in wf.timeline(c) if e["verb"] not in ("duplicate", "note", "spawn_problem", "problem")]
        if c else []})


@require_GET
def status_api(request):
    wait = throttle_wait(request)
    if wait:
        return JsonResponse({"error": {"status": 429, "code": "throttled",
                                       "message": _("查询过于频繁,请 %(s)d 秒后再试") % {"s": wait}}},
                            status=429, headers={"Retry-After": str(wait)})
    number, code = request.GET.get("number", ""), request.GET.get("code", "")
    c = services.public_status(number, code) if number and code else None
    if c is None:
        return JsonResponse({"error": {"status": 404, "code": "not_found", "message": _("编号或查询码不正确")}},
                            status=404)
    return JsonResponse({"number": c.number, "state": c.state, "state_label": c.get_state_display(),
                         "received_at": timezone.localtime(c.received_at).isoformat(), "accept_due": str(c.accept_due or ""),
                         "finish_due": str(c.finish_due or ""), "reply": c.reply_text,
                         "replied_at": timezone.localtime(c.replied_at).isoformat() if c.replied_at else None})


urlpatterns = [
    path("", submit, name="public-complaints-form"),
    path("status/", status_page, name="public-complaints-status-page"),
]
