"""Local parameters of projects and campaigns (much of this is set locally: national defaults plus a
per-jurisdiction table). A deployment overrides them in settings.ENVBUREAU["PROJECTS"], e.g.
{"red_behind": 0.3, "jurisdictions": {"110101": {"half_share": 0.6}}}: a jurisdiction's entry applies to it
and everything below it (the longest matching code wins)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext_noop  # labels shown translated, stored as given

from envbureau.core import local_settings

DEFAULTS = {
    # 时间过半、任务过半 (a reporting convention, no national rule found [M]): from this day of the plan year time counts as past half, and this share
    # of the year's projects must be finished by then. Local practice; 30 June and 50 % by default.
    "half_day": "06-30",
    "half_share": 0.5,
    # Red/yellow flags against 序时进度 (share of the year elapsed): yellow when the share finished is
    # below it, red when it is more than `red_behind` (fraction points) below it.
    "yellow_behind": 0.0,
    "red_behind": 0.2,
    # Monthly progress reports: the owner unit reports month M by this day of month M+1.
    "report_due_day": 5,
    # Fund performance evaluation (绩效评价): indicators with weights (points out of 100) and grade
    # bands (优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差; 财预〔2020〕10号 practice).
    "evaluation_indicators": {
        "decision": (gettext_noop("项目决策"), 20), "process": (gettext_noop("项目过程"), 20),
        "output": (gettext_noop("项目产出"), 40), "effect": (gettext_noop("项目效益"), 20),
    },
    "grade_bands": {"excellent": 90, "good": 80, "fair": 60},
    # Campaign kinds (专项行动): label and classes, each class with its closure checks (散乱污: 国发〔2018〕22号 and
    # provincial plans, e.g. 粤府函〔2018〕289号 [2S]). 散乱污:
    # 关停取缔 closes out only with 两断三清 (断水、断电、清原料、清设备、清产品) recorded.
    "campaign_kinds": {
        "sanluanwu": {"label": gettext_noop("“散乱污”企业综合整治"), "classes": {
            "close": (gettext_noop("关停取缔"), [gettext_noop("断水"), gettext_noop("断电"), gettext_noop("清原料"),
                                               gettext_noop("清设备"), gettext_noop("清产品")]),
            "relocate": (gettext_noop("整合搬迁"), []),
            "upgrade": (gettext_noop("升级改造"), []),
        }},
        "survey": {"label": gettext_noop("排查整治专项行动"), "classes": {"rectify": (gettext_noop("限期整改"), [])}},
    },
    # River outfalls: second-level types per first-level type (HJ 1312-2023; a code table).
    "outfall_types": {
        "industrial": [gettext_noop("工矿企业排污口"), gettext_noop("工矿企业雨洪排口"),
                       gettext_noop("工业及其他各类园区污水处理厂排污口"), gettext_noop("工业及其他各类园区雨洪排口")],
        "sewage_plant": [gettext_noop("城镇污水处理厂排污口")],
        "agricultural": [gettext_noop("规模化畜禽养殖排污口"), gettext_noop("规模化水产养殖排污口")],
        "other": [gettext_noop("大中型灌区排口"), gettext_noop("港口码头排口"), gettext_noop("规模以下畜禽养殖排污口"),
                  gettext_noop("规模以下水产养殖排污口"), gettext_noop("农村污水处理设施排污口"),
                  gettext_noop("农村生活污水散排口"), gettext_noop("城镇雨洪排口"), gettext_noop("城镇生活污水散排口")],
    },
    # The third level (HJ 1312-2023): under 工矿企业排污口 and 工矿企业雨洪排口, by the kind of works.
    "outfall_types_level3": {
        "工矿企业排污口": [gettext_noop("工业企业排污口"), gettext_noop("矿山排污口"), gettext_noop("尾矿库排污口")],
        "工矿企业雨洪排口": [gettext_noop("工业企业雨洪排口"), gettext_noop("矿山雨洪排口"), gettext_noop("尾矿库雨洪排口")],
    },
    # Evidence uploads (photos from a phone, reports): per step at most this many files of this size.
    # Grid supervision (国办发〔2014〕56号; levels and frequencies are local practice): levels below the street and the patrol interval per level
    # (Chengde: level 1 weekly, level 2 twice a week, level 3 every 2 days).
    "grid_levels": {"1": gettext_noop("一级网格"), "2": gettext_noop("二级网格"), "3": gettext_noop("三级网格")},
    "patrol_frequency_days": {"1": 7, "2": 3, "3": 2},
    # Red/yellow cards for enterprises (红黄牌警示, local practice [R]): the criteria (label, the colour they
    # give), what each colour means, the publication cycle (Liuzhou: every half year; Jincheng: each quarter,
    # within a month after it ends) and the default time to rectify before the re-check (摘牌 or 升级红牌).
    "card_criteria": {
        "exceed_penalised": (gettext_noop("超标排放受到行政处罚"), "yellow"),
        "repeat_violation": (gettext_noop("一年内多次环境违法"), "yellow"),
        "not_fixed_after_yellow": (gettext_noop("黄牌警示后逾期未完成整改"), "red"),
        "ordered_closure": (gettext_noop("依法应予停业、关闭"), "red"),
    },
    "card_measures": {"yellow": gettext_noop("可责令限制生产或停产整治"),
                      "red": gettext_noop("报有批准权的人民政府责令停业、关闭")},
    "card_cycle": "half_year",  # or "quarter"
    "card_publish_days": 30,
    "card_rectify_days": 90,
    "max_files": 9,
    "max_file_mb": 10,
}


def _override(jurisdiction) -> dict:
    """`jurisdiction`: a core.Jurisdiction, its path ("/110000/110101/") or None (national defaults)."""
    return local_settings.section_for("PROJECTS", jurisdiction)


def get(name: str, jurisdiction=None):
    value = _override(jurisdiction).get(name, DEFAULTS[name])
    if isinstance(DEFAULTS[name], dict):
        return {**DEFAULTS[name], **value} if name != "evaluation_indicators" else dict(value)
    return value


def every(name: str) -> dict:
    """A dict setting merged over the defaults, the deployment's and every jurisdiction's entry: what a form may
    offer before the record's jurisdiction is chosen (the model then checks it for that jurisdiction)."""
    conf = (getattr(settings, "ENVBUREAU", {}) or {}).get("PROJECTS", {}) or {}
    out = {**DEFAULTS[name], **(conf.get(name) or {})}
    for entry in (conf.get("jurisdictions") or {}).values():
        out.update((entry or {}).get(name) or {})
    return out


def half_on(year: int, jurisdiction=None) -> dt.date:
    month, day = (int(x) for x in str(get("half_day", jurisdiction)).split("-"))
    return dt.date(year, month, day)
