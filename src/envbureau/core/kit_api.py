"""API of the closed-loop kit: my tasks, my notifications, units, and the timeline serializer modules
use on their detail endpoints (`TimelineSerializer(workflow.timeline(obj), many=True).data`)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from .api import ScopedModelViewSet
from .drf import Pagination
from .filters import CalendarDayFilter, UnitFilter
from .models import CalendarDay, Notification, Task, Unit
from .notify import mark_all_read, tasks_for, worded


class TimelineSerializer(serializers.Serializer):
    """One event as the timeline component shows it (labels in the request's language)."""

    id = serializers.IntegerField()
    time = serializers.DateTimeField()
    verb = serializers.CharField()
    verb_label = serializers.CharField()
    from_state = serializers.CharField(allow_blank=True)
    from_label = serializers.CharField(allow_blank=True)
    to_state = serializers.CharField(allow_blank=True)
    to_label = serializers.CharField(allow_blank=True)
    actor = serializers.CharField(allow_blank=True)
    unit = serializers.CharField(allow_blank=True)
    step = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True)
    attachments = serializers.ListField(child=serializers.DictField())
    documents = serializers.ListField(child=serializers.DictField())


class TaskSerializer(serializers.ModelSerializer):
    overdue = serializers.SerializerMethodField()
    # worded in the request's language from the task's object and step (workflow.task_words, given in the
    # context as {task pk: (action, title)}); the stored Chinese words when the object is gone
    action = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()
    # Names, or null for a task open to every holder of the permission.
    assignee_unit = serializers.CharField(read_only=True, allow_null=True)
    assignee_user = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Task
        fields = ["id", "module", "model", "object_id", "state", "action", "title", "url", "due_date", "overdue",
                  "assignee_user", "assignee_unit", "permission", "level", "opened_at"]

    def get_overdue(self, task) -> bool:
        return task.due_date is not None and task.due_date < self.context["today"]

    def _words(self, task) -> tuple[str, str]:
        return self.context.get("words", {}).get(task.pk, (task.action, task.title))

    def get_action(self, task) -> str:
        return self._words(task)[0]

    def get_title(self, task) -> str:
        return self._words(task)[1]


class NotificationSerializer(serializers.ModelSerializer):
    # in the request's language, from the stored facts (core.notify.worded); as stored without facts
    message = serializers.CharField(source="text", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "message", "url", "model", "object_id", "created", "read_at"]


class _Page(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)


class TaskPageSerializer(_Page):
    results = TaskSerializer(many=True)


class NotificationPageSerializer(_Page):
    results = NotificationSerializer(many=True)
    unread = serializers.IntegerField(help_text="unread notifications of the user in all")


class UnitSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.SlugRelatedField(slug_field="code", read_only=False, allow_null=True, required=False,
                                                queryset=Unit._meta.get_field("jurisdiction").related_model.objects.all())

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "kind", "jurisdiction", "department", "enterprise_id", "contact_person",
                  "phone", "email", "members", "active"]


class CalendarDaySerializer(serializers.ModelSerializer):
    class Meta:
        model = CalendarDay
        fields = ["id", "date", "kind", "name", "source"]


class CalendarDayViewSet(ScopedModelViewSet):
    """Overrides of the holiday calendar (days off, make-up working days) on top of the chinese-calendar package."""

    queryset = CalendarDay.objects.all()
    serializer_class = CalendarDaySerializer
    filterset_class = CalendarDayFilter


class UnitViewSet(ScopedModelViewSet):
    queryset = Unit.objects.select_related("jurisdiction").prefetch_related("members").all()
    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    search_fields = ["name", "code"]


@extend_schema(responses=TaskPageSerializer, summary="What waits for the signed-in user or their units, "
               "due date first (?module=ledger, ?overdue=1)")
@api_view(["GET"])
def my_tasks(request):
    qs = tasks_for(request.user).select_related("assignee_unit", "assignee_user")
    if request.query_params.get("module"):
        qs = qs.filter(module=request.query_params["module"])
    today = timezone.localdate()
    if request.query_params.get("overdue") == "1":
        qs = qs.filter(due_date__lt=today)
    pager = Pagination()
    page = pager.paginate_queryset(qs, request)
    from .workflow import task_words

    words = task_words(page)
    return pager.get_paginated_response(TaskSerializer(page, many=True, context={"today": today, "words": words}).data)


@extend_schema(responses=NotificationPageSerializer, summary="My notifications, newest first (?unread=1)")
@api_view(["GET"])
def my_notifications(request):
    qs = Notification.objects.filter(recipient=request.user)
    if request.query_params.get("unread") == "1":
        qs = qs.filter(read_at__isnull=True)
    pager = Pagination()
    page = worded(pager.paginate_queryset(qs, request))
    resp = pager.get_paginated_response(NotificationSerializer(page, many=True).data)
    resp.data["unread"] = Notification.objects.filter(recipient=request.user, read_at__isnull=True).count()
    return resp


@extend_schema(request=None, responses=NotificationSerializer, summary="Mark one of my notifications read")
@api_view(["POST"])
@permission_classes([permissions.IsAuthenticated])
def my_notification_read(request, pk):
    n = Notification.objects.filter(pk=pk, recipient=request.user).first()
    if n is None:
        raise NotFound
    if n.read_at is None:
        n.read_at = timezone.now()
        n.save(update_fields=["read_at"])
    return Response(NotificationSerializer(n).data)


my_notification_read.scoped_model = Notification


@extend_schema(request=None, summary="Mark all my notifications read")
@api_view(["POST"])
@permission_classes([permissions.IsAuthenticated])
def my_notifications_read_all(request):
    n = mark_all_read(request.user)
    return Response({"marked": n})


def transition_action(model, serializer, verb: str):
    """A viewset action `POST <id>/<verb>/` that applies the workflow verb (note, fields and evidence `files`
    from the body) and answers the object; a module on the kit adds one per verb instead of writing the handler again."""
    from django.core.exceptions import PermissionDenied
    from rest_framework.decorators import action
    from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied

    from . import workflow as wf
    from .scoping import get_scoped_object

    def handler(self, request, pk=None):
        obj = get_scoped_object(model, request.user, "view", pk=pk)
        data = {k: v for k, v in request.data.items() if k not in ("note", "files")}
        files = request.FILES.getlist("files")  # evidence, when the body is multipart
        try:
            wf.apply(request.user, obj, verb, note=str(request.data.get("note", "")), files=files, **data)
        except PermissionDenied:
            raise DRFPermissionDenied() from None
        obj.refresh_from_db()
        return Response(serializer(obj).data)

    handler.__name__ = verb
    return extend_schema(request=None, responses=serializer)(
        action(detail=True, methods=["post"], url_path=verb.replace("_", "-"), url_name=verb.replace("_", "-"))(
            handler))


def timeline_action(model):
    """A viewset action `GET <id>/timeline/`: the object's kit timeline, in view scope."""
    from rest_framework.decorators import action

    from . import workflow as wf
    from .scoping import get_scoped_object

    @extend_schema(responses=TimelineSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="timeline", url_name="timeline", pagination_class=None)
    def timeline(self, request, pk=None):
        obj = get_scoped_object(model, request.user, "view", pk=pk)
        return Response(TimelineSerializer(wf.timeline(obj), many=True).data)
    return timeline
