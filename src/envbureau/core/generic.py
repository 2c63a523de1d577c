"""Generic scoped pages for registry records (list with filters + Excel export, detail, form, delete).

    crud = Crud(Station, form_class=StationForm, filterset_class=StationFilter,
                columns=[("code", _("编码")), ("name", _("名称")), ("jurisdiction", _("属地"))],
                url_prefix="stations", namespace="quality", title=_("空气站点"))
    urlpatterns += crud.urls()

Every query goes through core scoping; writes go through core.services (scope re-checked, audited).
"""

from __future__ import annotations

import decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views import View

from . import services
from .audit import history
from .excel import xlsx_response
from .humanize import REF, human, money, ref_label
from .permissions import has_perm
from .scoping import allowed_jurisdictions, get_scoped_object, may_view_module, restrict, spec_of


class LinkCell(str):
    """A cell that reads as its text (Excel exports, tests) and shows as a link on the page."""

    url = ""

    def __new__(cls, text, url):
        cell = super().__new__(cls, text)
        cell.url = url
        return cell

    def __html__(self):
        from django.utils.html import format_html

        return format_html('<a href="{}">{}</a>', self.url, str.__str__(self))


def cell_value(obj, attr):
    if callable(attr):
        return attr(obj)
    value = obj
    owner = part = None
    for part in attr.split("__"):
        if value is None:
            return ""
        owner = value
        display = getattr(value, f"get_{part}_display", None)
        words = getattr(type(value), "human_values", {}).get(part)
        value = display() if callable(display) else getattr(value, part, "")
        if words is not None and value not in (None, ""):
            value = words(value)
        if callable(value) and not hasattr(value, "all"):
            value = value()
    if hasattr(value, "all"):
        return "、".join(str(v) for v in value.all())
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, (list, tuple, dict)):  # JSON fields: words, never a Python list
        return human(value)
    if isinstance(value, str) and REF.fullmatch(value):  # "quality.warning:12" → the warning by name
        return ref_label(value)
    if isinstance(value, decimal.Decimal) and hasattr(owner, "_meta"):  # money as "1,600,000.00"
        try:
            amount = money(value, owner._meta.get_field(part))
        except FieldDoesNotExist:
            amount = None
        if amount is not None:
            return amount
    return "" if value is None else value


def detail_label(model, name: str):
    """The label a detail page shows for ``name``: the field's verbose name; a computed attribute's
    ``short_description`` (core.humanize.labelled); for ``<field>_label`` (a field's value in words), that field's
    verbose name. Never the attribute name itself: None when there is no label (Crud refuses such a detail field)."""
    try:
        return model._meta.get_field(name).verbose_name
    except FieldDoesNotExist:
        pass
    attr = getattr(model, name, None)
    fn = attr.fget if isinstance(attr, property) else attr
    text = getattr(fn, "short_description", None) or getattr(fn, "verbose_name", None)
    if text:
        return text
    if name.endswith("_label"):
        try:
            return model._meta.get_field(name[:-len("_label")]).verbose_name
        except FieldDoesNotExist:
            pass
    return None


