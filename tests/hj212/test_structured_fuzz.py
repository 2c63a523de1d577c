"""Structured fuzzing of the HJ 212 codec with Hypothesis.

A strategy builds *valid* frames — every field kind of the standard (values, flags, extended flags,
sampling times, //text// info in Chinese, instrument ids, facility states), the 2005, 2017 and 2025
dialects, split (PNUM/PNO) messages — and a second layer mutates them structurally: non-ASCII and GBK
bytes in the header and the CP area, wrong length fields, duplicated keys, truncated or
lower-case CRCs, lost separators.  Properties:

* round trip: build -> encode -> decode gives back every field as built;
* any byte stream cut anywhere comes out of the splitter as the frames that went in;
* every mutated input ends in a decoded packet (whose every accessor works) or the codec's own
  :class:`HJ212Error` — never a UnicodeDecodeError, IndexError, … escaping.

Example counts are modest so the suite stays fast; raise them with HYPOTHESIS_PROFILE=deep.
"""

from __future__ import annotations

import os
from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from envbureau.hj212 import (
    ALL_CRC_DIALECTS,
    CHINA_TZ,
    FrameSplitter,
    HJ212Error,
    SplitAssembler,
    build_frame,
    build_reply,
    decode,
    parse_segment,
)

settings.register_profile("default-fuzz", max_examples=120, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("deep", max_examples=5000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FUZZ = settings.get_profile("deep" if os.environ.get("HYPOTHESIS_PROFILE") == "deep" else "default-fuzz")

# ------------------------------------------------------------------------------------------ models

DATA_CNS = ["2011", "2051", "2061", "2031"]
OTHER_CNS = ["1013", "2021", "2041", "2072", "2081", "3020", "1011", "9011", "9012", "9014", "8013"]
FACTORS_2017 = ["w01018", "w21003", "w00000", "a21026", "a21002", "a34013", "a19001", "a01012", "w01001"]
FACTORS_2005 = ["011", "060", "101", "B01", "B02", "01", "02", "03", "S01", "S03"]
VENDOR = ["lng", "lat", "hot_t", "LA"]
FLAGS = list("NFMSDCTBP0123")
CHINESE = "清洗管路校准维护故障;,=运行"

digits = st.text("0123456789", min_size=1, max_size=6)


@st.composite
def times(draw) -> str:
    dt = draw(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)))
    form = draw(st.sampled_from(["14", "17", "12"]))
    text = dt.strftime("%Y%m%d%H%M%S")
    return {"14": text, "17": text + f"{dt.microsecond // 1000:03d}", "12": text[:12]}[form]


@st.composite
def decimals(draw) -> str:
    whole = draw(st.integers(0, 99999))
    places = draw(st.integers(0, 6))
    sign = draw(st.sampled_from(["", "", "-"]))
    if places == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{draw(st.integers(0, 10 ** places - 1)):0{places}d}"


@st.composite
def factor_items(draw, cn: str) -> dict[str, dict[str, str]]:
    """factor code -> {field: value text} covering every field kind."""
    codes = draw(st.lists(st.sampled_from(FACTORS_2017 + FACTORS_2005 + VENDOR), unique=True, max_size=5))
    out: dict[str, dict[str, str]] = {}
    for code in codes:
        value_fields = {"2011": ["Rtd", "ZsRtd"], "2051": ["Min", "Avg", "Max", "Cou", "ZsAvg"],
                        "2061": ["Min", "Avg", "Max", "Cou", "ZsAvg"], "2031": ["Min", "Avg", "Max", "Cou"]}
        names = draw(st.lists(st.sampled_from(value_fields.get(cn, ["Rtd", "Avg", "Ala"])), unique=True, min_size=1, max_size=4))
        fields = {n: draw(decimals()) for n in names}
        if draw(st.booleans()):
            fields["Flag"] = draw(st.sampled_from(FLAGS))
        if draw(st.booleans()):
            fields["EFlag"] = draw(st.sampled_from(["A01", "E1", "X"]))
        if draw(st.booleans()):
            fields["SampleTime"] = draw(times())
        out[code] = fields
    if cn in ("2021", "2041"):
        for i in range(draw(st.integers(1, 3))):
            out[f"SB{i + 1}"] = {"RS" if cn == "2021" else "RT": draw(st.sampled_from(["0", "1", "2", "5", "23.5"]))}
    if cn == "3020" or draw(st.integers(0, 5)) == 0:
        text = draw(st.text(CHINESE + "ab 1", min_size=1, max_size=12))
        out["i11001"] = {"Info": f"//{text}//"}
    if draw(st.integers(0, 6)) == 0:
        out["a21026"] = {**out.get("a21026", {}), "SN": draw(st.text("0123456789ABCDEF", min_size=24, max_size=24))}
    return out


