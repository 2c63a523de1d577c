"""Local parameters of enforcement (many numbers are set by provinces, not nationally).

National defaults below; a deployment overrides any of them in settings.ENVBUREAU["ENFORCEMENT"]
(e.g. {"yearly_cap": 3, "ratios": {"key": 0.125}}); a draw plan may override the draw parameters again.
Provincial numbers (hearing thresholds, days, publication periods …) may differ per jurisdiction, as in
projects.config: {"jurisdictions": {"500000": {"hearing_threshold_org": 50000}}} applies to that jurisdiction and
everything below it (the nearest code on the path wins), over the deployment's value, over the national default.
`get(name, jurisdiction)` reads it; a case, measure or inspection passes its own jurisdiction.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_noop  # labels shown translated, stored as given

from envbureau.core import local_settings

DEFAULTS = {
    # 双随机 (ratios: 环办〔2015〕88号 as provinces reproduce it [1S]; positive list: 环办执法〔2021〕10号; team:
    # 行政处罚法 art. 42; yearly cap: 国办发〔2024〕54号, 环办执法〔2025〕4号)
    "ratios": {"key": 0.25, "general": 0.05, "special": 0.25},  # share of the class per period
    "positive_factor": 0.5,  # positive-list enterprises: ratio × factor (0 = excluded from routine draws)
    "team_size": 2,  # 行政处罚法 art. 42
    "yearly_cap": 2,  # routine checks of one enterprise per year (2025 cap; province publishes it)
    "publish_within_working_days": 20,  # results published (一公开)
    # Recusal from recent postings (行政处罚法 art. 43; keeping "previous employers" is our design; the window is
    # ours [M], a local parameter): an inspector posted to the enterprise's area, or employed by it, within this many years before
    # the draw day (or still posted there) is recused automatically.
    "posting_recusal_years": 2,
    # Cases (行政处罚法 2021; 《生态环境行政处罚办法》, 生态环境部令第30号, 2023)
    "hearing_threshold_org": Decimal("200000"),  # 较大数额 for organisations (Measures art. 89)
    "hearing_threshold_person": Decimal("5000"),
    "hearing_threshold_inclusive": False,  # the source says the figure itself is excluded
    "decision_days": 90,  # 行政处罚法 art. 60, calendar days from filing
    "filing_days": 15,  # decide whether to file within 15 days of the clue (Measures art. 18): calendar days,
    # the last day moved to the next working day (行政处罚法 art. 85: only 二/三/五/七日 are working days)
    "filing_extension_days": 15,  # extendable by 15 days with the head's approval (art. 18)
    "statement_working_days": 5,  # party asks for a hearing / states within 5 working days
    "service_working_days": 7,  # serve within 7 working days (art. 61)
    "payment_days": 15,  # pay within 15 days of receipt (art. 67)
    "surcharge_rate": Decimal("0.03"),  # 3 % a day, capped at the fine (art. 72)
    "max_extension_days": 60,  # +30 head approval, +30 collective decision (Measures art. 57)
    "transfer_detention_working_days": 3,  # files to the police for detention (移送行政拘留暂行办法 arts. 11, 19)
    "transfer_crime_days": 1,  # a suspected crime: within 24 hours of the head's approval (国务院令第310号 art. 5)
    "transfer_answer_days": 3,  # the police decide whether to open a criminal case within 3 days (310号 art. 8)
    "detention_days_range": (5, 15),  # 环境保护法 art. 63: 10–15 days, 5–10 in minor cases
    "penalty_publish_working_days": 20,  # publish decisions within 20 working days (a grassroots publication catalogue [1S])
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
    # Off-site inspections: online-monitoring data captured as evidence (alarms and hourly values of a period)
    "monitoring_capture_max_days": 31,
    "monitoring_capture_max_rows": 5000,
    "discretion_default": "gd-weight-sum",
    # Orders and coercive measures (MEP Orders No. 28–30 of 2014). Periods in calendar days unless named working.
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
    # ... on a case's 案件移送书 (环境保护法 art. 63; 国务院令第310号)
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
    # 查封、扣押 decisions, their extensions and releases are published (Order No. 29 art. 7):
    # within this many working days of the decision (a grassroots publication catalogue's 20 [1S]), automatically this many
    # working days after it (None: by hand only)
    "seizure_publish_working_days": 20,
    "auto_publish_seizure_working_days": 5,
    # Credit rating (《企业环境信用评价办法（试行）》): the national method's 21 indicators in 4 groups (环发〔2013〕150号),
    # key: (name, weight in %). Weights marked [1S] are the national annex figures the sources give (达标排放 15,
    # 行政处罚与行政命令 15, 环境风险管理 10, 一般固废 5, 危废规范化 5, 噪声 4, 选址布局 2); every other weight, and the
    # exact names and group of the indicators the sources do not list, are [M]: the method's table was not in the
    # sources, so a bureau replaces them here with its province's table. Weights need not add up to 100 (the score
    # is the weighted mean).
    "credit_indicators": {
        "emission_compliance": (gettext_noop("大气及水污染物达标排放"), 15),  # [1S]
        "solid_waste": (gettext_noop("一般固体废物处理处置"), 5),  # [1S]
        "hazardous_waste": (gettext_noop("危险废物规范化管理"), 5),  # [1S]
        "noise": (gettext_noop("噪声污染防治"), 4),  # [1S]
        "siting": (gettext_noop("选址布局中的生态保护"), 2),  # [1S]
        "resource_use": (gettext_noop("资源利用中的生态保护"), 2),  # [M]
        "construction": (gettext_noop("开发建设中的生态保护"), 2),  # [M]
        "eia": (gettext_noop("建设项目环评及竣工环保验收"), 6),  # [M]
        "permit": (gettext_noop("排污许可证"), 4),  # [M]
        "execution_report": (gettext_noop("排污许可执行报告(排污申报)"), 2),  # [M]
        "tax": (gettext_noop("环境保护税(排污费)缴纳"), 3),  # [M]
        "facilities": (gettext_noop("污染治理设施运行"), 6),  # [M]
        "outlets": (gettext_noop("排污口规范化整治"), 2),  # [M]
        "monitoring": (gettext_noop("企业自行监测"), 4),  # [M]
        "internal": (gettext_noop("内部环境管理"), 2),  # [M]
        "risk": (gettext_noop("环境风险管理"), 10),  # [1S]
        "cleaner_production": (gettext_noop("强制性清洁生产审核"), 2),  # [M]
        "penalties": (gettext_noop("行政处罚与行政命令"), 15),  # [1S]
        "complaints": (gettext_noop("群众投诉"), 4),  # [M]
        "media": (gettext_noop("媒体监督"), 2),  # [M]
        "disclosure": (gettext_noop("环境信息公开"), 3),  # [M]
    },
    # the four groups (环发〔2013〕150号 [2S]; some copies say 环境监理 for 环境管理) and each indicator's group
    "credit_groups": {"pollution": gettext_noop("污染防治"), "ecology": gettext_noop("生态保护"),
                      "management": gettext_noop("环境管理"), "social": gettext_noop("社会监督")},
    "credit_indicator_groups": {
        "emission_compliance": "pollution", "solid_waste": "pollution", "hazardous_waste": "pollution",
        "noise": "pollution", "siting": "ecology", "resource_use": "ecology", "construction": "ecology",
        "eia": "management", "permit": "management", "execution_report": "management", "tax": "management",
        "facilities": "management", "outlets": "management", "monitoring": "management", "internal": "management",
        "risk": "management", "cleaner_production": "management", "penalties": "management",
        "complaints": "social", "media": "social", "disclosure": "social",
    },
    # each indicator's score falls in one of three bands (环发〔2013〕150号 annex [2S]): 80–100, 50–79, 0–49 (lower bounds)
    "credit_indicator_bands": (80, 50),
    # 达标排放 from online monitoring: compliant share of point-days ≥ 90 % band 1, ≥ 75 % band 2, below band 3,
    # below 50 % scores 0 (the national annex's indicator table, one copy [1S])
    "credit_compliance_bands": (Decimal("0.90"), Decimal("0.75"), Decimal("0.50")),
    # grade bands of the weighted score (Anhui practice [1S]: 诚信 95–100, 良好 80–<95, 警示 60–<80, 不良 <60)
    "credit_bands": {"green": 95, "blue": 80, "yellow": 60},
    # One-vote veto straight to 不良 (环发〔2013〕150号 [2S]; Quanzhou list [1S]): a decided case citing one of these provisions
    # (建设项目未批先建, 未验先投, 重大变动未重新报批 — keys as in 法律依据)
    "credit_veto_provisions": ["construction_without_eia", "operation_before_acceptance",
                               "major_change_without_approval"],
    # Credit repair (local practice): an application is accepted no earlier than `credit_repair_wait_months` after the
    # results were published (national default 3 months: the minimum display period of penalty information
    # before repair, NDRC Order No. 58 [2S] — the environmental-credit sources give no own figure) and no
    # later than `credit_repair_months` after it (Guangdong 6 months [1S]); 准予修复 is publicised for
    # `credit_repair_publicity_days` calendar days (7 [1S]) before the raised grade takes effect.
    "credit_repair_wait_months": 3,
    "credit_repair_months": 6,
    "credit_repair_publicity_days": 7,
    # documents an application must include (key: name); [M] — the Guangzhou guide lists its own, not read
    "credit_repair_documents": {
        "application": gettext_noop("信用修复申请书"),
        "commitment": gettext_noop("信用修复承诺书"),
        "rectification": gettext_noop("整改完成情况报告及证明材料"),
        "penalty_fulfilled": gettext_noop("行政处罚决定履行完毕的证明"),
    },
    "discretion_methods": None,  # None = the methods shipped in discretion.METHODS; a dict adds or replaces
}


def _override(jurisdiction) -> dict:
    """The deployment's settings, then each jurisdiction's entry from the city down to `jurisdiction` (a
    core.Jurisdiction, its path "/500000/500101/" or None for the deployment's and national values)."""
    return local_settings.section_for("ENFORCEMENT", jurisdiction,
                                      merge={k for k, v in DEFAULTS.items() if isinstance(v, dict)})


def get(name: str, jurisdiction=None):
    override = _override(jurisdiction)
    value = DEFAULTS[name]
    if name == "discretion_methods":
        from .discretion import METHODS

        return {**METHODS, **(override.get(name) or {})}
    if name in override:
        if isinstance(value, dict):
            return {**value, **override[name]}
        return type(value)(override[name]) if isinstance(value, Decimal) else override[name]
    return value
