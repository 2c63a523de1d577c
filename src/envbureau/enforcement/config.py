"""Local parameters of enforcement (regulations.md §0.3: many numbers are provincial).

National defaults below; a deployment overrides any of them in settings.ENVBUREAU["ENFORCEMENT"]
(e.g. {"yearly_cap": 3, "ratios": {"key": 0.125}}); a draw plan may override the draw parameters again.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_noop  # labels shown translated, stored as given

DEFAULTS = {
    # 双随机 (regulations.md §1.4, §1.5, §1.6, §1.7)
    "ratios": {"key": 0.25, "general": 0.05, "special": 0.25},  # share of the class per period
    "positive_factor": 0.5,  # positive-list enterprises: ratio × factor (0 = excluded from routine draws)
    "team_size": 2,  # 行政处罚法 art. 42
    "yearly_cap": 2,  # routine checks of one enterprise per year (2025 cap; province publishes it)
    "publish_within_working_days": 20,  # results published (一公开)
    # Recusal from recent postings (regulations.md §1.6: "previous employers"; the window is ours [M], a local
    # parameter): an inspector posted to the enterprise's area, or employed by it, within this many years before
    # the draw day (or still posted there) is recused automatically.
    "posting_recusal_years": 2,
    # Cases (regulations.md §2)
    "hearing_threshold_org": Decimal("200000"),  # 较大数额 for organisations (Measures art. 89)
    "hearing_threshold_person": Decimal("5000"),
    "hearing_threshold_inclusive": False,  # the source says the figure itself is excluded
    "decision_days": 90,  # 行政处罚法 art. 60, calendar days from filing
    "filing_days": 15,  # decide whether to file within 15 days of the clue
    "statement_working_days": 5,  # party asks for a hearing / states within 5 working days
    "service_working_days": 7,  # serve within 7 working days (art. 61)
    "payment_days": 15,  # pay within 15 days of receipt (art. 67)
    "surcharge_rate": Decimal("0.03"),  # 3 % a day, capped at the fine (art. 72)
    "max_extension_days": 60,  # +30 head approval, +30 collective decision (Measures art. 57)
    "transfer_detention_working_days": 3,  # files to the police for detention (移送行政拘留暂行办法 arts. 11, 19)
    "transfer_crime_days": 1,  # a suspected crime: within 24 hours of the head's approval (国务院令第310号 art. 5)
    "penalty_publish_working_days": 20,  # publish decisions within 20 working days (regulations.md §2.10)
    "penalty_publish_years": 3,  # taken down after 3 years at most (NDRC Order No. 58)
    # Automatic publication (job enforcement_autopublish): a recorded inspection's result this many working days
    # after the visit, a penalty decision this many working days after it became final (served); at the latest
    # on its publication due date. None switches the automatic path off (publish by hand).
    "auto_publish_inspection_working_days": 5,
    "auto_publish_penalty_working_days": 5,
    # Inspection photos and signatures: bounded uploads, re-encoded without metadata (EXIF, GPS).
    "photo_max_bytes": 10 * 1024 * 1024,
    "photo_max_pixels": 40_000_000,
    "photos_per_inspection": 30,
    "signature_max_bytes": 512 * 1024,
    "discretion_default": "gd-weight-sum",
    # Orders and coercive measures (regulations.md §2.4–2.6). Periods in calendar days unless named working.
    "recheck_days": 30,  # re-inspect within 30 days of serving the order to correct (Order No. 28 art. 10)
    "seizure_days": 30,  # 查封、扣押 at most 30 days (Order No. 29 art. 15; 行政强制法 art. 25)
    "seizure_max_extension_days": 30,
    # 查封扣押 taken on the spot in an emergency: the head's approval within this many clock hours (No. 29 art. 13)
    "emergency_approval_hours": 24,  # once more, at most 30 days, with the head's approval
    "limit_months": 3,  # 限制生产 normally at most 3 months (Order No. 30 art. 15)
    "limit_max_extension_months": 3,  # extendable by at most 3 months with the head's approval
    "measure_service_working_days": 7,  # serve 限产/停产 and daily-penalty decisions within 7 working days
    "plan_working_days": 15,  # 限产/停产: correction plan filed within 15 working days of receipt (Order No. 30 art. 16)
    "follow_up_days": 30,  # 限产/停产: follow-up check within 30 days of release (Order No. 30 art. 20)
    "release_check_working_days": 5,  # 查封扣押: a release request checked and decided within 5 working days (No. 29 art. 19)
    "release_service_working_days": 3,  # 查封扣押: the release decision served within 3 working days (No. 29 art. 21)
    # 限产/停产: the party asks to state or for a hearing within `statement_working_days` of the notice (行政处罚法
    # arts. 64, 85; Order No. 30 art. 11); no decision before that window has passed unless waived or heard.
    # The legal bases printed on the measures' decisions (data, not code: remap them to the 法典 here).
    "measure_bases": {
        "correction": "《环境保护主管部门实施按日连续处罚办法》第八条、第九条",
        "seizure": "《环境保护主管部门实施查封、扣押办法》第四条;《中华人民共和国行政强制法》第二十五条",
        "limit": "《环境保护主管部门实施限制生产、停产整治办法》第五条",
        "stop": "《环境保护主管部门实施限制生产、停产整治办法》第六条",
        "daily": "《环境保护主管部门实施按日连续处罚办法》第十七条至第十九条",
    },
    # ... on a case's 案件移送书 (regulations.md §2.7, §2.8)
    "transfer_bases": {
        "detention": "《中华人民共和国环境保护法》第六十三条;《行政主管部门移送适用行政拘留环境违法案件暂行办法》第十一条、第十二条",
        "crime": "《行政执法机关移送涉嫌犯罪案件的规定》第三条、第五条;《环境保护行政执法与刑事司法衔接工作办法》第五条",
    },
    # ... and those printed on a seizure's 处理决定 (行政强制法 art. 27; Order No. 29 art. 22)
    "disposal_bases": {
        "transfer": "《环境保护主管部门实施查封、扣押办法》第二十二条;《行政执法机关移送涉嫌犯罪案件的规定》",
        "confiscate": "《中华人民共和国行政强制法》第二十七条",
        "destroy": "《中华人民共和国行政强制法》第二十七条",
    },
    # 查封、扣押 decisions, their extensions and releases are published (Order No. 29 art. 7; regulations.md §2.5):
    # within this many working days of the decision (the grassroots catalogue's 20, §2.10), automatically this many
    # working days after it (None: by hand only)
    "seizure_publish_working_days": 20,
    "auto_publish_seizure_working_days": 5,
    # Credit rating (regulations.md §6): indicator weights (local; national annex figures where known,
    # the rest ours), grade bands (Anhui practice: 诚信 95–100, 良好 80–<95, 警示 60–<80, 不良 <60).
    "credit_indicators": {
        "emission_compliance": (gettext_noop("大气及水污染物达标排放"), 15),
        "penalties": (gettext_noop("行政处罚与行政命令"), 15),
        "risk": (gettext_noop("环境风险管理"), 10),
        "solid_waste": (gettext_noop("一般固体废物"), 5),
        "hazardous_waste": (gettext_noop("危险废物规范化管理"), 5),
        "noise": (gettext_noop("噪声污染防治"), 4),
        "siting": (gettext_noop("选址布局"), 2),
        "permits": (gettext_noop("排污许可与环评手续"), 14),
        "monitoring": (gettext_noop("自行监测与在线监控"), 15),
        "disclosure": (gettext_noop("环境信息公开"), 5),
        "social": (gettext_noop("社会监督"), 10),
    },
    "credit_bands": {"green": 95, "blue": 80, "yellow": 60},
    "credit_repair_months": 6,
    "discretion_methods": None,  # None = the methods shipped in discretion.METHODS; a dict adds or replaces
}


def get(name: str):
    override = (getattr(settings, "ENVBUREAU", {}) or {}).get("ENFORCEMENT", {}) or {}
    value = DEFAULTS[name]
    if name == "discretion_methods":
        from .discretion import METHODS

        return {**METHODS, **(override.get(name) or {})}
    if name in override:
        if isinstance(value, dict):
            return {**value, **override[name]}
        return type(value)(override[name]) if isinstance(value, Decimal) else override[name]
    return value
