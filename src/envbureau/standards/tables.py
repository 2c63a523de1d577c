"""Reference tables of the air, water and noise standards, as plain data.

Numbers are kept as strings where a decimal value must stay exact (they are turned into
scaled integers by the engine, never compared as binary floats).  Each table follows the standard
whose clause is named next to it (HJ 633-2012/2026, GB 3095-2012/2026, HJ 663, GB 3838-2002, 环办〔2011〕22号,
GB 3096-2008).

Findings when checking the secondary tables we worked from against themselves and against data (details in
the tests):

- The count of "46 float ceiling flips, all CO" (HJ 633 rounding up) we were given: 46 counts the 2012
  and 2026 tables together; their CO columns are identical, so there are 23 distinct cases (CO 24-h and
  1-h), and the count depends on the order of the operations in the formula (17 with (ΔI·(C − BP_lo))/ΔBP).
- pH with 0 decimals for assessment values (环办监测函〔2020〕82号 as one open-source implementation reads
  it [1S]) contradicts vector 28 (pH 9.2 → 劣Ⅴ would become 9 → not 劣Ⅴ) and the CNEMC published classes
  (pH 9.30 → 劣Ⅴ; rounding to those decimals lowers agreement from 95.0 % to 93.0 %).  We keep 2 decimals
  for pH and do not round before classing.
- The hand-worked examples are numbered E1–E10 without an E4 (E3 is followed by E5).
"""

from __future__ import annotations

from types import MappingProxyType

# ---------------------------------------------------------------------------
# Air: HJ 633 IAQI breakpoints (HJ 633-2012 table 1, HJ 633-2026 table 3)
# ---------------------------------------------------------------------------

#: IAQI values at the breakpoints (shared by every column).
IAQI_LEVELS: tuple[int, ...] = (0, 50, 100, 150, 200, 300, 400, 500)

#: Concentration breakpoints per indicator for HJ 633-2012.  µg/m³, CO in mg/m³.
#: Indicator codes: ``<pollutant>_<averaging>``; averaging 24h (daily mean), 1h, 8h.
BREAKPOINTS_2012: MappingProxyType = MappingProxyType({
    "so2_24h": ("0", "50", "150", "475", "800", "1600", "2100", "2620"),
    "so2_1h": ("0", "150", "500", "650", "800"),  # > 800: see RuleSet.so2_1h_over_800
    "no2_24h": ("0", "40", "80", "180", "280", "565", "750", "940"),
    "no2_1h": ("0", "100", "200", "700", "1200", "2340", "3090", "3840"),
    "pm10_24h": ("0", "50", "150", "250", "350", "420", "500", "600"),
    "co_24h": ("0", "2", "4", "14", "24", "36", "48", "60"),
    "co_1h": ("0", "5", "10", "35", "60", "90", "120", "150"),
    "o3_1h": ("0", "160", "200", "300", "400", "800", "1000", "1200"),
    "o3_8h": ("0", "100", "160", "215", "265", "800"),  # > 800: see RuleSet.o3_8h_over_800
    "pm25_24h": ("0", "35", "75", "115", "150", "250", "350", "500"),
})

#: HJ 633-2026 table 3: only the PM "IAQI 100" breakpoints changed (PM10 150→120, PM2.5 75→60).
#: The hourly report evaluates 1-h PM values on the daily breakpoints (§4.2.4).
BREAKPOINTS_2026: MappingProxyType = MappingProxyType({
    **BREAKPOINTS_2012,
    "pm10_24h": ("0", "50", "120", "250", "350", "420", "500", "600"),
    "pm25_24h": ("0", "35", "60", "115", "150", "250", "350", "500"),
    "pm10_1h": ("0", "50", "120", "250", "350", "420", "500", "600"),
    "pm25_1h": ("0", "35", "60", "115", "150", "250", "350", "500"),
})

#: Pollutant of each indicator code.
POLLUTANT_OF: MappingProxyType = MappingProxyType({
    "so2_24h": "so2", "so2_1h": "so2", "no2_24h": "no2", "no2_1h": "no2",
    "pm10_24h": "pm10", "pm10_1h": "pm10", "pm25_24h": "pm25", "pm25_1h": "pm25",
    "co_24h": "co", "co_1h": "co", "o3_1h": "o3", "o3_8h": "o3",
})