class Crud:
    def __init__(self, model, *, form_class=None, filterset_class=None, columns=(), url_prefix, namespace,
                 title, detail_fields=None, search_fields=(), ordering=None, importer_kind=None,
                 extra_detail_template=None, read_only=False, extra_detail_context=None, create=None, update=None,
                 prepare_rows=None, new_page=None, locked=None):
        self.model = model
        self.form_class = form_class
        self.filterset_class = filterset_class
        self.columns = list(columns)
        self.url_prefix = url_prefix
        self.namespace = namespace
        self.title = title
        self.detail_fields = detail_fields
        # a detail page labels every row in words: an attribute without a label is a mistake found at start-up
        unlabelled = [f for f in detail_fields or () if detail_label(model, f) is None]
        if unlabelled:
            raise ImproperlyConfigured(
                f"{model.__name__} detail fields without a label: {', '.join(unlabelled)} (give the property a label "
                "with core.humanize.labelled, or name it <field>_label)")
        self.search_fields = search_fields
        self.ordering = ordering
        self.importer_kind = importer_kind
        self.extra_detail_template = extra_detail_template
        # callable(request, obj) -> dict, merged into the detail page's context (for extra_detail_template)
        self.extra_detail_context = extra_detail_context
        self.read_only = read_only
        # create(user, instance, m2m) / update(…): the app's own verb when saving is more than a scoped save
        # (a record with a lifecycle opens its timeline and tasks); default core.services.
        self.create = create
        self.update = update
        # prepare_rows(request, objects): fetch in one go, in the user's scope, what columns read from other
        # apps (a patrol's ledger problem by its title) before the rows of a page or an export are built
        self.prepare_rows = prepare_rows
        # (url name, label, may(user) -> bool): a read-only list whose records start through the app's own page
        # (a service with a lifecycle) links to it for those who may start one
        self.new_page = new_page
        # locked(obj) -> str: why this record is not edited or deleted here (a limit a permit owns), "" when it may
        # be; the detail page shows the reason instead of the buttons, the edit and delete pages send back to it
        self.locked = locked
        self.module = spec_of(model).module

    def lock_reason(self, obj) -> str:
        return str(self.locked(obj) or "") if self.locked else ""

    def name(self, action):
        return f"{self.url_prefix.replace('/', '-')}-{action}"

    def url(self, action, *args):
        return reverse(f"{self.namespace}:{self.name(action)}", args=args)

    def urls(self):
        pats = [
            path(f"{self.url_prefix}/", ListPage.as_view(crud=self), name=self.name("list")),
            path(f"{self.url_prefix}/<int:pk>/", DetailPage.as_view(crud=self), name=self.name("detail")),
        ]
        if not self.read_only and self.form_class is not None:
            pats += [
                path(f"{self.url_prefix}/add/", FormPage.as_view(crud=self), name=self.name("add")),
                path(f"{self.url_prefix}/<int:pk>/edit/", FormPage.as_view(crud=self), name=self.name("edit")),
                path(f"{self.url_prefix}/<int:pk>/delete/", DeletePage.as_view(crud=self), name=self.name("delete")),
            ]
        return pats

    def limit_form(self, form, user):
        # Jurisdiction choices are limited to where the user may add records of this module.
        for fld in form.fields.values():
            if isinstance(fld, forms.ModelChoiceField) and fld.queryset is not None:
                qs = fld.queryset
                if qs.model._meta.label_lower == "core.jurisdiction":
                    fld.queryset = allowed_jurisdictions(user, self.module, "add")
                elif hasattr(qs.model, "scope"):
                    fld.queryset = restrict(qs, user, "view")
        if getattr(getattr(form, "instance", None), "pk", None) is None:
            preselect_only_choice(form)
        from .pickers import bind_user

        bind_user(form, user)  # type-ahead boxes look names up in the user's scope


def preselect_only_choice(form):
    """A new record's choice with only one possible answer comes filled in: an enterprise user's own
    enterprise, a street officer's own street."""
    for name, fld in form.fields.items():
        if isinstance(fld, forms.ModelMultipleChoiceField) or not isinstance(fld, forms.ModelChoiceField):
            continue
        if form.initial.get(name) or fld.initial or form.is_bound:
            continue
        only = list(fld.queryset.values_list("pk", flat=True)[:2])
        if len(only) == 1:
            form.initial[name] = only[0]


class CrudView(LoginRequiredMixin, View):
    crud: Crud = None


def _is_fk(model, attr: str) -> bool:
    from django.core.exceptions import FieldDoesNotExist

    try:
        f = model._meta.get_field(attr)
    except FieldDoesNotExist:
        return False
    return bool(f.many_to_one or f.one_to_one) and not f.auto_created


class ListPage(CrudView):
    def get(self, request):
        c = self.crud
        if not may_view_module(request.user, c.model):
            raise PermissionDenied
        qs = restrict(c.model._default_manager.all(), request.user, "view")
        # the foreign keys shown as columns come with the rows (one query, not one per row)
        fks = [a for a, _l in c.columns if _is_fk(c.model, a)]
        if fks:
            qs = qs.select_related(*fks)
        if c.ordering:
            qs = qs.order_by(*c.ordering)
        elif not qs.ordered:
            qs = qs.order_by("pk")  # stable pages
        filterset = c.filterset_class(request.GET, queryset=qs, request=request) if c.filterset_class else None
        if filterset is not None:
            qs = filterset.qs
        q = request.GET.get("q", "").strip()
        if q and c.search_fields:
            from django.db.models import Q

            cond = Q()
            for f in c.search_fields:
                cond |= Q(**{f"{f}__icontains": q})
            qs = qs.filter(cond)
        header = [str(label) for _attr, label in c.columns]
        if request.GET.get("export") == "xlsx":
            objs = list(qs[:100000])
            if c.prepare_rows:
                c.prepare_rows(request, objs)
            rows = [[cell_value(o, a) for a, _l in c.columns] for o in objs]
            return xlsx_response(f"{c.title}.xlsx", [(str(c.title), header, rows)], request=request)
        try:
            page_size = min(max(int(request.GET.get("page_size") or 50), 1), 500)
        except ValueError:
            page_size = 50
        page = Paginator(qs, page_size).get_page(request.GET.get("page"))
        if c.prepare_rows:
            c.prepare_rows(request, page.object_list)
        rows = [(o, [cell_value(o, a) for a, _l in c.columns]) for o in page.object_list]
        params = request.GET.copy()
        params.pop("page", None)
        new_page = None
        if c.new_page and c.new_page[2](request.user):
            new_page = {"url": reverse(c.new_page[0]), "label": c.new_page[1]}
        return render(request, "core/generic_list.html", {
            "new_page": new_page,
            "crud": c, "title": c.title, "header": header, "rows": rows, "page": page, "filterset": filterset,
            "can_add": c.form_class is not None and not c.read_only and has_perm(request.user, f"{c.module}.add"),
            "query": params.urlencode(), "q": q, "detail_url": c.name("detail"), "ns": c.namespace,
            "import_kind": c.importer_kind if (has_perm(request.user, f"{c.module}.add")
                                               or has_perm(request.user, f"{c.module}.change")) else None,
        })


