"""Vocabularies of the quality app (labels in Chinese; allowed transitions next to the states)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

POLLUTANTS = ("pm25", "pm10", "so2", "no2", "co", "o3")
POLLUTANT_LABELS = {"pm25": "PM2.5", "pm10": "PM10", "so2": "SO2", "no2": "NO2", "co": "CO", "o3": "O3"}
# bit of each pollutant in AirHourly.invalid_mask / .flags
POLLUTANT_BIT = {p: 1 << i for i, p in enumerate(POLLUTANTS)}
UNITS = {"pm25": "µg/m³", "pm10": "µg/m³", "so2": "µg/m³", "no2": "µg/m³", "co": "mg/m³", "o3": "µg/m³"}
# GB 3838 items (envbureau.standards.water.ITEMS) by name, marked for translation and read in the request's
# language by water_item_label (the standards library keeps its Chinese names for its own reports)
WATER_ITEM_NAMES = {
    "temp": gettext_noop("水温"), "ph": "pH", "do": gettext_noop("溶解氧"), "codmn": gettext_noop("高锰酸盐指数"),
    "cod": gettext_noop("化学需氧量"), "bod5": gettext_noop("五日生化需氧量"), "nh3n": gettext_noop("氨氮"),
    "tp": gettext_noop("总磷"), "tn": gettext_noop("总氮"), "cu": gettext_noop("铜"), "zn": gettext_noop("锌"),
    "f": gettext_noop("氟化物"), "se": gettext_noop("硒"), "as": gettext_noop("砷"), "hg": gettext_noop("汞"),
    "cd": gettext_noop("镉"), "cr6": gettext_noop("六价铬"), "pb": gettext_noop("铅"), "cn": gettext_noop("氰化物"),
    "phenol": gettext_noop("挥发酚"), "oil": gettext_noop("石油类"), "las": gettext_noop("阴离子表面活性剂"),
    "s2": gettext_noop("硫化物"), "fcoli": gettext_noop("粪大肠菌群"),
}
WATER_ITEM_UNITS = {"temp": "℃", "ph": "", "fcoli": gettext_noop("个/L")}  # every other item: mg/L


def water_item_label(code: str, unit: bool = False) -> str:
    """A GB 3838 item by its name in the reader's language ("溶解氧" / "Dissolved oxygen"), with its unit
    when asked ("Dissolved oxygen (mg/L)"; pH has none); an unknown code or a name already written: as given."""
    from django.utils.translation import gettext

    name = WATER_ITEM_NAMES.get(code)
    if name is None:
        code = WATER_ITEM_BY_NAME.get(code, code)
        name = WATER_ITEM_NAMES.get(code)
        if name is None:
            return code
    label = gettext(name)
    u = gettext(WATER_ITEM_UNITS.get(code, "mg/L")) if unit else ""
    return f"{label} ({u})" if u else label


def water_items_text(items) -> str:
    """Main pollutants as the standards library and stored classes write them (["总磷(1.2)", "溶解氧"] or
    "总磷(1.2)、溶解氧") in the reader's language: "Total phosphorus(1.2), Dissolved oxygen"."""
    import re

    from django.utils.translation import pgettext

    parts = items.split("、") if isinstance(items, str) else list(items or ())
    out = []
    for part in parts:
        m = re.fullmatch(r"(.+?)(\([^()]*\))?", part.strip())
        if m is None:
            continue
        out.append(water_item_label(m.group(1)) + (m.group(2) or ""))
    return pgettext("列举", "、").join(out)


# names as the standards library and older stored rows write them ("溶解氧") → code
WATER_ITEM_BY_NAME = {name: code for code, name in WATER_ITEM_NAMES.items()}

# Range and consistency checks of raw values (error / flag bounds): plausibility.py


class AirControlLevel(models.TextChoices):
    NATIONAL = "national", _("国控")
    PROVINCIAL = "provincial", _("省控")
    CITY = "city", _("市控")
    MICRO = "micro", _("微站")


class WaterControlLevel(models.TextChoices):
    NATIONAL = "national", _("国考")
    PROVINCIAL = "provincial", _("省考")
    CITY = "city", _("市考")
    COUNTY = "county", _("县控")


class WaterBodyType(models.TextChoices):
    RIVER = "river", _("河流")
    LAKE = "lake", _("湖库")


class WaterClass(models.IntegerChoices):
    I = 1, "Ⅰ"  # noqa: E741
    II = 2, "Ⅱ"
    III = 3, "Ⅲ"
    IV = 4, "Ⅳ"
    V = 5, "Ⅴ"
    WORSE_V = 6, _("劣Ⅴ")


class SampleKind(models.TextChoices):
    MANUAL = "manual", _("手工监测")
    AUTOMATIC = "automatic", _("自动监测")


class DrinkingSourceType(models.TextChoices):
    RIVER = "river", _("河流型")
    LAKE = "lake", _("湖库型")
    GROUNDWATER = "groundwater", _("地下水型")


class DrinkingSourceLevel(models.TextChoices):
    """Administrative level of a drinking-water source (bureaus report 县级及以上 separately)."""

    COUNTY = "county", _("县级及以上")
    TOWNSHIP = "township", _("乡镇级")
    RURAL = "rural", _("农村")