#: Decimal places of reported concentrations (HJ 633-2026 §4.2.2; GB/T 8170 half-even).
REPORT_DECIMALS: MappingProxyType = MappingProxyType({
    "so2": 0, "no2": 0, "pm10": 0, "pm25": 0, "o3": 0, "co": 1,
})

POLLUTANT_NAMES: MappingProxyType = MappingProxyType({
    "so2": ("二氧化硫", "SO2"), "no2": ("二氧化氮", "NO2"), "pm10": ("可吸入颗粒物", "PM10"),
    "pm25": ("细颗粒物", "PM2.5"), "co": ("一氧化碳", "CO"), "o3": ("臭氧", "O3"),
})

INDICATOR_NAMES: MappingProxyType = MappingProxyType({
    "so2_24h": "二氧化硫24小时平均", "so2_1h": "二氧化硫1小时平均",
    "no2_24h": "二氧化氮24小时平均", "no2_1h": "二氧化氮1小时平均",
    "pm10_24h": "PM10 24小时平均", "pm10_1h": "PM10 1小时平均",
    "pm25_24h": "PM2.5 24小时平均", "pm25_1h": "PM2.5 1小时平均",
    "co_24h": "一氧化碳24小时平均", "co_1h": "一氧化碳1小时平均",
    "o3_1h": "臭氧1小时平均", "o3_8h": "臭氧8小时平均",
})

# ---------------------------------------------------------------------------
# AQI categories (HJ 633-2012 table 2 + appendix A; HJ 633-2026 table 1, same colours)
# ---------------------------------------------------------------------------
#: level → (upper AQI bound inclusive, level name, category zh, category en, colour zh, hex)
AQI_CATEGORIES: tuple[tuple[int, int | None, str, str, str, str, str], ...] = (
    (1, 50, "一级", "优", "Excellent", "绿色", "#00E400"),
    (2, 100, "二级", "良", "Good", "黄色", "#FFFF00"),
    (3, 150, "三级", "轻度污染", "Lightly polluted", "橙色", "#FF7E00"),
    (4, 200, "四级", "中度污染", "Moderately polluted", "红色", "#FF0000"),
    (5, 300, "五级", "重度污染", "Heavily polluted", "紫色", "#99004C"),
    (6, None, "六级", "严重污染", "Severely polluted", "褐红色", "#7E0023"),
)

# ---------------------------------------------------------------------------
# GB 3095 limits.  key: (pollutant, averaging) → (grade I, grade II); averaging in
# {"annual", "24h", "8h", "1h", "quarterly"}.  µg/m³ except CO mg/m³.
# ---------------------------------------------------------------------------
LIMITS_GB3095_2012: MappingProxyType = MappingProxyType({
    ("so2", "annual"): ("20", "60"), ("so2", "24h"): ("50", "150"), ("so2", "1h"): ("150", "500"),
    ("no2", "annual"): ("40", "40"), ("no2", "24h"): ("80", "80"), ("no2", "1h"): ("200", "200"),
    ("co", "24h"): ("4", "4"), ("co", "1h"): ("10", "10"),
    ("o3", "8h"): ("100", "160"), ("o3", "1h"): ("160", "200"),
    ("pm10", "annual"): ("40", "70"), ("pm10", "24h"): ("50", "150"),
    ("pm25", "annual"): ("15", "35"), ("pm25", "24h"): ("35", "75"),
    ("tsp", "annual"): ("80", "200"), ("tsp", "24h"): ("120", "300"),
    ("nox", "annual"): ("50", "50"), ("nox", "24h"): ("100", "100"), ("nox", "1h"): ("250", "250"),
    ("pb", "annual"): ("0.5", "0.5"), ("pb", "quarterly"): ("1", "1"),
    ("bap", "annual"): ("0.001", "0.001"), ("bap", "24h"): ("0.0025", "0.0025"),
})

