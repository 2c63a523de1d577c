"""Importers of the core app: jurisdictions and users (the proof of the import framework)."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .choices import JurisdictionLevel
from .importing import (
    ChoiceColumn,
    Column,
    Importer,
    JurisdictionColumn,
    NumberColumn,
    RefColumn,
    RowError,
    register,
)
from .models import Jurisdiction, Role, RoleAssignment, User
from .scoping import allowed_jurisdictions, check_created, is_city_wide


@register
class JurisdictionImporter(Importer):
    kind = "core.jurisdiction"
    label = _("行政区划")
    module = "core"
    columns = [
        Column("code", _("区划代码"), required=True, example="110101000000", help=_("12位行政区划代码或本地代码")),
        Column("name", _("名称"), required=True, example="东城区"),
        ChoiceColumn("level", _("层级"), required=True, example=_("区县"), choices=JurisdictionLevel.choices),
        Column("parent", _("上级区划代码"), example="110000", help=_("上级须已存在或在本文件中更靠前的行")),
    ]

    def clean_row(self, v, ctx):
        code = v["code"]
        level = v["level"]
        parent = v["parent"] or None
        seen = ctx.state.setdefault("codes", set())
        if code in seen:
            raise RowError("code", _("文件中区划代码“%(c)s”重复") % {"c": code})
        if parent and parent not in seen and not Jurisdiction.objects.filter(code=parent).exists():
            raise RowError("parent", _("上级区划“%(c)s”不存在") % {"c": parent})
        if ctx.user is not None:
            self._check_scope(ctx, code, parent, seen)
        seen.add(code)
        obj = Jurisdiction(code=code, name=v["name"], level=level)
        try:
            obj.clean_fields(exclude=["parent", "path"])
        except ValidationError as e:
            raise RowError(next(iter(e.message_dict)), "; ".join(next(iter(e.message_dict.values())))) from None
        return (obj, parent)

    def _check_scope(self, ctx, code, parent, seen):
        """Refuse, row by row, what the acting user may not write (the save re-checks it anyway)."""
        existing = Jurisdiction.objects.filter(code=code).first()
        if existing is not None:
            if not allowed_jurisdictions(ctx.user, "core", "change").filter(pk=existing.pk).exists():
                raise RowError("code", _("区划“%(c)s”超出您的管辖范围") % {"c": code})
        if parent is None:
            if existing is not None and not ctx.clear_empty:
                return  # an empty parent cell keeps the stored parent
            if not is_city_wide(ctx.user, "core", "add"):
                raise RowError("parent", _("您只能在自己的管辖范围内新增区划,请填写上级区划代码"))
            return
        if parent in seen:
            return  # its own row was checked
        if not allowed_jurisdictions(ctx.user, "core", "add").filter(code=parent).exists():
            raise RowError("parent", _("上级区划“%(c)s”超出您的管辖范围") % {"c": parent})

    def save_rows(self, cleaned, ctx):
        created = updated = 0
        for n, (obj, parent_code) in enumerate(cleaned):
            if n % 100 == 0:
                ctx.saved(n)
            parent = Jurisdiction.objects.get(code=parent_code) if parent_code else None
            existing = Jurisdiction.objects.filter(code=obj.code).first()
            if existing:
                if parent is None and not ctx.clear_empty:
                    parent = existing.parent  # an empty cell keeps the stored value
                changed = (existing.name, existing.level, existing.parent_id) != (obj.name, obj.level, parent.pk if parent else None)
                if changed:
                    existing.name, existing.level, existing.parent = obj.name, obj.level, parent
                    existing.save()
                    check_created(ctx.user, existing, "change")
                    updated += 1
                continue
            obj.parent = parent
            obj.save()
            check_created(ctx.user, obj, "add")
            created += 1
        return {"created": created, "updated": updated}


@register
class UserImporter(Importer):
    kind = "core.user"
    label = _("用户")
    module = "core"
    columns = [
        Column("username", _("用户名"), required=True, example="dc_officer"),
        Column("display_name", _("姓名"), example="张三"),
        Column("phone", _("电话")),
        Column("email", _("邮箱")),
        Column("password", _("初始密码"), required=True, help=_("首次登录须修改"), secret=True),
        RefColumn("role", _("角色代码"), required=True, example="officer", fields=("code", "name"),
                  queryset=lambda ctx: Role.objects.all()),
        JurisdictionColumn("jurisdiction", _("属地区划代码"), example="110101", help=_("留空表示全市"), actions=("add",)),
        NumberColumn("enterprise_id", _("企业ID"), integer=True, min=1),
    ]

    def clean_row(self, v, ctx):
        username = v["username"]
        if not v.get("jurisdiction") and ctx.user is not None and not is_city_wide(ctx.user, "core", "add"):
            raise RowError("jurisdiction", _("请填写您管辖范围内的区划代码(您不能新增全市用户)"))
        seen = ctx.state.setdefault("names", set())
        if username in seen:
            raise RowError("username", _("文件中用户名重复"))
        seen.add(username)
        if User.objects.filter(username=username).exists():
            raise RowError("username", _("用户名“%(u)s”已存在") % {"u": username})
        role = v["role"]
        jur = v["jurisdiction"]
        ent = v["enterprise_id"]
        user = User(username=username, display_name=v.get("display_name") or "", phone=v.get("phone") or "",
                    email=v.get("email") or "", must_change_password=True)
        try:
            user.clean_fields(exclude=["password"])
            password_validation.validate_password(str(v["password"]), user)
        except ValidationError as e:
            field = "password" if not hasattr(e, "error_dict") else next(iter(e.message_dict))
            raise RowError(field, "; ".join(e.messages)) from None
        from .permissions import can_grant

        if ctx.user is not None and not can_grant(ctx.user, role):
            raise RowError("role", _("您不能授予角色“%(r)s”(超出您自己的权限)") % {"r": role.code})
        assignment = RoleAssignment(role=role, jurisdiction=jur, enterprise_id=ent)
        try:
            assignment.clean()
        except ValidationError as e:
            raise RowError("jurisdiction" if "jurisdiction" in e.message_dict else "enterprise_id",
                           "; ".join(e.messages)) from None
        return (user, str(v["password"]), assignment)

    def save_rows(self, cleaned, ctx):
        for n, (user, password, assignment) in enumerate(cleaned):
            if n % 20 == 0:
                ctx.saved(n)
            user.set_password(password)
            user.save()
            assignment.user = user
            assignment.save()
            check_created(ctx.user, assignment, "add")
        return {"created": len(cleaned)}