@st.composite
def frame_models(draw) -> dict:
    """A valid frame as data: header (in the order sent), params, factors, dialect."""
    dialect = draw(st.sampled_from(["2005", "2017", "2025"]))
    cn = draw(st.sampled_from(DATA_CNS + OTHER_CNS))
    split = cn in DATA_CNS and dialect != "2005" and draw(st.integers(0, 3)) == 0
    header: dict[str, str] = {}
    if dialect != "2005" or draw(st.booleans()):
        header["QN"] = draw(st.text("0123456789", min_size=17, max_size=17))
    header["ST"] = draw(st.sampled_from(["21", "22", "31", "32", "91", "77", "T1"]))
    header["CN"] = cn
    if draw(st.booleans()) or dialect != "2005":
        header["PW"] = draw(st.text("0123456789", min_size=6, max_size=6))
    header["MN"] = draw(st.text("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789_-", min_size=1, max_size=24))
    base = {"2005": 0, "2017": 4, "2025": 8}[dialect]
    ack = draw(st.booleans())
    if dialect != "2005" or draw(st.booleans()):
        header["Flag"] = str(base | (2 if split else 0) | (1 if ack else 0))
    if split:
        pnum = draw(st.integers(2, 5))
        header["PNUM"] = str(pnum)
        header["PNO"] = str(draw(st.integers(1, pnum)))
    order = draw(st.permutations(list(header)))  # devices reorder the header; parse by key
    params: dict[str, str] = {}
    if cn in DATA_CNS or cn in ("2021", "2041", "2081") or draw(st.booleans()):
        params["DataTime"] = draw(times())
    if cn == "9011":
        params["QnRtn"] = draw(st.sampled_from(["1", "2", "3"]))
    if cn == "9012":
        params["ExeRtn"] = draw(st.sampled_from(["1", "2", "100"]))
    if cn == "2081":
        params["RestartTime"] = draw(times())
    if cn == "1013" and draw(st.booleans()):
        params["PolId"] = draw(st.sampled_from(FACTORS_2017))
    if dialect == "2005" and "QN" not in header and draw(st.booleans()):
        params = {"QN": draw(st.text("0123456789", min_size=17, max_size=17)), **params}  # 2005: QN inside CP
    return {"dialect": dialect, "header": {k: header[k] for k in order}, "params": params,
            "factors": draw(factor_items(cn))}


def segment_of(model: dict) -> str:
    head = ";".join(f"{k}={v}" for k, v in model["header"].items())
    items = [f"{k}={v}" for k, v in model["params"].items()]
    items += [",".join(f"{code}-{name}={v}" for name, v in fields.items()) for code, fields in model["factors"].items()]
    return f"{head};CP=&&{';'.join(items)}&&"


def frame_of(model: dict) -> bytes:
    return build_frame(segment_of(model))


def touch_everything(p) -> None:
    """Every accessor a caller may use must work or raise the library's own error."""
    p.params, p.factors, p.repeated, p.data_fields(), list(p.values())
    p.wants_ack, p.is_split, p.kind, p.version, p.dedup_key, p.flag_of("a21026")
    try:
        _ = p.data_time
    except HJ212Error:
        pass
    build_reply(p)