#: GB 3095-2026 §4.4 transitional stage (2026-03-01 … 2030-12-31), tables 1–2.
LIMITS_GB3095_2026_TRANSITIONAL: MappingProxyType = MappingProxyType({
    ("so2", "annual"): ("20", "60"), ("so2", "24h"): ("50", "150"), ("so2", "1h"): ("150", "500"),
    ("no2", "annual"): ("40", "40"), ("no2", "24h"): ("80", "80"), ("no2", "1h"): ("200", "200"),
    ("co", "24h"): ("4", "4"), ("co", "1h"): ("10", "10"),
    ("o3", "8h"): ("100", "160"), ("o3", "1h"): ("160", "200"),
    ("pm10", "annual"): ("40", "60"), ("pm10", "24h"): ("50", "120"),
    ("pm25", "annual"): ("15", "30"), ("pm25", "24h"): ("35", "60"),
    ("tsp", "annual"): ("80", "200"), ("tsp", "24h"): ("120", "300"),
    ("nox", "annual"): ("50", "50"), ("nox", "24h"): ("100", "100"), ("nox", "1h"): ("250", "250"),
    ("pb", "annual"): ("0.5", "0.5"), ("pb", "quarterly"): ("1", "1"),
    ("bap", "annual"): ("0.001", "0.001"), ("bap", "24h"): ("0.0025", "0.0025"),
})

#: GB 3095-2026 §4.4 final stage (from 2031-01-01).
LIMITS_GB3095_2026_FINAL: MappingProxyType = MappingProxyType({
    **LIMITS_GB3095_2026_TRANSITIONAL,
    ("so2", "annual"): ("20", "20"), ("so2", "24h"): ("50", "50"), ("so2", "1h"): ("150", "150"),
    ("no2", "annual"): ("30", "30"), ("no2", "24h"): ("50", "50"),
    ("pm10", "annual"): ("20", "50"), ("pm10", "24h"): ("50", "100"),
    ("pm25", "annual"): ("10", "25"), ("pm25", "24h"): ("25", "50"),
    ("nox", "annual"): ("40", "40"), ("nox", "24h"): ("70", "70"),
})

#: Composite index S_i of the 2018 ranking rule (环办监测〔2018〕19号): GB 3095-2012 Grade II.
COMPOSITE_SI_2018: MappingProxyType = MappingProxyType({
    "so2": "60", "no2": "40", "pm10": "70", "pm25": "35", "co": "4", "o3": "160",
})

