"""Built-in roles and departments created by migrations/demo; admins can change or add more in the UI."""

DEFAULT_ROLES = [
    # code, name, kind, permissions
    ("admin", "平台管理员", "admin", ["*"]),
    ("leader", "局领导", "staff", ["*.view", "audit.view"]),
    ("staff", "局机关人员", "staff", ["*.view", "imports.run"]),
    ("ledger_manager", "督察整改管理员", "staff", ["*.view", "ledger.*", "imports.run"]),
    ("complaints_office", "信访办理人员", "staff", ["*.view", "imports.run", "complaints.*"]),
    # 执法支队 reviews online-monitoring alarms and abnormal-data declarations (sources' own staff verbs).
    ("enforcement_officer", "执法人员", "staff", ["*.view", "imports.run", "enforcement.*", "sources.ack_alarm",
                                               "sources.close_alarm", "sources.approve_declaration"]),
    ("report_signer", "报告签发人", "staff", ["*.view", "reports.*"]),
    ("projects_manager", "攻坚项目管理员", "staff", ["*.view", "imports.run", "projects.*"]),
    ("waste_officer", "固体废物与土壤管理人员", "staff", ["*.view", "imports.run", "waste.*", "soil.*"]),
    ("approvals_officer", "行政审批人员", "staff",
     ["*.view", "imports.run", "approvals.view", "approvals.add", "approvals.change", "approvals.accept",
      "approvals.review", "approvals.decide", "approvals.permit", "approvals.emergency"]),
    ("officer", "属地人员(区县/街道)", "officer",
     ["core.view", "quality.view", "quality.handle", "sources.view", "sources.ack_alarm", "ledger.view", "ledger.change", "ledger.rectify",
      "ledger.request_close", "ledger.verify",
      "complaints.view", "complaints.change", "complaints.handle", "enforcement.view", "projects.view",
      "projects.report", "projects.patrol", "waste.view", "waste.handle", "soil.view", "approvals.view"]),
    ("enterprise", "企业用户", "enterprise", ["sources.view", "sources.declare", "ledger.view", "ledger.rectify",
                                           "enforcement.view", "enforcement.repair_apply", "waste.view", "waste.ship", "waste.receive",
                                           "waste.carry",
                                           "waste.declare", "soil.view", "soil.report", "approvals.view",
                                           "approvals.apply", "approvals.report"]),
]

DEFAULT_DEPARTMENTS = [
    ("air", "大气环境科", ["quality"]),
    ("water", "水生态环境科", ["quality"]),
    ("enforcement", "执法支队", ["sources", "ledger", "enforcement"]),
    ("monitoring", "监测站", ["quality", "sources"]),
    ("petition", "信访办", ["complaints", "ledger"]),
    ("oversight", "督察办", ["ledger"]),
    ("planning", "综合规划科(攻坚办)", ["projects"]),
    ("solid_waste", "固体废物与化学品科", ["waste"]),
    ("soil", "土壤生态环境科", ["soil"]),
    ("approvals", "行政审批科", ["approvals"]),
]


def ensure_defaults():
    from .models import Department, Role

    for code, name, kind, perms in DEFAULT_ROLES:
        Role.objects.get_or_create(code=code, defaults={"name": name, "kind": kind, "permissions": perms})
    for code, name, modules in DEFAULT_DEPARTMENTS:
        Department.objects.get_or_create(code=code, defaults={"name": name, "modules": modules})


def grant_builtin(apps, role_code: str, permissions: list[str]) -> None:
    """For a data migration: a built-in role of a database made before gains the permissions DEFAULT_ROLES gives
    new databases (only the missing ones, so running it again changes nothing; a role an admin deleted stays
    deleted)."""
    Role = apps.get_model("core", "Role")
    for role in Role.objects.filter(code=role_code):
        missing = [p for p in permissions if p not in role.permissions]
        if missing:
            role.permissions = [*role.permissions, *missing]
            role.save(update_fields=["permissions"])
