"""Pages of the closed-loop kit: my tasks, my notifications, units and the holiday-calendar override."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .models import Notification
from .notify import mark_all_read, tasks_for, worded
from .permissions import MODULE_LABELS


def task_rows(user, qs):
    """Rows of a tasks table: each task worded in the reader's language (workflow.task_words)."""
    from .workflow import task_words

    today = timezone.localdate()
    tasks = list(qs)
    words = task_words(tasks)
    return [{"task": t, "action": words[t.pk][0], "title": words[t.pk][1],
             "overdue": t.due_date is not None and t.due_date < today,
             "due_soon": t.due_date is not None and today <= t.due_date <= today + timezone.timedelta(days=3),
             "module": MODULE_LABELS.get(t.module, t.module)} for t in tasks]


@login_required
def tasks_page(request):
    qs = tasks_for(request.user).select_related("assignee_unit", "assignee_user")
    module = request.GET.get("module", "")
    if module:
        qs = qs.filter(module=module)
    if request.GET.get("overdue") == "1":
        qs = qs.filter(due_date__lt=timezone.localdate())
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    from .workflow import REGISTRY

    modules = [(m, MODULE_LABELS.get(m, m)) for m in sorted({w.module for w in REGISTRY.values()})]
    return render(request, "core/tasks.html", {"title": _("我的待办"), "page": page, "rows": task_rows(request.user, page),
                                               "modules": modules, "module": module})


@login_required
def badges(request):
    """The top bar's two counts (open tasks, unread notifications), fetched by every page after it has loaded and
    swapped into place out of band (htmx): rendering a page no longer waits for them, and they stay current on a
    page left open."""
    from .notify import task_count

    return render(request, "core/_badges.html", {
        "tasks": task_count(request.user),
        "unread": request.user.notifications.filter(read_at__isnull=True).count(),
    })


@login_required
def notifications_page(request):
    qs = request.user.notifications.all()
    if request.GET.get("unread") == "1":
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    worded(page)  # each in the reader's language (n.text)
    return render(request, "core/notifications.html", {"title": _("消息"), "page": page})


def _own_notification(request, pk):
    n = Notification.objects.filter(pk=pk, recipient=request.user).first()
    if n is None:
        raise Http404
    return n


@login_required
@require_POST
def notification_read(request, pk):
    n = _own_notification(request, pk)
    if n.read_at is None:
        n.read_at = timezone.now()
        n.save(update_fields=["read_at"])
    target = request.POST.get("next") or n.url or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect("core:notifications")


notification_read.scoped_model = Notification


@login_required
@require_POST
def notifications_read_all(request):
    mark_all_read(request.user)
    return redirect("core:notifications")
