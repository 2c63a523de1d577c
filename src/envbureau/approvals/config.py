"""Local parameters of approvals (many numbers are set by provinces, not nationally).

National defaults below; a deployment overrides any of them in settings.ENVBUREAU["APPROVALS"], e.g.
{"eia_commitments": {"110105": {"report": 20, "form": 10}}} (朝阳区 promises 20/10 working days) or
{"eia_commitment_system": {"110000": {"categories": ["form"], "days": 1}}} (告知承诺制 for 报告表 city-wide).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULTS = {
    # EIA review limits (环评法 art. 22 and 建设项目环境保护管理条例 art. 9: 60 / 30 days; counted in working days as
    # 行政许可法 art. 82 counts licensing periods). Registration forms are filed at once.
    "eia_review_days": {"report": 60, "form": 30},
    "eia_day_kind": "working",
    # Shorter local commitments per jurisdiction code (the nearest configured ancestor wins).
    "eia_commitments": {},
    # 行政许可法 art. 32: tell the applicant what is missing within 5 working days.
    "eia_acceptance_working_days": 5,
    # 受理公示 ≥ 10 working days, 拟批准公示 5 working days (MEE practice as bureaus publish it [2S]; no article found).
    "eia_acceptance_notice_working_days": 10,
    "eia_proposal_notice_working_days": 5,
    # 告知承诺制 (local pilots from 2020 [2S]) only where configured: {code: {"categories": [...], "days": 1}} (working days).
    "eia_commitment_system": {},
    # 排污许可管理条例 art. 14: validity 5 years; renewal applied for ≥ 60 days before expiry; decided within 20 days of the application
    # (working days, 行政许可法 art. 82): the due date of the 审查延续申请 task (permits.renewal_review_due).
    "permit_validity_years": 5,
    "permit_renewal_days_before": 60,
    "permit_renewal_review_days": 20,
    # Execution reports (排污许可管理条例 art. 22; dates from the industry technical specifications [2S]):
    # monthly and quarterly reports by the 15th of the next month; annual by 15 January.
    "report_due_day": 15,
    "annual_report_due": (1, 15),
    # 突发环境事件信息报告办法 (MEP Order No. 17, 2011) art. 3: the initial report (初报) to the government and the
    # higher authority within 4 hours of learning of a 一般/较大 incident, within 2 hours of a 重大/特别重大 one.
    # Clock hours (the duty runs around the clock): no holiday calendar applies.
    "incident_initial_report_hours": {"IV": 4, "III": 4, "II": 2, "I": 2},
    # The incident's page lists the linked enterprise's online-monitoring alarms live from this many hours before
    # the incident occurred (what led up to it) until it was closed (or now): a local choice.
    "incident_alarm_lookback_hours": 24,
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
    # HJ 941-2018 (企业突发环境事件风险分级方法) level tables. None: the platform's remembered tables
    # (envbureau.standards.hj941 Q_BANDS, M_BANDS, MATRIX; the Q bands and the matrix are [M], pending the
    # standard's text). A bureau that holds the standard supplies any of them without code, e.g.
    # {"q_bands": [[1, "Q0"], [10, "Q1"], [100, "Q2"]], "m_bands": [[25, "M1"], [45, "M2"], [60, "M3"]],
    #  "matrix": {"E1": {"M1": ["较大", "较大", "重大"], …}, …}, "source": "HJ 941-2018 表3、表4"}
    # (bands: upper bounds, exclusive, ascending; matrix[E][M] = levels for Q1, Q2, Q3; "source" names the text).
    # M and E from their parts (hj941.M_ITEMS, E_AIR, E_WATER, all [M] by default) take the same way:
    # "m_items": {"air": [["毒性气体泄漏监控预警措施", 25], …], "water": [[item, maximum score], …]},
    # "e_air": {"E1": [50000, 1000], "E2": [10000, 500]} (people within 5 km, within 500 m),
    # "e_water": {"S1": {"F1": "E1", "F2": "E1", "F3": "E2"}, "S2": {…}, "S3": {…}}, with "parts_source" naming
    # their text (else "source"); the working of a plan graded from parts names it, or says they are remembered.
    "hj941_tables": None,
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


def review_limit(jurisdiction, category: str) -> tuple[int, dict]:
    """(days, where the number comes from) for an EIA of `category` in `jurisdiction`: the source as the facts of
    its sentence (core.texts), naming the jurisdiction whose commitment it is by its name, never its code."""
    from django.utils.translation import gettext_noop

    from envbureau.core import texts

    code, local = _nearest(get("eia_commitments"), jurisdiction)
    if local and category in local:
        j = jurisdiction
        while j is not None and j.code != code:
            j = j.parent
        return int(local[category]), texts.sentence(gettext_noop("承诺时限(%(j)s)"), j=j.name if j else code)
    return int(get("eia_review_days")[category]), texts.sentence(gettext_noop("法定时限"))


def commitment_days(jurisdiction, category: str) -> int | None:
    """Working days to decide under 告知承诺制, or None when it is not configured there for the category."""
    _code, conf = _nearest(get("eia_commitment_system"), jurisdiction)
    if conf and category in conf.get("categories", ()):
        return int(conf.get("days", 1))
    return None


def _bands(value, names: tuple[str, ...], key: str) -> tuple:
    try:
        bands = tuple((float(upper), str(name)) for upper, name in value)
    except (TypeError, ValueError):
        raise ImproperlyConfigured(f'APPROVALS["hj941_tables"]["{key}"]: [[upper bound, class], …]') from None
    uppers = [b[0] for b in bands]
    if tuple(b[1] for b in bands) != names or uppers != sorted(set(uppers)):
        raise ImproperlyConfigured(f'APPROVALS["hj941_tables"]["{key}"]: classes {", ".join(names)} with ascending '
                                   "upper bounds")
    return bands


def hj941_tables() -> tuple[dict, str]:
    """(keyword arguments for envbureau.standards.hj941.grade, where the tables come from): the configured tables
    over the platform's remembered ones; "" when the Q bands or the matrix are still the remembered ones (a plan
    graded with them says so)."""
    from envbureau.standards import hj941

    conf = get("hj941_tables") or {}
    if not isinstance(conf, dict):
        raise ImproperlyConfigured('APPROVALS["hj941_tables"]: a dict of q_bands, m_bands, matrix, source')
    tables = {"q_bands": hj941.Q_BANDS, "m_bands": hj941.M_BANDS, "matrix": hj941.MATRIX}
    if "q_bands" in conf:
        tables["q_bands"] = _bands(conf["q_bands"], ("Q0", "Q1", "Q2"), "q_bands")
    if "m_bands" in conf:
        tables["m_bands"] = _bands(conf["m_bands"], ("M1", "M2", "M3"), "m_bands")
    if "matrix" in conf:
        matrix = conf["matrix"]
        try:
            tables["matrix"] = {e: {m: tuple(matrix[e][m]) for m in ("M1", "M2", "M3", "M4")}
                                for e in ("E1", "E2", "E3")}
        except (KeyError, TypeError):
            raise ImproperlyConfigured('APPROVALS["hj941_tables"]["matrix"]: E1–E3 × M1–M4, three levels each') from None
        bad = [lv for row in tables["matrix"].values() for cell in row.values() for lv in cell
               if lv not in hj941.LEVELS] + [1 for row in tables["matrix"].values() for cell in row.values()
                                              if len(cell) != 3]
        if bad:
            raise ImproperlyConfigured('APPROVALS["hj941_tables"]["matrix"]: three levels (一般/较大/重大) per cell')
    _parts_tables(conf, tables)
    remembered = "q_bands" not in conf or "matrix" not in conf
    return tables, "" if remembered else str(conf.get("source") or "HJ 941-2018")


def _parts_tables(conf: dict, tables: dict) -> None:
    """The tables M and E are computed from (m_items, e_air, e_water), validated, into `tables`; parts_source is
    "" (= remembered) unless all three are configured."""
    from envbureau.standards import hj941

    key = 'APPROVALS["hj941_tables"]'
    if "m_items" in conf:
        items = {}
        for medium in ("air", "water"):
            try:
                rows = tuple((str(name), float(most)) for name, most in conf["m_items"][medium])
            except (KeyError, TypeError, ValueError):
                raise ImproperlyConfigured(f'{key}["m_items"]: {{"air": [[item, maximum score], …], "water": …}}'
                                           ) from None
            names = [r[0] for r in rows]
            if not rows or len(set(names)) != len(names) or any(not n.strip() or m <= 0 for n, m in rows):
                raise ImproperlyConfigured(f'{key}["m_items"]["{medium}"]: distinct named items with positive maxima')
            if hj941.PROCESS_CAP + sum(m for _n, m in rows) > 100:
                raise ImproperlyConfigured(f'{key}["m_items"]["{medium}"]: the maxima plus the process part\'s '
                                           f"{hj941.PROCESS_CAP} exceed 100")
            items[medium] = rows
        tables["m_items"] = items
    if "e_air" in conf:
        try:
            e_air = {e: (float(conf["e_air"][e][0]), float(conf["e_air"][e][1])) for e in ("E1", "E2")}
        except (KeyError, TypeError, ValueError, IndexError):
            raise ImproperlyConfigured(f'{key}["e_air"]: {{"E1": [people within 5 km, within 500 m], "E2": […]}}'
                                       ) from None
        if not (e_air["E2"][0] < e_air["E1"][0] and e_air["E2"][1] < e_air["E1"][1]):
            raise ImproperlyConfigured(f'{key}["e_air"]: the E2 figures must be below the E1 figures')
        tables["e_air_thresholds"] = e_air
    if "e_water" in conf:
        try:
            e_water = {s: {f: str(conf["e_water"][s][f]) for f in ("F1", "F2", "F3")} for s in ("S1", "S2", "S3")}
        except (KeyError, TypeError):
            raise ImproperlyConfigured(f'{key}["e_water"]: S1–S3 × F1–F3 → E1–E3') from None
        if any(e not in ("E1", "E2", "E3") for row in e_water.values() for e in row.values()):
            raise ImproperlyConfigured(f'{key}["e_water"]: S1–S3 × F1–F3 → E1–E3')
        tables["e_water_matrix"] = e_water
    configured = all(k in conf for k in ("m_items", "e_air", "e_water"))
    tables["parts_source"] = str(conf.get("parts_source") or conf.get("source") or "HJ 941-2018") if configured else ""
