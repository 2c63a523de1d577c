"""Code tables of HJ 212-2017 (with HJ/T 212-2005 differences and HJ 212-2025 version bits).

Source: HJ 212-2017 (Tables 5 and 9, Appendix B), HJ/T 212-2005, and the HJ 212-2025 version bits.  Unknown codes are never an error here:
devices send vendor codes, and the tables only add names and mappings.
"""

from __future__ import annotations

# --- Flag bits (2017 Table 4: V5..V0 D A) ---------------------------------------------------
FLAG_ACK = 0x01  # A: the sender wants an answer
FLAG_SPLIT = 0x02  # D: PNUM/PNO present

VERSION_2005 = 0
VERSION_2017 = 1
VERSION_2025 = 2
VERSION_NAMES = {VERSION_2005: "HJ/T 212-2005", VERSION_2017: "HJ 212-2017", VERSION_2025: "HJ 212-2025"}


def flag_version(flag: int) -> int:
    return (flag >> 2) & 0x3F


# --- Command codes (CN) ---------------------------------------------------------------------
CN_SET_TIMEOUT = "1000"
CN_GET_TIME = "1011"
CN_SET_TIME = "1012"
CN_TIME_CALIBRATION_REQUEST = "1013"
CN_GET_RTD_INTERVAL = "1061"
CN_SET_RTD_INTERVAL = "1062"
CN_GET_MIN_INTERVAL = "1063"
CN_SET_MIN_INTERVAL = "1064"
CN_SET_PASSWORD = "1072"
CN_REALTIME = "2011"
CN_STOP_REALTIME = "2012"
CN_EQUIPMENT_STATE = "2021"
CN_STOP_EQUIPMENT_STATE = "2022"
CN_DAY = "2031"
CN_EQUIPMENT_RUNTIME = "2041"
CN_MINUTE = "2051"
CN_HOUR = "2061"
CN_ALARM_EVENT_2005 = "2072"
CN_RESTART_TIME = "2081"
CN_INFO = "3020"
CN_REQUEST_ANSWER = "9011"
CN_EXECUTION_ANSWER = "9012"
CN_NOTIFY_ANSWER = "9013"
CN_DATA_ANSWER = "9014"

COMMANDS: dict[str, str] = {
    "1000": "set timeout and retries",
    "1001": "set over-limit alarm time (2005)",
    "1011": "get/upload field-machine time",
    "1012": "set field-machine time",
    "1013": "time calibration request (notify)",
    "1021": "get alarm limits (2005)",
    "1022": "set alarm limits (2005)",
    "1031": "get platform address (2005)",
    "1032": "set platform address (2005)",
    "1041": "get data report time (2005)",
    "1042": "set data report time (2005)",
    "1061": "get real-time data interval",
    "1062": "set real-time data interval",
    "1063": "get minute data interval",
    "1064": "set minute data interval",
    "1072": "set password",
    "2011": "real-time data",
    "2012": "stop real-time data",
    "2021": "equipment running state",
    "2022": "stop equipment running state",
    "2031": "daily data",
    "2041": "daily equipment run time",
    "2051": "minute data",
    "2061": "hourly data",
    "2071": "alarm records (2005)",
    "2072": "alarm event (2005 notify)",
    "2081": "data-logger restart time",
    "3011": "zero/span calibration",
    "3012": "immediate sampling",
    "3013": "cleaning / blowback",
    "3014": "comparison sampling",
    "3015": "over-limit sample retention",
    "3016": "set sampling period",
    "3017": "get sampling period",
    "3018": "sample output time",
    "3019": "instrument unique id",
    "3020": "field-machine information",
    "3021": "set field-machine parameter",
    "9011": "request answer",
    "9012": "execution result",
    "9013": "notify answer",
    "9014": "data answer",
}

#: Data kinds of the uploads the gateway stores as values (CN -> kind).
DATA_KINDS: dict[str, str] = {CN_REALTIME: "rtd", CN_MINUTE: "minute", CN_HOUR: "hour", CN_DAY: "day"}

#: Commands a device sends that are notifications answered with 9013.
NOTIFY_COMMANDS = frozenset({CN_TIME_CALIBRATION_REQUEST, CN_ALARM_EVENT_2005})


def is_answer(cn: str) -> bool:
    """90xx are answers; they are never answered themselves."""
    return cn.startswith("90")


# --- Return codes ---------------------------------------------------------------------------
QN_RTN = {1: "ready to execute", 2: "rejected", 3: "password error", 4: "MN error", 5: "ST error",
          6: "Flag error", 7: "QN error", 8: "CN error", 9: "CRC error", 100: "unknown error"}
