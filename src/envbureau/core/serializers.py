from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import AuditEntry, Department, Jurisdiction, Role, RoleAssignment, User


class JurisdictionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", queryset=Jurisdiction.objects.all(), allow_null=True,
                                          required=False)

    class Meta:
        model = Jurisdiction
        fields = ["id", "code", "name", "level", "parent", "path", "sort_order", "boundary"]
        read_only_fields = ["path"]

    def validate(self, attrs):
        # DRF skips Model.clean(): keep the tree a tree (no node under itself or its descendants).
        parent = attrs.get("parent", self.instance.parent if self.instance else None)
        if self.instance is not None and parent is not None and parent.path.startswith(self.instance.path):
            raise serializers.ValidationError({"parent": _("上级区划不能是自身或下级")})
        return attrs


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "code", "name", "modules", "active"]


class RoleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Role
        fields = ["id", "code", "name", "kind", "permissions", "description"]

    def validate_permissions(self, value):
        from .permissions import validate_permission_codes

        try:
            validate_permission_codes(value, already=self.instance.permissions if self.instance else ())
        except DjangoValidationError as e:
            raise serializers.ValidationError(list(e.messages)) from None
        return value


class UserSerializer(serializers.ModelSerializer):
    password = serializers.CharField(write_only=True, required=False)

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "email", "phone", "is_active", "must_change_password",
                  "last_login", "password"]
        read_only_fields = ["last_login"]

    def validate(self, attrs):
        if not self.instance and not attrs.get("password"):
            raise serializers.ValidationError({"password": _("新建用户必须设置密码")})
        if attrs.get("password"):
            candidate = User(**{k: v for k, v in attrs.items() if k != "password"})
            try:
                password_validation.validate_password(attrs["password"], candidate)
            except DjangoValidationError as e:
                raise serializers.ValidationError({"password": list(e.messages)}) from None
        return attrs

    def create(self, validated):
        pw = validated.pop("password")
        user = User(**validated)
        user.set_password(pw)
        user.save()
        return user

    def update(self, instance, validated):
        pw = validated.pop("password", None)
        for k, v in validated.items():
            setattr(instance, k, v)
        if pw:
            instance.set_password(pw)
        instance.save()
        return instance


class RoleAssignmentSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.SlugRelatedField(slug_field="code", queryset=Jurisdiction.objects.all(),
                                                allow_null=True, required=False)
    role = serializers.SlugRelatedField(slug_field="code", queryset=Role.objects.all())

    class Meta:
        model = RoleAssignment
        fields = ["id", "user", "role", "jurisdiction", "departments", "enterprise_id"]

    def validate(self, attrs):
        inst = RoleAssignment(**{k: v for k, v in attrs.items() if k != "departments"})
        inst.clean()
        return attrs


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = ["id", "time", "actor", "actor_name", "source", "action", "model", "object_id", "object_repr",
                  "changes", "request_id", "remote_addr", "note"]
