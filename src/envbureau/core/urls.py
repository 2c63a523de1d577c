from django.contrib.auth import views as auth_views
from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import kit_views, pickers, views
from .documents import views as document_views
from .filters import (
    CalendarDayFilter,
    DepartmentFilter,
    JurisdictionFilter,
    RoleAssignmentFilter,
    RoleFilter,
    UnitFilter,
    UserFilter,
)
from .forms import (
    CalendarDayForm,
    DepartmentForm,
    JurisdictionForm,
    RoleAssignmentForm,
    RoleForm,
    UnitForm,
    UserForm,
)
from .generic import Crud
from .models import CalendarDay, Department, Jurisdiction, Role, RoleAssignment, Unit, User

app_name = "core"

jurisdictions = Crud(Jurisdiction, form_class=JurisdictionForm, filterset_class=JurisdictionFilter,
                     columns=[("code", _("区划代码")), ("name", _("名称")), ("level", _("层级")), ("parent", _("上级区划"))],
                     url_prefix="admin-area/jurisdictions", namespace="core", title=_("行政区划"),
                     importer_kind="core.jurisdiction", search_fields=("name", "code"))
departments = Crud(Department, form_class=DepartmentForm, filterset_class=DepartmentFilter, columns=[("code", _("代码")), ("name", _("名称")),
                   ("modules", _("负责模块")), ("active", _("启用"))],
                   url_prefix="admin-area/departments", namespace="core", title=_("科室"))
roles = Crud(Role, form_class=RoleForm, filterset_class=RoleFilter, columns=[("code", _("代码")), ("name", _("名称")), ("kind", _("类别")),
             ("permissions", _("权限"))], url_prefix="admin-area/roles", namespace="core", title=_("角色"))
def _roles_of(user):
    return "、".join(f"{a.role.name}({a.scope_label})"
                    for a in user.assignments.all())


users = Crud(User, form_class=UserForm, filterset_class=UserFilter,
             columns=[("username", _("用户名")), ("display_name", _("姓名")), ("phone", _("电话")),
                      ("is_active", _("启用")), (_roles_of, _("角色")), ("last_login", _("最近登录"))],
             extra_detail_template="core/_user_assignments.html", extra_detail_context=views.user_detail_context,
             ordering=("username",),
             url_prefix="admin-area/users", namespace="core", title=_("用户"), importer_kind="core.user",
             search_fields=("username", "display_name"),
             detail_fields=["username", "display_name", "email", "phone", "is_active", "must_change_password",
                            "last_login", "date_joined"])
assignments = Crud(RoleAssignment, form_class=RoleAssignmentForm, filterset_class=RoleAssignmentFilter,
                   columns=[("user", _("用户")), ("role", _("角色")), ("jurisdiction", _("属地范围")),
                            ("departments", _("科室")), (lambda a: a.enterprise_name, _("企业"))],
                   url_prefix="admin-area/assignments", namespace="core", title=_("角色授权"))

units = Crud(Unit, form_class=UnitForm, filterset_class=UnitFilter, columns=[("code", _("代码")), ("name", _("名称")), ("kind", _("类别")),
             ("jurisdiction", _("所属区划")), ("contact_person", _("联系人")), ("phone", _("联系电话")),
             ("members", _("成员")), ("active", _("启用"))],
             url_prefix="admin-area/units", namespace="core", title=_("单位"), search_fields=("name", "code"))
calendar_days = Crud(CalendarDay, form_class=CalendarDayForm, filterset_class=CalendarDayFilter, columns=[("date", _("日期")), ("kind", _("类型")),
                     ("name", _("节日")), ("source", _("依据"))],
                     url_prefix="admin-area/calendar", namespace="core", title=_("节假日调整"))

urlpatterns = [
    path("", views.home, name="home"),
    path("tasks/", kit_views.tasks_page, name="tasks"),
    path("me/badges/", kit_views.badges, name="badges"),
    path("notifications/", kit_views.notifications_page, name="notifications"),
    path("notifications/<int:pk>/read/", kit_views.notification_read, name="notification-read"),
    path("notifications/read-all/", kit_views.notifications_read_all, name="notifications-read-all"),
    path("healthz", views.healthz, name="healthz"),
    path("pick/jurisdictions/", pickers.picker_view("jurisdiction"), name="pick-jurisdictions"),
    path("pick/units/", pickers.picker_view("unit"), name="pick-units"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(
        template_name="core/password_change_done.html"), name="password_change_done"),
    path("accounts/profile/", views.profile, name="profile"),
    path("audit/", views.audit_list, name="audit-list"),
    path("audit/<int:pk>/", views.audit_detail, name="audit-detail"),
    path("imports/", views.import_index, name="import-index"),
    path("imports/<str:kind>/template/", views.import_template, name="import-template"),
    path("imports/<str:kind>/upload/", views.import_upload, name="import-upload"),
    path("imports/jobs/<int:pk>/", views.import_job, name="import-job"),
    path("admin-area/users/<int:pk>/assign/", views.user_assign, name="user-assign"),
    path("imports/jobs/<int:pk>/progress/", views.import_progress, name="import-progress"),
    path("imports/jobs/<int:pk>/errors.xlsx", views.import_errors, name="import-errors"),
    path("documents/issue/<str:kind>/<int:object_id>/", document_views.issue, name="document-issue"),
    path("documents/<int:pk>/<str:fmt>/", document_views.download, name="document-download"),
    path("admin-area/document-templates/", document_views.type_list, name="document-types"),
    path("admin-area/document-templates/<str:code>/", document_views.type_detail, name="document-type"),
    path("admin-area/document-templates/file/<int:pk>/", document_views.template_download,
         name="document-template"),
]
for crud in (jurisdictions, departments, roles, users, assignments, units, calendar_days):
    urlpatterns += crud.urls()