EXE_RTN = {1: "success", 2: "failed", 3: "request condition error", 4: "timeout", 5: "system busy",
           6: "system fault", 100: "no data"}

# --- System codes (ST) ----------------------------------------------------------------------
SYSTEMS: dict[str, str] = {
    "21": "surface-water quality", "22": "ambient air quality", "23": "acoustic environment quality",
    "24": "groundwater quality", "25": "soil quality", "26": "seawater quality", "27": "VOC monitoring",
    "31": "air pollution source (flue gas)", "32": "surface-water-body pollution source (waste water)",
    "33": "groundwater pollution source", "34": "marine pollution source", "35": "soil pollution source",
    "36": "noise pollution source", "37": "vibration pollution source", "38": "radioactive pollution source",
    "39": "construction-site dust", "41": "electromagnetic pollution source",
    "51": "flue-gas emission process", "52": "waste-water emission process", "91": "system interaction",
}

# --- Data flags -----------------------------------------------------------------------------
DATA_FLAGS_2017: dict[str, tuple[str, bool | None]] = {
    "N": ("normal", True), "F": ("instrument stopped", False), "M": ("maintenance", False),
    "S": ("manually set value", None), "D": ("instrument fault", False), "C": ("calibration", False),
    "T": ("above upper measuring limit", None), "B": ("instrument-logger communication abnormal", False),
}
DATA_FLAGS_2005: dict[str, tuple[str, bool | None]] = {
    "P": ("power failure", False), "F": ("source stopped", False), "C": ("calibration/check", False),
    "M": ("maintenance", False), "T": ("above upper limit", None), "D": ("fault", False),
    "S": ("set value", None), "N": ("normal", True),
    # air-quality stations (2005)
    "0": ("calibration data", False), "1": ("meteorological parameter", True), "2": ("abnormal", False),
    "3": ("normal", True),
}


def flag_valid(flag: str | None, version: int = VERSION_2017) -> bool | None:
    """True/False when the data flag says valid/invalid, None when the standard leaves it open."""
    if flag is None:
        return None
    table = DATA_FLAGS_2005 if version == VERSION_2005 else DATA_FLAGS_2017
    entry = table.get(flag)
    return entry[1] if entry else None


# --- Field suffixes of CP items -------------------------------------------------------------
VALUE_FIELDS = frozenset({
    "Rtd", "Min", "Avg", "Max", "Cou", "ZsRtd", "ZsMin", "ZsAvg", "ZsMax",
    "Data", "DayData", "NightData", "Ala", "UpValue", "LowValue", "RS", "RT",
})
TEXT_FIELDS = frozenset({"Flag", "EFlag", "SampleTime", "Info", "SN"})
#: pollutant value fields: they belong in the data uploads (2011, 2051, 2061, 2031), not under other CNs
DATA_VALUE_FIELDS = frozenset({"Rtd", "Min", "Avg", "Max", "Cou", "ZsRtd", "ZsMin", "ZsAvg", "ZsMax"})