# ------------------------------------------------------------------------------------------ properties


@FUZZ
@given(frame_models())
def test_round_trip_build_encode_decode(model):
    frame = frame_of(model)
    p = decode(frame)
    h = model["header"]
    assert (p.qn, p.st, p.cn, p.pw, p.mn) == (h.get("QN"), h["ST"], h["CN"], h.get("PW"), h["MN"])
    assert p.flag == (int(h["Flag"]) if "Flag" in h else None)
    assert (p.pnum, p.pno) == ((int(h["PNUM"]), int(h["PNO"])) if "PNUM" in h else (None, None))
    assert p.version == {"2005": 0, "2017": 1, "2025": 2}[model["dialect"]]
    assert p.params == model["params"]
    assert p.factors == model["factors"]
    assert p.repeated == []
    assert p.data_time_text == model["params"].get("DataTime")
    if "DataTime" in model["params"]:
        text = model["params"]["DataTime"]
        assert p.data_time.strftime("%Y%m%d%H%M") == text[:12] and p.data_time.tzinfo == CHINA_TZ
    wants = "Flag" in h and int(h["Flag"]) & 1 == 1 and not h["CN"].startswith("90")
    assert p.wants_ack is wants
    reply = build_reply(p)
    assert (reply is not None) is wants
    if reply is not None:
        a = decode(reply)
        qn = h.get("QN") or model["params"].get("QN")
        assert (a.qn or a.params.get("QN")) == qn  # the answer echoes the QN wherever it was carried
        assert a.cn in ("9013", "9014") and not a.wants_ack


@FUZZ
@given(st.lists(frame_models(), min_size=1, max_size=4), st.lists(st.integers(1, 400), max_size=12))
def test_any_cut_of_a_stream_gives_back_the_frames(models, cuts):
    frames = [frame_of(m) for m in models]
    stream = b"".join(frames)
    splitter = FrameSplitter()
    out: list = []
    pos = 0
    for c in cuts:
        out += splitter.feed(stream[pos:pos + c])
        pos += c
    out += splitter.feed(stream[pos:])
    assert out == frames and splitter.pending == 0 and splitter.garbage_bytes == 0


@FUZZ
@given(frame_models(), st.data())
def test_split_messages_reassemble_whatever_the_order(model, data):
    """A long message sent as PNUM frames (each with its own QN and PNO) comes back whole."""
    factors = list(model["factors"].items())
    pnum = data.draw(st.integers(2, 4))
    header = {k: v for k, v in model["header"].items() if k not in ("PNUM", "PNO", "Flag")}
    parts = []
    for pno in range(1, pnum + 1):
        part = dict(model, header={**header, "Flag": "7", "PNUM": str(pnum), "PNO": str(pno)},
                    params={"DataTime": "20260101120000"}, factors=dict(factors[pno - 1::pnum]))
        parts.append(decode(frame_of(part)))
    order = data.draw(st.permutations(parts))
    asm = SplitAssembler()
    done = [asm.add(p, now=0.0) for p in order]
    assert done[:-1] == [None] * (pnum - 1) and done[-1] is not None and done[-1].complete
    assert done[-1].factors == dict(factors)


NON_ASCII = st.one_of(
    st.binary(min_size=1, max_size=6).map(lambda b: bytes(x | 0x80 for x in b)),
    st.text(CHINESE, min_size=1, max_size=4).map(lambda t: t.encode("gbk")),
    st.text(CHINESE, min_size=1, max_size=4).map(lambda t: t.encode("utf-8")),
    st.sampled_from([b"\xff\xfe", b"\xc0\xaf", b"\xed\xa0\x80", b"\x81", b"\x00", b"\xef\xbc\x91\xef\xbc\x92"]),
)


