"""Water (vectors 25–32) and noise (vector 33), plus the CNEMC published-class cross-check."""

import warnings
from pathlib import Path

import numpy as np
import pytest

from envbureau.standards import noise, water
from envbureau.standards.rounding import format_fixed
from envbureau.standards.tables import WATER_ITEMS, WATER_TP_LAKE

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
CNEMC = SHARED / "data" / "cnemc-water-2021-04"

CLEAN = dict(cu=0.005, zn=0.02, f=0.5, se=0.001, hg=0.00001, cd=0.0005, cr6=0.004, pb=0.002, cn=0.002,
             phenol=0.001, oil=0.01, las=0.05, s2=0.01, **{"as": 0.001})


def test_vector25_section_class_iv():
    r = water.classify(dict(CLEAN, ph=7.5, do=6.5, codmn=3.5, cod=14, bod5=2.5, nh3n=1.2, tp=0.08), "river")
    assert (r.class_name, r.grade) == ("Ⅳ", "轻度污染")
    assert r.deciding_items == ["nh3n"]
    assert r.main_pollutants == ["氨氮(0.2)"]
    assert format_fixed(r.exceedance_iii["nh3n"], 1) == "0.2"


def test_vector26_tp_river_vs_lake():
    assert water.item_class("tp", 0.08, "river") == 2
    assert water.item_class("tp", 0.08, "lake") == 4


def test_vector27_do_and_28_ph():
    assert [water.item_class("do", v) for v in (4.0, 7.5, 1.9)] == [4, 1, 6]
    assert water.item_class("ph", 9.2) == 6
    assert water.classify(dict(ph=9.2, do=8, nh3n=0.1)).class_name == "劣Ⅴ"
    assert water.item_class("ph", 9.0) == 1 and water.item_class("ph", 6.0) == 1 and water.item_class("ph", 5.99) == 6


@pytest.mark.parametrize("n,n13,n6,grade", [
    (5, 2, 2, "重度污染"), (12, 10, 0, "良好"), (8, 4, 2, "中度污染"),   # vector 29
    (5, 3, 2, "重度污染"),                                                # vector 30
    (10, 9, 0, "优"), (20, 15, 1, "良好"), (10, 7, 1, "轻度污染"), (10, 5, 2, "中度污染"), (10, 7, 3, "中度污染"),
])
def test_vector29_30_set_grades(n, n13, n6, grade):
    assert water.set_grade(n, n13, n6) == grade


def test_assess_sections_both_methods():
    good = dict(CLEAN, ph=7.5, do=7.0, codmn=3, nh3n=0.3, tp=0.05)
    bad = dict(good, nh3n=3.0)
    r = water.assess_sections([good, good, bad, bad, bad], "river")
    assert r.method == "proportion" and r.grade == "重度污染"
    assert r.counts["劣Ⅴ"] == 3 and r.main_pollutants == ["氨氮(60.0%)"]
    r = water.assess_sections([good, bad], "river")  # < 5: mean of 0.3 and 3.0 = 1.65 → Ⅴ
    assert r.method == "mean_concentration" and r.water_class == 5 and r.grade == "中度污染"
    r = water.assess_sections([good] * 5 + [dict(good, tp=0.3)], "lake")  # lake: mean TP 0.0917 → Ⅳ
    assert r.method == "mean_concentration" and r.water_class == 4


def test_vector31_cwqi_items():
    assert water.cwqi_items(dict(nh3n=1.5))["nh3n"] == 1.5
    assert water.cwqi_items(dict(do=4.0))["do"] == 1.25
    assert water.cwqi_items(dict(ph=8.0))["ph"] == 0.5
    assert water.cwqi_items(dict(ph=6.4))["ph"] == pytest.approx(0.6)
    assert water.cwqi_items(dict(tp=0.1), "river")["tp"] == 0.5
    assert water.cwqi_items(dict(tp=0.1), "lake")["tp"] == 2.0