class NoiseZone(models.TextChoices):
    Z0 = "0", _("0类")
    Z1 = "1", _("1类")
    Z2 = "2", _("2类")
    Z3 = "3", _("3类")
    Z4A = "4a", _("4a类")
    Z4B = "4b", _("4b类")


class DayNight(models.TextChoices):
    DAY = "day", _("昼间")
    NIGHT = "night", _("夜间")


class TargetIndicator(models.TextChoices):
    PM25_MEAN = "pm25_mean", _("PM2.5平均浓度(微克/立方米) ≤")
    GOOD_DAY_RATIO = "good_day_ratio", _("优良天数比率(%) ≥")
    HEAVY_DAYS = "heavy_days", _("重污染天数(天) ≤")
    COMPOSITE_INDEX = "composite_index", _("综合指数 ≤")
    PM10_MEAN = "pm10_mean", _("PM10平均浓度(微克/立方米) ≤")
    NO2_MEAN = "no2_mean", _("NO2平均浓度(微克/立方米) ≤")
    O3_P90 = "o3_8h_p90", _("O3日最大8小时平均第90百分位浓度(微克/立方米) ≤")
    WATER_CLASS3_SHARE = "water_class3_share", _("Ⅰ～Ⅲ类断面比例(%) ≥")
    WATER_CLASS2_SHARE = "water_class2_share", _("Ⅰ～Ⅱ类断面比例(%) ≥")
    WATER_WORSE_V_SHARE = "water_worse_v_share", _("劣Ⅴ类断面比例(%) ≤")
    WATER_TARGET_RATE = "water_target_rate", _("断面水质达标率(%) ≥")
    DRINKING_COMPLIANCE = "drinking_compliance", _("饮用水水源地达标率(%) ≥")


# direction of each target: "le" = the value must stay at or below, "ge" = at or above
TARGET_DIRECTION = {"pm25_mean": "le", "good_day_ratio": "ge", "heavy_days": "le", "composite_index": "le",
                    "pm10_mean": "le", "no2_mean": "le", "o3_8h_p90": "le",
                    "water_class3_share": "ge", "water_class2_share": "ge", "water_worse_v_share": "le",
                    "water_target_rate": "ge", "drinking_compliance": "ge"}


class PeerIndicator(models.TextChoices):
    """Published figures a bureau is ranked on (the indicators of MEE's and provinces' ranking notices)."""

    COMPOSITE_INDEX = "composite_index", _("综合指数")
    PM25_MEAN = "pm25_mean", _("PM2.5平均浓度")
    PM10_MEAN = "pm10_mean", _("PM10平均浓度")
    GOOD_DAY_RATIO = "good_day_ratio", _("优良天数比率")


#: ranking direction and the decimals compared (the published precision) of each peer indicator
PEER_RANKING = {"composite_index": ("lower", 2), "pm25_mean": ("lower", 1), "pm10_mean": ("lower", 0),
                "good_day_ratio": ("higher", 1)}


class AlertLevel(models.TextChoices):
    """重污染天气预警 levels, lowest first."""

    BLUE = "blue", _("蓝色预警")
    YELLOW = "yellow", _("黄色预警")
    ORANGE = "orange", _("橙色预警")
    RED = "red", _("红色预警")


class WaterScope(models.TextChoices):
    """Control-level scope of a water figure: "this level and above"."""

    NATIONAL = "national", _("国考断面")
    PROVINCIAL = "provincial", _("国省考断面")
    CITY = "city", _("市考及以上断面")
    COUNTY = "county", _("县控及以上断面")


class TargetBasis(models.TextChoices):
    """Whose value is judged against an air target: the jurisdiction's own, or the mean of its counties."""

    OWN = "own", _("本级数值")
    COUNTY_MEAN = "county_mean", _("下辖区县平均值")


class WarningKind(models.TextChoices):
    AIR_THRESHOLD = "air_threshold", _("空气小时值超阈值")
    WATER_TARGET = "water_target", _("水质劣于目标")
    DATA_STOP = "data_stop", _("数据中断")
    FLAT_LINE = "flat_line", _("数据恒值")


class WarningState(models.TextChoices):
    OPEN = "open", _("待处理")
    ACKNOWLEDGED = "acknowledged", _("已确认")
    CLOSED = "closed", _("已关闭")


WARNING_COLOURS = {"open": "danger", "acknowledged": "warning", "closed": "secondary"}
# Transitions of warnings: quality/workflows.py (core.workflow).


class NetworkPurpose(models.TextChoices):
    """Which results a station network feeds (issue 17): one declared set per level and purpose."""

    CITY = "city", _("城市评价(官方)")
    DISTRICT = "district", _("区县评价")
    RANKING = "ranking", _("街道(网格)排名")


# the network behind a jurisdiction's results, by the jurisdiction's level
PURPOSE_OF_LEVEL = {"province": "city", "city": "city", "district": "district", "street": "ranking",
                    "community": "ranking"}


# what the all-city street ranking sorts on (as ranking notices do: lower is better for both)
class RankBy(models.TextChoices):
    COMPOSITE_INDEX = "composite_index", _("综合指数")
    PM25_MEAN = "pm25_mean", _("PM2.5浓度")