# --- Factor codes: 2017 code -> (2005 code or None, name, concentration unit) ---------------
FACTORS: dict[str, tuple[str | None, str, str]] = {
    # water (Table B.1)
    "w00000": ("B01", "waste-water flow", "L/s"),
    "w01001": ("001", "pH", ""),
    "w01002": ("002", "colour", "degree"),
    "w01003": (None, "turbidity", "NTU"),
    "w01008": (None, "transparency", "cm"),
    "w01009": (None, "dissolved oxygen", "mg/L"),
    "w01010": (None, "water temperature", "°C"),
    "w01012": ("003", "suspended solids", "mg/L"),
    "w01014": (None, "conductivity", "µS/cm"),
    "w01017": ("010", "BOD5", "mg/L"),
    "w01018": ("011", "COD", "mg/L"),
    "w01019": (None, "permanganate index", "mg/L"),
    "w01020": ("015", "TOC", "mg/L"),
    "w20111": ("020", "total mercury", "µg/L"),
    "w20115": ("022", "total cadmium", "µg/L"),
    "w20116": ("023", "total chromium", "mg/L"),
    "w20117": ("024", "hexavalent chromium", "µg/L"),
    "w20119": ("026", "total arsenic", "µg/L"),
    "w20120": ("027", "total lead", "µg/L"),
    "w20121": ("028", "total nickel", "mg/L"),
    "w20122": ("029", "total copper", "mg/L"),
    "w20123": ("030", "total zinc", "mg/L"),
    "w21001": ("065", "total nitrogen", "mg/L"),
    "w21003": ("060", "ammonia nitrogen", "mg/L"),
    "w21011": ("101", "total phosphorus", "mg/L"),
    "w21016": ("070", "cyanide", "mg/L"),
    "w21017": ("072", "fluoride", "mg/L"),
    "w21019": ("071", "sulfide", "mg/L"),
    "w22001": ("080", "petroleum", "mg/L"),
    "w23002": ("110", "volatile phenol", "mg/L"),
    # gas (Table B.2)
    "a00000": ("B02", "flue-gas flow", "m³/s"),
    "a01001": (None, "air temperature", "°C"),
    "a01002": (None, "relative humidity", "%"),
    "a01006": (None, "air pressure", "kPa"),
    "a01007": (None, "wind speed", "m/s"),
    "a01008": (None, "wind direction", "°"),
    "a01010": ("37", "Ringelmann blackness", ""),
    "a01011": ("S02", "flue-gas velocity", "m/s"),
    "a01012": ("S03", "flue-gas temperature", "°C"),
    "a01013": ("S08", "flue-gas pressure", "kPa"),
    "a01014": ("S05", "flue-gas humidity", "%"),
    "a01015": ("S06", "cooler temperature", "°C"),
    "a01016": ("S07", "flue cross-section", "m²"),
    "a01017": ("S04", "flue-gas dynamic pressure", "kPa"),
    "a01901": (None, "incinerator furnace mean temperature", "°C"),
    "a01902": (None, "incinerator DCS temperature", "°C"),
    "a19001": ("S01", "O2 content", "%"),
    "a05001": ("30", "CO2", "mg/m³"),
    "a21001": ("10", "NH3", "mg/m³"),
    "a21002": ("03", "NOx", "mg/m³"),
    "a21003": (None, "NO", "mg/m³"),
    "a21004": (None, "NO2", "mg/m³"),
    "a21005": ("04", "CO", "mg/m³"),
    "a21018": ("06", "fluoride", "mg/m³"),
    "a21024": ("08", "HCl", "mg/m³"),
    "a21026": ("02", "SO2", "mg/m³"),
    "a21028": ("05", "H2S", "mg/m³"),
    "a24088": (None, "non-methane hydrocarbons", "mg/m³"),
    "a34013": ("01", "smoke / particulates", "mg/m³"),
    "a34001": (None, "TSP", "µg/m³"),
    "a34002": (None, "PM10", "µg/m³"),
    "a34004": (None, "PM2.5", "µg/m³"),
    "a34005": (None, "PM1.0", "µg/m³"),
}

#: Decimal places of each factor's data type in 2017 Appendix B (``N5.2`` -> 2, ``N4`` -> 0): the precision
#: a computed value (e.g. an hour rolled up from minutes) is rounded to.
FACTOR_DECIMALS: dict[str, int] = {
    # water (Table B.1)
    "w00000": 2, "w01001": 2, "w01002": 2, "w01009": 1, "w01010": 1, "w01012": 0, "w01014": 1, "w01017": 1,
    "w01018": 1, "w01019": 1, "w01020": 1, "w20111": 2, "w20115": 1, "w20116": 3, "w20117": 3, "w20119": 3,
    "w20120": 0, "w20121": 2, "w20122": 2, "w20123": 3, "w21001": 2, "w21003": 2, "w21011": 2, "w21016": 3,
    "w21017": 2, "w21019": 3, "w22001": 2, "w23002": 4,
    # gas (Table B.2)
    "a00000": 1, "a01010": 0, "a01011": 2, "a01012": 1, "a01013": 3, "a01014": 1, "a01015": 1, "a01016": 2,
    "a01017": 3, "a01901": 1, "a01902": 1, "a19001": 1, "a05001": 3, "a21001": 3, "a21002": 1, "a21003": 1,
    "a21004": 1, "a21005": 3, "a21018": 3, "a21024": 3, "a21026": 2, "a21028": 2, "a24088": 3, "a34013": 0,
}

#: 2005 code -> 2017 code.  Water and gas 2005 codes never collide except through ST, which the
#: caller may pass to :func:`normalise_factor` (e.g. "02" is SO2 for gas, not a water code).
CODE_2005_TO_2017: dict[str, str] = {old: new for new, (old, _, _) in FACTORS.items() if old}
CODE_2017_TO_2005: dict[str, str] = {new: old for old, new in CODE_2005_TO_2017.items()}


def normalise_factor(code: str) -> str:
    """The 2017 factor code for ``code`` (2005 codes mapped, anything else returned unchanged)."""
    return CODE_2005_TO_2017.get(code, code)


def factor_name(code: str) -> str | None:
    entry = FACTORS.get(normalise_factor(code))
    return entry[1] if entry else None