def test_cwqi_city_methods_differ_only_through_do_and_ph():
    a = dict(nh3n=1.0, tp=0.1, do=4.0, ph=6.5)
    b = dict(nh3n=0.5, tp=0.3, do=8.0, ph=8.5)
    lin = [{k: s[k] for k in ("nh3n", "tp")} for s in (a, b)]
    assert water.cwqi_city(lin) == pytest.approx(water.cwqi_city(lin, method="mean_of_sections"))
    assert water.cwqi_city([a, b]) != pytest.approx(water.cwqi_city([a, b], method="mean_of_sections"))
    # river and lake groups weighted by their counts
    c = water.cwqi_city([a, a, b], ["river", "river", "lake"])
    assert c == pytest.approx((water.cwqi_section(a) * 2 + water.cwqi_section(b, "lake")) / 3)


def test_vector32_tli():
    total, parts, name = water.tli(chla=10, tp=0.05, tn=1.0, sd=1.0, codmn=4.0)
    assert [format_fixed(parts[k], 2) for k in ("chla", "tp", "tn", "codmn", "sd")] == \
        ["50.01", "45.71", "54.53", "37.98", "51.18"]
    assert format_fixed(total, 2) == "48.02" and name == "中营养"


def test_every_item_limit_both_sides():
    """Each class limit of every item: at the limit → that class, just worse → the next class."""
    for code, (_n, _u, kind, lims, _dp) in WATER_ITEMS.items():
        if kind not in ("le", "ge"):
            continue
        for body, ll in (("river", lims), ("lake", WATER_TP_LAKE if code == "tp" else lims)):
            for lim in ll:
                L = float(lim)
                cls_at = min(j + 1 for j, x in enumerate(ll) if float(x) == L)
                assert water.item_class(code, L, body) == cls_at, (code, body, lim)
                eps = L * 1e-3
                worse = L + eps if kind == "le" else L - eps
                nxt = next((j + 1 for j, x in enumerate(ll) if (float(x) >= worse if kind == "le"
                                                                  else float(x) <= worse)), 6)
                assert water.item_class(code, worse, body) == nxt, (code, body, lim)


def test_target_compliance_and_multiples():
    r = water.classify(dict(CLEAN, ph=7, do=4.5, codmn=7, nh3n=0.4, tp=0.1), target="III")
    assert r.class_name == "Ⅳ" and r.compliant is False
    assert format_fixed(r.target_exceedance["codmn"], 2) == "0.17"
    assert "do" not in r.target_exceedance           # not computed for DO by the method
    r2 = water.classify(dict(ph=7, do=4.5), target=3, do_rule="local")
    assert format_fixed(r2.target_exceedance["do"], 1) == "0.1"
    assert water.classify(dict(ph=7, do=8, nh3n=0.1), target="Ⅱ").compliant is True


def test_below_detection_and_unknown_items():
    with pytest.warns(UserWarning, match="unknown water item"):
        r = water.classify({"nh3n": "0.025L", "hg": "0.00004L", "chloride": 30})
    assert r.values["nh3n"] == 0.0125 and set(r.below_detection) == {"nh3n", "hg"}
    assert r.water_class == 1
    assert water.parse_value("<0.01") == (0.005, True)
    with pytest.raises(ValueError):
        water.parse_value("abc")
    with pytest.raises(ValueError, match="negative"):
        water.item_class_array("nh3n", [-1.0])
    with pytest.raises(ValueError, match="unknown water item"):
        water.item_class("xyz", 1.0)


def test_period_mean_ph_via_hydrogen_ion():
    assert water.period_mean([6.0, 8.0], "ph") == pytest.approx(-np.log10((1e-6 + 1e-8) / 2))
    assert water.period_mean([0.02, 0.04], "nh3n", below_detection=[True, False]) == pytest.approx(0.025)
    m = water.section_means([{"ph": 7.0, "nh3n": "0.05L"}, {"ph": 7.0, "nh3n": 0.125}])
    assert m["ph"] == pytest.approx(7.0) and m["nh3n"] == pytest.approx(0.075)


def test_class_parsing():
    assert [water.parse_class(x) for x in ("Ⅲ", "III", 3, "劣Ⅴ", "劣V", "V+", "Ⅰ类")] == [3, 3, 3, 6, 6, 6, 1]
    with pytest.raises(ValueError):
        water.parse_class("VI")