# ---------------------------------------------------------------------------
# Water: GB 3838-2002 table 1 (mg/L unless stated)
# kind: "le" value ≤ limit, "ge" value ≥ limit (DO), "range" (pH 6–9), "none" (temperature)
# ---------------------------------------------------------------------------
WATER_CLASS_NAMES: tuple[str, ...] = ("", "Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "劣Ⅴ")

#: code → (Chinese name, unit, kind, limits Ⅰ..Ⅴ, report decimals (2020 statistics rule))
WATER_ITEMS: MappingProxyType = MappingProxyType({
    "temp": ("水温", "℃", "none", (), 1),
    "ph": ("pH", "无量纲", "range", ("6", "9"), 2),
    "do": ("溶解氧", "mg/L", "ge", ("7.5", "6", "5", "3", "2"), 1),
    "codmn": ("高锰酸盐指数", "mg/L", "le", ("2", "4", "6", "10", "15"), 1),
    "cod": ("化学需氧量", "mg/L", "le", ("15", "15", "20", "30", "40"), 1),
    "bod5": ("五日生化需氧量", "mg/L", "le", ("3", "3", "4", "6", "10"), 1),
    "nh3n": ("氨氮", "mg/L", "le", ("0.15", "0.5", "1.0", "1.5", "2.0"), 2),
    "tp": ("总磷", "mg/L", "le", ("0.02", "0.1", "0.2", "0.3", "0.4"), 3),
    "tn": ("总氮", "mg/L", "le", ("0.2", "0.5", "1.0", "1.5", "2.0"), 2),
    "cu": ("铜", "mg/L", "le", ("0.01", "1.0", "1.0", "1.0", "1.0"), 3),
    "zn": ("锌", "mg/L", "le", ("0.05", "1.0", "1.0", "2.0", "2.0"), 3),
    "f": ("氟化物", "mg/L", "le", ("1.0", "1.0", "1.0", "1.5", "1.5"), 3),
    "se": ("硒", "mg/L", "le", ("0.01", "0.01", "0.01", "0.02", "0.02"), 4),
    "as": ("砷", "mg/L", "le", ("0.05", "0.05", "0.05", "0.1", "0.1"), 4),
    "hg": ("汞", "mg/L", "le", ("0.00005", "0.00005", "0.0001", "0.001", "0.001"), 5),
    "cd": ("镉", "mg/L", "le", ("0.001", "0.005", "0.005", "0.005", "0.01"), 5),
    "cr6": ("六价铬", "mg/L", "le", ("0.01", "0.05", "0.05", "0.05", "0.1"), 3),
    "pb": ("铅", "mg/L", "le", ("0.01", "0.01", "0.05", "0.05", "0.1"), 3),
    "cn": ("氰化物", "mg/L", "le", ("0.005", "0.05", "0.2", "0.2", "0.2"), 3),
    "phenol": ("挥发酚", "mg/L", "le", ("0.002", "0.002", "0.005", "0.01", "0.1"), 4),
    "oil": ("石油类", "mg/L", "le", ("0.05", "0.05", "0.05", "0.5", "1.0"), 2),
    "las": ("阴离子表面活性剂", "mg/L", "le", ("0.2", "0.2", "0.2", "0.3", "0.3"), 2),
    "s2": ("硫化物", "mg/L", "le", ("0.05", "0.1", "0.2", "0.5", "1.0"), 3),
    "fcoli": ("粪大肠菌群", "个/L", "le", ("200", "2000", "10000", "20000", "40000"), 0),
})

#: TP limits for lakes and reservoirs (GB 3838-2002 table 1 item 8, 湖、库).
WATER_TP_LAKE: tuple[str, ...] = ("0.01", "0.025", "0.05", "0.1", "0.2")

#: The 21 items of the class (环办〔2011〕22号): table 1 minus temperature, TN, fecal coliform.
WATER_EVALUATION_ITEMS: tuple[str, ...] = (
    "ph", "do", "codmn", "cod", "bod5", "nh3n", "tp", "cu", "zn", "f", "se", "as", "hg", "cd",
    "cr6", "pb", "cn", "phenol", "oil", "las", "s2",
)

#: Items that take priority as main pollutants when they exceed Class Ⅲ ("氰化物、铅、铬等重金属").
WATER_PRIORITY_ITEMS: frozenset[str] = frozenset({"cn", "pb", "cr6", "hg", "cd", "as", "cu", "zn", "se"})

#: Qualitative grade of a single section by class (环办〔2011〕22号 table 1).
WATER_SECTION_GRADES: tuple[str, ...] = ("", "优", "优", "良好", "轻度污染", "中度污染", "重度污染")
WATER_GRADE_COLOURS: MappingProxyType = MappingProxyType({  # [M] remembered, not read in 环办〔2011〕22号
    "优": "#0000FF", "良好": "#00FF00", "轻度污染": "#FFFF00", "中度污染": "#FF7E00", "重度污染": "#FF0000",
})

# TLI (trophic level index): item → (a, b, r) with TLI(j) = 10 (a + b ln C)
TLI_PARAMS: MappingProxyType = MappingProxyType({
    "chla": ("2.5", "1.086", "1"),
    "tp": ("9.436", "1.624", "0.84"),
    "tn": ("5.453", "1.694", "0.82"),
    "sd": ("5.118", "-1.94", "-0.83"),
    "codmn": ("0.109", "2.661", "0.83"),
})

# ---------------------------------------------------------------------------
# Noise: GB 3096-2008 table 1, dB(A): zone → (day, night)
# ---------------------------------------------------------------------------
NOISE_LIMITS: MappingProxyType = MappingProxyType({
    "0": (50, 40), "1": (55, 45), "2": (60, 50), "3": (65, 55), "4a": (70, 55), "4b": (70, 60),
})
#: Day = 06:00–22:00, night = 22:00–06:00 (GB 3096-2008 §3.1.6/3.1.7).
NOISE_DAY_START_HOUR = 6
NOISE_NIGHT_START_HOUR = 22