@st.composite
def mutated_frames(draw) -> bytes:
    model = draw(frame_models())
    seg = segment_of(model).encode("utf-8")
    kind = draw(st.sampled_from(["header-bytes", "cp-bytes", "dup-key", "dup-header", "length", "crc-truncated",
                                 "crc-lower", "crc-short", "no-crlf", "lost-cp", "lost-close", "separators",
                                 "bitflip", "cut"]))
    cp_at = seg.find(b"CP=&&")
    if kind == "header-bytes":  # non-ASCII (raw, GBK, UTF-8) in the header, CRC made to match
        at = draw(st.integers(0, cp_at))
        return build_frame(seg[:at] + draw(NON_ASCII) + seg[at:])
    if kind == "cp-bytes":
        at = draw(st.integers(cp_at + 5, len(seg) - 2))
        return build_frame(seg[:at] + draw(NON_ASCII) + seg[at:])
    if kind == "dup-key":  # a CP item sent twice (the first one is kept)
        items = segment_of(model).split("CP=&&", 1)[1][:-2].split(";")
        item = draw(st.sampled_from(items))
        cp = ";".join(items + [item.split(",")[0] if item else "x=1"])
        return build_frame(seg[:cp_at + 5] + cp.encode("utf-8") + b"&&")
    if kind == "dup-header":
        key = draw(st.sampled_from(list(model["header"])))
        return build_frame(f"{key}=X;".encode() + seg)
    frame = build_frame(seg)
    if kind == "length":
        return b"##%04d" % draw(st.integers(0, 9999)) + frame[6:]
    if kind == "crc-truncated":
        return frame[:-6] + frame[-6:-2][:draw(st.integers(0, 3))] + b"\r\n"
    if kind == "crc-lower":
        return frame[:-6] + frame[-6:-2].lower() + b"\r\n"
    if kind == "crc-short":
        return frame[:-6] + frame[-5:-2] + b"\r\n"
    if kind == "no-crlf":
        return frame[:-2]
    if kind == "lost-cp":
        return build_frame(seg.replace(b"CP=&&", b"CP=&", 1))
    if kind == "lost-close":
        return build_frame(seg[:-2])
    if kind == "separators":
        return build_frame(seg.replace(b";", draw(st.sampled_from([b",", b"", b";;", b"; "])), draw(st.integers(1, 3))))
    if kind == "bitflip":
        at = draw(st.integers(0, len(frame) - 1))
        return frame[:at] + bytes([frame[at] ^ (1 << draw(st.integers(0, 7)))]) + frame[at + 1:]
    return frame[:draw(st.integers(0, len(frame)))]


@FUZZ
@given(mutated_frames())
def test_every_mutation_ends_in_a_packet_or_the_codecs_own_error(frame):
    for dialects, lenient in ((ALL_CRC_DIALECTS, True), (("hj212",), False)):
        try:
            p = decode(frame, crc_dialects=dialects, lenient_length=lenient)
        except HJ212Error as exc:
            assert exc.offset is None or 0 <= exc.offset <= len(frame)
            continue
        touch_everything(p)
    try:
        p = parse_segment(frame[6:-6], 6)
    except HJ212Error:
        return
    touch_everything(p)


@FUZZ
@given(st.lists(mutated_frames(), min_size=1, max_size=4), frame_models(), st.integers(1, 97))
def test_a_stream_of_mutated_frames_never_breaks_the_splitter(bad, good_model, step):
    good = frame_of(good_model)
    stream = b"".join(bad) + b"\r\n" + good
    splitter = FrameSplitter()
    events = []
    for i in range(0, len(stream), step):
        events += splitter.feed(stream[i:i + step])
    for e in events:
        if isinstance(e, bytes):
            try:
                touch_everything(decode(e, crc_dialects=ALL_CRC_DIALECTS, lenient_length=True))
            except HJ212Error:
                pass
        else:
            assert isinstance(e, HJ212Error) and e.skipped >= 1
    # the good frame after the garbage is recovered unless a mutated frame is still waiting for its tail
    # (a cut or an overstated length swallows what follows, as on the wire)
    if not any(x.count(b"\r\n") == 0 or x[:2] != b"##" for x in bad):
        assert good in events