# --- CNEMC published classes -------------------------------------------------
def _cnemc(name):
    pd = pytest.importorskip("pandas")
    path = CNEMC / name
    if not path.exists():
        pytest.skip(f"shared data not present: {path}")
    df = pd.read_csv(path, dtype=str)
    df = df[(df["站点情况"] == "正常") & df["水质类别"].isin(["Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "劣Ⅴ"])]
    cols = {"ph": "pH(无量纲)", "do": "溶解氧(mg/L)", "codmn": "高锰酸盐指数(mg/L)", "nh3n": "氨氮(mg/L)",
            "tp": "总磷(mg/L)"}
    vals = {k: pd.to_numeric(df[c], errors="coerce").to_numpy() for k, c in cols.items()}
    pub = np.array([water.parse_class(c) for c in df["水质类别"]])
    return vals, pub


def test_cnemc_full_agreement_river_limits(record_property):
    """Published class = single-factor class on pH, DO, CODMn, NH3-N, TP (no river/lake flag)."""
    vals, pub = _cnemc("cnemc_surface_water_2021-04_full.csv.gz")
    river, _ = water.classify_arrays(vals, "river")
    lake, _ = water.classify_arrays(vals, "lake")
    rate = float((river == pub).mean())
    either = float(((river == pub) | (lake == pub)).mean())
    record_property("cnemc_river_agreement", rate)
    record_property("cnemc_river_or_lake_agreement", either)
    print(f"CNEMC full: {len(pub)} rows, river limits {rate:.2%}, river or lake {either:.2%}")
    assert rate >= 0.94
    assert either >= 0.98
    # rounding to the 2020 rule's decimals (pH 0 dp) does worse: keep it off by default
    rounded = {k: np.asarray(water.round_half_even(v, 0 if k == "ph" else WATER_ITEMS[k][4]))
               for k, v in vals.items()}
    r_round, _ = water.classify_arrays(rounded, "river")
    assert float((r_round == pub).mean()) < rate


def test_cnemc_sample_agreement():
    vals, pub = _cnemc("cnemc_surface_water_2021-04_sample.csv")
    river, _ = water.classify_arrays(vals, "river")
    lake, _ = water.classify_arrays(vals, "lake")
    # the sample over-represents the rare classes (and with them lake rows), so the river-only rate is lower
    assert float((river == pub).mean()) >= 0.88
    assert float(((river == pub) | (lake == pub)).mean()) >= 0.97


# --- noise (vector 33) ---------------------------------------------------------
def test_vector33_noise():
    assert float(noise.compliance(52, "2", "night").exceedance) == 2.0
    assert float(noise.compliance(58, "4a", "night").exceedance) == 3.0
    c = noise.compliance(58, "4b", "night")
    assert bool(c.compliant) and float(c.exceedance) == 0.0
    assert noise.limit("0", "day") == 50 and noise.limit("4b", "night") == 60


def test_noise_energy_average_and_day_night():
    assert float(noise.energy_average([55, 55, np.nan])) == pytest.approx(55.0)
    assert float(noise.energy_average([50, 60])) == pytest.approx(10 * np.log10((1e5 + 1e6) / 2))
    h = np.full((2, 24), 50.0)
    h[:, 6:22] = 60.0
    h[1, 0:6] = 40.0
    dn = noise.day_night(h)
    assert dn.ld.tolist() == [60.0, 60.0]
    # night of day 0 = 22–24 of day 0 (50 dB) + 0–6 of day 1 (40 dB)
    assert float(dn.ln[0]) == pytest.approx(10 * np.log10((2 * 1e5 + 6 * 1e4) / 8))
    assert dn.n_night_hours.tolist() == [8, 2]
    same = noise.day_night(h, night="same_day")
    assert same.n_night_hours.tolist() == [8, 8]
    with pytest.raises(ValueError, match="unknown noise zone"):
        noise.limit("5", "day")
    with pytest.raises(ValueError):
        noise.day_night(np.zeros((3, 23)))


def test_no_warnings_on_clean_input():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        water.classify(dict(ph=7, do=6))


def test_night_burst_allowance():
    c = noise.night_burst_compliance([60, 66], "2")   # night limit 50 + 15
    assert c.limit == 65 and c.compliant.tolist() == [True, False] and c.exceedance.tolist() == [0.0, 1.0]