class DetailPage(CrudView):
    def get(self, request, pk):
        c = self.crud
        obj = get_scoped_object(c.model, request.user, "view", pk=pk)
        fields = c.detail_fields or [f.name for f in c.model._meta.concrete_fields if f.name not in ("id", "path")]
        rows = [(detail_label(c.model, f), cell_value(obj, f)) for f in fields]
        can_audit = has_perm(request.user, "audit.view")
        extra = c.extra_detail_context(request, obj) if c.extra_detail_context else {}
        locked = c.lock_reason(obj)
        writable = not c.read_only and c.form_class is not None and not locked
        return render(request, "core/generic_detail.html", {**extra,
            "crud": c, "title": c.title, "obj": obj, "rows": rows, "ns": c.namespace,
            "history": history(obj)[:50] if can_audit else None, "locked": locked,
            "can_edit": writable and has_perm(request.user, f"{c.module}.change"),
            "can_delete": writable and has_perm(request.user, f"{c.module}.delete"),
            "extra_template": c.extra_detail_template,
        })


class FormPage(CrudView):
    def _obj(self, request, pk):
        if pk is None:
            if not has_perm(request.user, f"{self.crud.module}.add"):
                raise PermissionDenied
            return None
        return get_scoped_object(self.crud.model, request.user, "change", pk=pk)

    def get(self, request, pk=None):
        obj = self._obj(request, pk)
        if obj is not None and (locked := self.crud.lock_reason(obj)):
            messages.error(request, locked)
            return redirect(self.crud.url("detail", pk))
        form = self.crud.form_class(instance=obj)
        self.crud.limit_form(form, request.user)
        return self._render(request, form, obj)

    def post(self, request, pk=None):
        obj = self._obj(request, pk)
        form = self.crud.form_class(request.POST, request.FILES, instance=obj)
        self.crud.limit_form(form, request.user)
        if form.is_valid():
            instance = form.save(commit=False)
            m2m = {f.name: form.cleaned_data[f.name] for f in instance._meta.many_to_many if f.name in form.cleaned_data}
            try:
                if obj is None:
                    (self.crud.create or services.create_object)(request.user, instance, m2m)
                else:
                    (self.crud.update or services.update_object)(request.user, instance, m2m)
            except PermissionDenied:
                form.add_error(None, _("超出您的权限范围"))
            except Exception as exc:  # ValidationError from full_clean
                from django.core.exceptions import ValidationError

                if not isinstance(exc, ValidationError):
                    raise
                for field, errs in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                messages.success(request, _("已保存"))
                return redirect(self.crud.url("detail", instance.pk))
        return self._render(request, form, obj, status=400)

    def _render(self, request, form, obj, status=200):
        return render(request, "core/generic_form.html",
                      {"crud": self.crud, "title": self.crud.title, "form": form, "obj": obj, "ns": self.crud.namespace},
                      status=status)


class DeletePage(CrudView):
    def get(self, request, pk):
        obj = get_scoped_object(self.crud.model, request.user, "delete", pk=pk)
        if locked := self.crud.lock_reason(obj):
            messages.error(request, locked)
            return redirect(self.crud.url("detail", pk))
        return render(request, "core/generic_delete.html", {"crud": self.crud, "title": self.crud.title, "obj": obj,
                                                            "ns": self.crud.namespace})

    def post(self, request, pk):
        obj = get_scoped_object(self.crud.model, request.user, "delete", pk=pk)
        from django.core.exceptions import ValidationError
        from django.db.models import ProtectedError

        try:
            services.delete_object(request.user, obj)
        except ProtectedError:
            messages.error(request, _("该记录仍被其他记录引用,不能删除"))
            return redirect(self.crud.url("detail", pk))
        except ValidationError as exc:  # the record refuses (a limit a permit owns): its words, not a 500
            messages.error(request, ";".join(exc.messages))
            return redirect(self.crud.url("detail", pk))
        messages.success(request, _("已删除"))
        from django.utils.http import url_has_allowed_host_and_scheme

        back = request.POST.get("next", "")
        if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            return redirect(back)
        return redirect(self.crud.url("list"))
