"""Pages of the waste module. Every query is scoped; every change goes through services / the workflow."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from envbureau.core import workflow as wf
from envbureau.core.excel import xlsx_response
from envbureau.core.permissions import has_perm
from envbureau.core.scoping import get_scoped_object, may_view_module, restrict

from . import services, stats
from .forms import ApplicationForm, ManifestForm
from .models import Alert, CrossProvinceApplication, Declaration, Manifest, Operator, Producer, Transporter


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return ";".join(m for msgs in exc.message_dict.values() for m in msgs)
    return ";".join(exc.messages)


@login_required
def index(request):
    return redirect("waste:manifests-list")


def _actions_context(request, obj) -> dict:
    return {"actions": wf.allowed(request.user, obj)}


def manifest_extra(request, obj) -> dict:
    r = obj.reconcile()
    return {**_actions_context(request, obj), "tolerance": r.tolerance, "action_url": "waste:manifest-action"}


def declaration_extra(request, obj) -> dict:
    return {**_actions_context(request, obj), "action_url": "waste:declaration-action"}


def alert_extra(request, obj) -> dict:
    return {**_actions_context(request, obj), "action_url": "waste:alert-action"}


@login_required
@require_http_methods(["GET", "POST"])
def manifest_add(request):
    if not has_perm(request.user, "waste.ship"):
        raise PermissionDenied
    form = ManifestForm(request.POST or None)
    form.fields["producer"].queryset = restrict(Producer.objects.all(), request.user, "view")
    form.fields["receiver"].queryset = restrict(Operator.objects.all(), request.user, "view") \
        if services.enterprise_ids(request.user) is None else Operator.objects.all()
    form.fields["transporter"].queryset = Transporter.objects.all()
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            m = services.create_manifest(request.user, producer=d["producer"], receiver=d["receiver"],
                                         transporter=d["transporter"], waste_code=d["waste_code"],
                                         waste_name=d["waste_name"], hazard=d["hazard"], sent_tonnes=d["sent_tonnes"],
                                         created_on=d["created_on"])
            messages.success(request, _("已填报转移联单 %(n)s") % {"n": m.number})
            return redirect("waste:manifests-detail", pk=m.pk)
        except PermissionDenied:
            form.add_error(None, _("超出您的权限范围"))
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
    return render(request, "waste/form.html", {"form": form, "title": _("填报转移联单")},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def application_add(request):
    """The producer applies for a cross-province transfer (its own enterprise's producer; any listed receiver)."""
    if not has_perm(request.user, "waste.ship"):
        raise PermissionDenied
    form = ApplicationForm(request.POST or None)
    form.fields["producer"].queryset = restrict(Producer.objects.all(), request.user, "view")
    form.fields["receiver"].queryset = Operator.objects.all()
    if request.method == "POST" and form.is_valid():
        try:
            a = services.create_application(request.user, form.save(commit=False))
            messages.success(request, _("已提交跨省转移申请"))
            return redirect("waste:applications-detail", pk=a.pk)
        except PermissionDenied:
            form.add_error(None, _("超出您的权限范围"))
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
    return render(request, "waste/form.html", {"form": form, "title": _("提出跨省转移申请")},
                  status=400 if request.method == "POST" else 200)


def application_extra(request, obj) -> dict:
    return {**_actions_context(request, obj), "action_url": "waste:application-action", "show_documents": True}


@login_required
@require_POST
def application_action(request, pk, verb):
    fields = {"accept": ("accepted_on",), "resubmit": ("submitted_on",), "consult": ("letter_on",),
              "record_reply": ("agreed", "reply_on"), "approve": ("number", "decided_on"),
              "refuse": ("decided_on",)}.get(verb, ())
    return _act(request, CrossProvinceApplication, pk, verb, fields, "waste:applications-detail")


application_action.scoped_model = CrossProvinceApplication


def _act(request, model, pk, verb, fields, detail):
    obj = get_scoped_object(model, request.user, "view", pk=pk)
    data = {k: request.POST.get(k) for k in fields if request.POST.get(k) not in (None, "")}
    try:
        wf.apply(request.user, obj, verb, note=request.POST.get("note", ""), **data)
        messages.success(request, _("已办理"))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect(detail, pk=pk)


@login_required
@require_POST
def manifest_action(request, pk, verb):
    fields = {"ship": ("carried_tonnes", "vehicle_no", "shipped_on"), "receive": ("received_tonnes", "received_on"),
              "confirm": ("confirmed_on", "method"), "pick_up": ("carried_tonnes", "vehicle_no", "picked_up_on"),
              "hand_over": ("handed_over_on",)}.get(verb, ())
    return _act(request, Manifest, pk, verb, fields, "waste:manifests-detail")


manifest_action.scoped_model = Manifest


@login_required
@require_POST
def declaration_action(request, pk, verb):
    return _act(request, Declaration, pk, verb, ("generated_tonnes", "transferred_tonnes", "submitted_on"),
                "waste:declarations-detail")


declaration_action.scoped_model = Declaration


@login_required
@require_POST
def alert_action(request, pk, verb):
    return _act(request, Alert, pk, verb, (), "waste:alerts-detail")


alert_action.scoped_model = Alert


@login_required
def reconciliation(request):
    """Quantities producer → transporter → receiver for a year, the mismatches and the late confirmations;
    every number links to the manifests it counts."""
    if not may_view_module(request.user, Manifest):
        raise PermissionDenied
    r = stats.reconciliation(request.user, request.GET)
    if request.GET.get("export") == "xlsx":
        header = [_("联单编号"), _("移出单位"), _("接受单位"), _("废物名称"), _("移出量(吨)"), _("运输量(吨)"),
                  _("接受量(吨)"), _("最大差额(吨)"), _("状态")]
        rows = [[m.number, m.producer.name, m.receiver.name, m.waste_name, m.sent_tonnes, m.carried_tonnes,
                 m.received_tonnes, m.difference, m.get_state_display()] for m in r["mismatches_all"]]
        return xlsx_response(f"联单核对-{r['year']}.xlsx", [(_("数量不一致"), header, rows)], request=request)
    return render(request, "waste/reconciliation.html", {"title": _("联单核对"), "r": r,
                                                          "query": urlencode({"year": r["year"]})})


@login_required
def statistics(request):
    """规范化管理评估合格率, collection platforms, general industrial solid waste, 无废城市 cells."""
    if not may_view_module(request.user, Manifest):
        raise PermissionDenied
    return render(request, "waste/statistics.html", {"title": _("固废统计"),
                                                      "s": stats.statistics(request.user, request.GET)})
