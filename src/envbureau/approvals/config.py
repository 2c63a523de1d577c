"""Local parameters of approvals (regulations.md §0.3: many numbers are provincial).

National defaults below; a deployment overrides any of them in settings.ENVBUREAU["APPROVALS"], e.g.
{"eia_commitments": {"110105": {"report": 20, "form": 10}}} (朝阳区 promises 20/10 working days) or
{"eia_commitment_system": {"110000": {"categories": ["form"], "days": 1}}} (告知承诺制 for 报告表 city-wide).
"""

from __future__ import annotations

from django.conf import settings

DEFAULTS = {
    # EIA review limits (regulations.md §3.2, 环评法 art. 22: 60 / 30 days; counted in working days as
    # 行政许可法 art. 82 counts licensing periods). Registration forms are filed at once.
    "eia_review_days": {"report": 60, "form": 30},
    "eia_day_kind": "working",
    # Shorter local commitments per jurisdiction code (the nearest configured ancestor wins).
    "eia_commitments": {},
    # 行政许可法 art. 32: tell the applicant what is missing within 5 working days.
    "eia_acceptance_working_days": 5,
    # §3.3: 受理公示 ≥ 10 working days, 拟批准公示 5 working days.
    "eia_acceptance_notice_working_days": 10,
    "eia_proposal_notice_working_days": 5,
    # §3.4: 告知承诺制 only where configured: {code: {"categories": [...], "days": 1}} (working days).
    "eia_commitment_system": {},
    # §4.2: validity 5 years; renewal applied for ≥ 60 days before expiry; reviewed within 20 days.
    "permit_validity_years": 5,
    "permit_renewal_days_before": 60,
    "permit_renewal_review_days": 20,
    # §4.3: monthly and quarterly reports by the 15th of the next month; annual by 15 January.
    "report_due_day": 15,
    "annual_report_due": (1, 15),
    # 突发环境事件信息报告办法 (MEP Order No. 17, 2011) art. 3: the initial report (初报) to the government and the
    # higher authority within 4 hours of learning of a 一般/较大 incident, within 2 hours of a 重大/特别重大 one.
    # Clock hours (the duty runs around the clock): no holiday calendar applies.
    "incident_initial_report_hours": {"IV": 4, "III": 4, "II": 2, "I": 2},
    # Post-permit supervision (证后监管): an execution report's emissions may differ from what online monitoring
    # measured over the same period by this share of the measured amount before the difference is flagged
    # (a local choice, no national figure found).
    "emission_tolerance_percent": 10,
    # Materials an enterprise uploads (EIA application, emergency plan): per file, per object, and the types.
    "material_max_bytes": 20 * 1024 * 1024,
    "material_max_files": 50,
    "material_extensions": ["pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png", "zip"],
    # Working days the supervision task (证后监管) gives the officer to follow a finding up.
    "supervision_working_days": 10,
    # Project pre-review (项目预审 of 招商引资 / 工业内生 projects against 三线一单 and industry policy): local practice,
    # no national procedure or limit found; working days from receipt to the opinion (a local service commitment).
    "prereview_working_days": 5,
}


def get(name: str):
    override = (getattr(settings, "ENVBUREAU", {}) or {}).get("APPROVALS", {}) or {}
    value = DEFAULTS[name]
    if name in override:
        if isinstance(value, dict) and name == "eia_review_days":
            return {**value, **override[name]}
        return override[name]
    return value


def _nearest(table: dict, jurisdiction):
    """The entry of `table` for the jurisdiction or its nearest configured ancestor, with that code."""
    j = jurisdiction
    while j is not None:
        if j.code in table:
            return j.code, table[j.code]
        j = j.parent
    return None, None


def review_limit(jurisdiction, category: str) -> tuple[int, str]:
    """(days, where the number comes from) for an EIA of `category` in `jurisdiction`."""
    code, local = _nearest(get("eia_commitments"), jurisdiction)
    if local and category in local:
        return int(local[category]), f"承诺时限({code})"
    return int(get("eia_review_days")[category]), "法定时限"


def commitment_days(jurisdiction, category: str) -> int | None:
    """Working days to decide under 告知承诺制, or None when it is not configured there for the category."""
    _code, conf = _nearest(get("eia_commitment_system"), jurisdiction)
    if conf and category in conf.get("categories", ()):
        return int(conf.get("days", 1))
    return None
