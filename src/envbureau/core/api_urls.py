from django.conf import settings
from django.urls import include, path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, routers, serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.response import Response
from rest_framework.views import APIView

from . import kit_api
from .api import ScopedModelViewSet, ScopedReadOnlyViewSet
from .documents.api import DocumentTypeViewSet, IssuedDocumentViewSet
from .filters import (
    AuditFilter,
    DepartmentFilter,
    JurisdictionFilter,
    RoleAssignmentFilter,
    RoleFilter,
    UserFilter,
)
from .models import AuditEntry, Department, Jurisdiction, Role, RoleAssignment, User
from .permissions import grants_for
from .serializers import (
    AuditEntrySerializer,
    DepartmentSerializer,
    JurisdictionSerializer,
    RoleAssignmentSerializer,
    RoleSerializer,
    UserSerializer,
)


class JurisdictionViewSet(ScopedModelViewSet):
    queryset = Jurisdiction.objects.select_related("parent").all()
    serializer_class = JurisdictionSerializer
    filterset_class = JurisdictionFilter
    search_fields = ["name", "code"]
    ordering_fields = ["code", "name", "path"]


class DepartmentViewSet(ScopedModelViewSet):
    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilter


class RoleViewSet(ScopedModelViewSet):
    queryset = Role.objects.all()
    serializer_class = RoleSerializer
    filterset_class = RoleFilter


class UserViewSet(ScopedModelViewSet):
    queryset = User.objects.all()
    serializer_class = UserSerializer
    filterset_class = UserFilter
    search_fields = ["username", "display_name"]


class RoleAssignmentViewSet(ScopedModelViewSet):
    queryset = RoleAssignment.objects.select_related("role", "jurisdiction").all()
    serializer_class = RoleAssignmentSerializer
    filterset_class = RoleAssignmentFilter


class AuditEntryViewSet(ScopedReadOnlyViewSet):
    queryset = AuditEntry.objects.all()
    serializer_class = AuditEntrySerializer
    filterset_class = AuditFilter


@extend_schema(responses=OpenApiTypes.OBJECT, summary="The signed-in user and their grants")
@api_view(["GET"])
def me(request):
    u = request.user
    return Response({
        "id": u.pk, "username": u.username, "display_name": u.display_name,
        "grants": [{"kind": g.kind, "jurisdiction_path": g.jurisdiction_path, "enterprise_id": g.enterprise_id,
                    "permissions": sorted(g.perms)} for g in grants_for(u)],
    })


@extend_schema(responses=OpenApiTypes.OBJECT, summary="Names of the public (anonymous) endpoints")
@api_view(["GET"])
@permission_classes([permissions.AllowAny])
def public_index(request):
    from django.urls import get_resolver

    names = sorted({p for p in get_resolver().reverse_dict.keys() if isinstance(p, str) and p.startswith("public-")})
    return Response({"public_endpoints": names})


@extend_schema(responses=OpenApiTypes.OBJECT, summary="District boundaries (GeoJSON) of a jurisdiction's children",
               parameters=[OpenApiParameter("parent", str, description="区划代码; default the city")])
@api_view(["GET"])
@permission_classes([permissions.AllowAny])
def public_boundaries(request):
    """What the maps draw under their points: served by the platform, never fetched from the internet."""
    from .boundaries import feature_collection

    code = (request.query_params.get("parent") or "").strip()
    parent = Jurisdiction.objects.filter(code=code).first() if code else \
        Jurisdiction.objects.filter(parent__isnull=True).order_by("path").first()
    if parent is None:
        from rest_framework.exceptions import NotFound

        raise NotFound(_("未知的行政区划代码“%(c)s”") % {"c": code[:20]})
    resp = Response(feature_collection(parent))
    resp["Cache-Control"] = "public, max-age=3600"
    return resp


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="shown once; only its digest is stored")
    expiry = serializers.DateTimeField(allow_null=True)


class TokenView(APIView):
    """POST username and password, receive a token for the Authorization: Token … header.

    The token is shown only in this answer (the server keeps its digest); a password change ends it.
    Throttled like the login page: repeated failures lock the account name for a while."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @extend_schema(request=TokenRequestSerializer, responses=TokenResponseSerializer, summary="Obtain an API token")
    def post(self, request, *args, **kwargs):
        from django.contrib.auth import authenticate
        from knox.models import AuthToken
        from rest_framework.exceptions import Throttled, ValidationError

        from . import lockout
        from .auth import PasswordChangeRequired
        from .clientip import client_ip

        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username, addr = data.validated_data["username"].strip(), client_ip(request)
        if not lockout.reserve(username, addr):
            raise Throttled(wait=settings.LOGIN_LOCKOUT_SECONDS, detail=lockout.locked_message())
        user = authenticate(request, username=username, password=data.validated_data["password"])
        if user is None:  # the try stays counted
            raise ValidationError({"non_field_errors": [_("用户名或密码不正确")]})
        lockout.succeeded(username, addr)
        if user.must_change_password:
            raise PasswordChangeRequired()
        token, key = AuthToken.objects.create(user=user)
        return Response({"token": key, "expiry": token.expiry}, status=200)


router = routers.DefaultRouter()
router.register("core/jurisdictions", JurisdictionViewSet)
router.register("core/departments", DepartmentViewSet)
router.register("core/roles", RoleViewSet)
router.register("core/users", UserViewSet)
router.register("core/assignments", RoleAssignmentViewSet)
router.register("core/audit", AuditEntryViewSet)
router.register("core/documents", IssuedDocumentViewSet, basename="document")
router.register("core/document-types", DocumentTypeViewSet, basename="document-type")
router.register("core/units", kit_api.UnitViewSet)
router.register("core/calendar", kit_api.CalendarDayViewSet)

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("me/", me, name="api-me"),
    path("me/tasks/", kit_api.my_tasks, name="api-me-tasks"),
    path("me/notifications/", kit_api.my_notifications, name="api-me-notifications"),
    path("me/notifications/<int:pk>/read/", kit_api.my_notification_read, name="api-me-notification-read"),
    path("me/notifications/read-all/", kit_api.my_notifications_read_all, name="api-me-notifications-read-all"),
    path("public/", public_index, name="public-index"),
    path("public/boundaries/", public_boundaries, name="public-boundaries"),
    path("", include(router.urls)),
]
