"""Permission codes and the grants a user holds.

A permission code is "<module>.<action>" (e.g. "quality.change", "audit.view", "ledger.verify").
Roles hold lists of codes; "*" means everything and "<module>.*" / "*.<action>" are wildcards.
A department adds view/add/change/delete on the modules it is responsible for. Each role
assignment carries its reach: city-wide, a jurisdiction subtree, or one enterprise.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CRUD = ("view", "add", "change", "delete")

# module -> {action: label}; apps add their own with register_permissions() in AppConfig.ready().
MODULES: dict[str, dict[str, str]] = {
    "core": {a: a for a in CRUD},
    "audit": {"view": _("查看审计日志")},
    "imports": {"run": _("导入数据")},
}
MODULE_LABELS: dict[str, str] = {"core": _("平台基础"), "audit": _("审计日志"), "imports": _("导入")}


def register_permissions(module: str, label, actions: dict[str, str] | None = None) -> None:
    perms = MODULES.setdefault(module, {a: a for a in CRUD})
    perms.update(actions or {})
    MODULE_LABELS[module] = label


def all_permission_codes() -> list[str]:
    return sorted(f"{m}.{a}" for m, acts in MODULES.items() for a in acts)


def validate_permission_codes(codes, already=()) -> None:
    """Malformed codes are refused; unknown ones too, unless the role already held them (a module
    that is not installed on this deployment keeps its codes in the built-in roles)."""
    if not isinstance(codes, list):
        raise ValidationError({"permissions": _("权限必须是列表")})
    known = set(all_permission_codes())
    for code in codes:
        if not isinstance(code, str) or "." not in code and code != "*":
            raise ValidationError({"permissions": _("无效的权限代码: %(c)s") % {"c": code}})
        if code == "*" or code.startswith("*.") or code.endswith(".*"):
            continue
        if code not in known and code not in already:
            raise ValidationError({"permissions": _("未知的权限代码: %(c)s") % {"c": code}})


# Codes a module wildcard ("*.view") does not reach: reading the audit log is granted by name
# ("audit.view", "audit.*" or "*"), so "city-wide read" roles do not see who did what.
EXPLICIT_ONLY = {"audit.view"}


def code_matches(granted: str, wanted: str) -> bool:
    if granted == "*" or granted == wanted:
        return True
    g_mod, _sep, g_act = granted.partition(".")
    w_mod, _sep, w_act = wanted.partition(".")
    if g_mod == "*" and g_act == w_act:
        return wanted not in EXPLICIT_ONLY
    return g_act == "*" and g_mod == w_mod


@dataclass(frozen=True)
class Grant:
    perms: frozenset[str]
    kind: str
    jurisdiction_path: str | None  # None = city-wide
    enterprise_id: int | None

    def allows(self, perm: str) -> bool:
        return any(code_matches(g, perm) for g in self.perms)


def grants_for(user) -> list[Grant]:
    """All grants of a user, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_eb_grants", None)
    if cached is not None:
        return cached
    from .models import RoleAssignment

    grants = []
    if user.is_superuser:
        grants.append(Grant(frozenset({"*"}), "admin", None, None))
    # One query of plain values (a row per assignment and department): this runs on every request, and model
    # instances with a prefetch cost ~2 ms of it.
    rows = (RoleAssignment.objects.filter(user_id=user.pk).order_by("pk")  # grant order: the same on every engine
            .values_list("pk", "role__permissions", "role__kind", "jurisdiction__path", "enterprise_id",
                         "departments__modules", "departments__active"))
    by_assignment: dict[int, tuple] = {}
    for pk, role_perms, kind, path, enterprise_id, modules, active in rows:
        if pk not in by_assignment:
            by_assignment[pk] = (set(role_perms or ()), kind, path, enterprise_id)
        if active and modules:
            by_assignment[pk][0].update(f"{m}.{act}" for m in modules for act in CRUD)
    for perms, kind, path, enterprise_id in by_assignment.values():  # in pk order, as the rows came
        grants.append(Grant(frozenset(perms), kind, path, enterprise_id))
    user._eb_grants = grants
    return grants


def has_perm(user, perm: str) -> bool:
    """True if the user holds the permission anywhere (scope is checked on the objects). Answers are kept with
    the grants on the user object for the request (the menu alone asks ~120 times a page)."""
    grants = grants_for(user)
    if not grants:
        return False
    memo = getattr(user, "_eb_perm_memo", None)
    if memo is None or memo[0] is not grants:
        memo = (grants, {})
        user._eb_perm_memo = memo
    if perm not in memo[1]:
        memo[1][perm] = any(g.allows(perm) for g in grants)
    return memo[1][perm]


def is_platform_admin(user) -> bool:
    return any(g.kind == "admin" and g.allows("*") and g.jurisdiction_path is None for g in grants_for(user))


def can_grant(user, role) -> bool:
    """Whether `user` may hand `role` to someone: platform admins may grant any role; others only
    roles that are not admin roles and whose every permission they hold themselves (no escalation)."""
    if user is None or is_platform_admin(user):
        return True
    if role.kind == "admin":
        return False
    held = [p for g in grants_for(user) for p in g.perms]
    return all(any(code_matches(h, p) for h in held) for p in role.permissions)
