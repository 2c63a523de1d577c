"""Edges of the codec found by mutation testing (`make mutate MODULES=hj212.codec`): each test states a
value the standard or the API promises, so a one-token change in the codec fails it."""

from datetime import datetime, timedelta, timezone

import pytest

from envbureau.hj212 import (
    CHINA_TZ,
    CRCError,
    FrameSplitter,
    HJ212Error,
    SegmentError,
    answer_qn,
    build_command,
    build_frame,
    build_set_time,
    decode,
    format_qn,
    format_time,
    parse_segment,
    parse_time,
)


def test_crc_error_keeps_the_frame_it_refused():
    assert CRCError("m").raw == b""
    assert CRCError("m", 3, b"abc").raw == b"abc"
    frame = build_frame("ST=32;CN=2011;MN=M;CP=&&a=1&&")
    bad = frame[:-6] + b"0000\r\n"
    with pytest.raises(CRCError) as e:
        decode(bad)
    assert e.value.raw == bad and e.value.offset == len(bad) - 6


def test_values_skip_a_non_number_and_go_on():
    p = parse_segment(b"ST=32;CN=2011;MN=M;CP=&&a-Rtd=n/a,a-Avg=3,a-Flag=D;b-Rtd=1.5;c-Avg=2&&")
    assert list(p.values()) == [("a", "Avg", 3.0), ("b", "Rtd", 1.5), ("c", "Avg", 2.0)]


def test_flag_of_and_data_fields():
    p = parse_segment(b"ST=32;CN=2011;MN=M;CP=&&w01018-Rtd=2.2,w01018-Flag=N,w01018-EFlag=A01;SB1-RS=1&&")
    assert p.flag_of("w01018") == "N" and p.flag_of("w21003") is None and p.flag_of("SB1") is None
    assert p.data_fields() == ["w01018-Rtd"]  # not the flags, not a facility state


def test_parse_time_forms_and_errors_name_the_field():
    assert parse_time("20260101120000123") == datetime(2026, 1, 1, 12, 0, 0, 123000, tzinfo=CHINA_TZ)
    assert parse_time("202601011200") == datetime(2026, 1, 1, 12, 0, tzinfo=CHINA_TZ)
    with pytest.raises(SegmentError, match=r"^syntax: time 'abc' is not digits$"):
        parse_time("abc")
    with pytest.raises(SegmentError, match=r"^syntax: DataTime '2026' has 4 digits \(expected 14\)$"):
        parse_time("2026", "DataTime")
    with pytest.raises(SegmentError, match=r"^syntax: DataTime '20261301120000' is not a valid date/time"):
        parse_time("20261301120000", "DataTime")
    with pytest.raises(SegmentError, match="is not digits"):  # full-width digits are digits, not ASCII
        parse_time("２０２６０１０１１２００００")


def test_splitter_errors_say_what_and_keep_the_first_kilobyte():
    s = FrameSplitter()
    junk = bytes(range(33, 127)) * 30  # 2,820 bytes, no '#', no blanks
    (err,) = s.feed(junk)
    assert str(err) == f"framing: {len(junk)} bytes outside any frame at offset 0"
    assert err.raw == junk[:1024] and err.skipped == len(junk)


def test_times_are_written_in_china_time():
    utc_midnight = datetime(2026, 1, 1, 0, 0, 0, 5000, tzinfo=timezone.utc)
    assert format_time(utc_midnight) == "20260101080000"
    assert format_qn(utc_midnight) == "20260101080000005"
    naive = datetime(2026, 1, 1, 0, 0, 0)  # taken as China time already
    assert format_time(naive) == "20260101000000" and format_qn(naive) == "20260101000000000"


def _device(st="31", flag=5, pw="654321"):
    seg = f"QN=20260101120000001;ST={st};CN=2011;PW={pw};MN=DEV1;Flag={flag};CP=&&DataTime=20260101120000&&"
    return decode(build_frame(seg))


def test_commands_echo_the_device_and_set_the_ack_bit_only_when_asked():
    now = datetime(2026, 3, 1, 8, 30, 15, 250000, tzinfo=CHINA_TZ)
    c = decode(build_command(_device(), "1062", {"RtdInterval": 30}, now=now))
    assert (c.qn, c.st, c.cn, c.pw, c.mn, c.flag, c.params) == (
        "20260301083015250", "31", "1062", "654321", "DEV1", 5, {"RtdInterval": "30"})
    assert decode(build_command(_device(), "1062", now=now, ack=False)).flag == 4
    assert decode(build_command(_device(flag=9), "1062", now=now, ack=False)).flag == 8
    no_st = decode(build_frame("QN=1;CN=2011;PW=123456;MN=DEV2;Flag=5;CP=&&&&"))
    assert decode(build_command(no_st, "1012", now=now)).st == "32"


@pytest.fixture
def utc_process(monkeypatch):
    """The process clock in UTC (as on most servers; Django would set Asia/Shanghai and hide a naive now())."""
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_commands_without_a_clock_use_china_time_now(utc_process):
    before = datetime.now(CHINA_TZ)
    c = decode(build_set_time(_device()))
    after = datetime.now(CHINA_TZ)
    sent = parse_time(c.params["SystemTime"])
    assert before - timedelta(seconds=1) <= sent <= after
    assert before - timedelta(seconds=1) <= parse_time(c.qn) <= after
    c = decode(build_command(_device(), "1011"))
    assert before - timedelta(seconds=1) <= parse_time(c.qn) <= datetime.now(CHINA_TZ)


@pytest.mark.parametrize("segment, expected", [
    ("QN=20260101120000001;ST=91;CN=9011;CP=&&QnRtn=1&&", "20260101120000001"),  # 2017: header
    ("ST=91;CN=9011;Flag=0;CP=&&QN=20160824000504006;QnRtn=1&&", "20160824000504006"),  # 2005: inside CP
    ("QN=11111111111111111;ST=91;CN=9014;CP=&&QN=22222222222222222;CN=2051&&", "22222222222222222"),  # CP first
    ("ST=91;CN=9014;CP=&&CN=2051&&", None),
])
def test_answer_qn_finds_the_qn_in_either_place(segment, expected):
    assert answer_qn(decode(build_frame(segment))) == expected


def test_every_error_is_a_value_error_for_callers_that_catch_that():
    with pytest.raises(ValueError):
        decode(b"garbage")
    assert issubclass(HJ212Error, ValueError)


def test_segment_defaults_and_split_fields():
    from envbureau.hj212 import build_segment

    assert build_segment(cn="2011", mn="M") == "ST=32;CN=2011;PW=123456;MN=M;CP=&&&&"
    assert build_segment(cn="2061", mn="M", qn="1", flag=7, pnum=2, pno=1, cp="a=1") == (
        "QN=1;ST=32;CN=2061;PW=123456;MN=M;Flag=7;PNUM=2;PNO=1;CP=&&a=1&&")
    assert build_segment(cn="9014", mn=None, pw=None, st="91") == "ST=91;CN=9014;CP=&&&&"


@pytest.mark.parametrize("flag, cn, expected", [
    (5, "9011", "QN=20260101120000001;ST=91;CN=9011;PW=654321;MN=DEV1;Flag=4;CP=&&QnRtn=1&&"),
    (1, "9011", "ST=91;CN=9011;PW=654321;MN=DEV1;Flag=0;CP=&&QN=20260101120000001;QnRtn=1&&"),
    (1, "9013", "ST=91;CN=9013;PW=654321;MN=DEV1;CP=&&QN=20260101120000001&&"),
])
def test_answers_echo_the_devices_own_password(flag, cn, expected):
    from envbureau.hj212 import build_answer

    request = _device(flag=flag)
    items = {"QnRtn": 1} if cn == "9011" else None
    assert build_answer(request, cn, items) == build_frame(expected)


def test_splitter_keeps_only_a_possible_frame_start_at_the_end():
    for tail, kept in ((b"hello", 0), (b"junk##x", 0), (b"junk#", 1), (b"junk##", 2), (b"junk##01", 4),
                       (b"junk##012", 5)):
        s = FrameSplitter()
        s.feed(tail)
        assert s.pending == kept, tail
        assert s.garbage_bytes == len(tail) - kept, tail


def test_a_garbage_run_going_on_after_blanks_in_the_next_read_is_one_error():
    s = FrameSplitter()
    events = s.feed(b"junk1") + s.feed(b"  junk2") + s.feed(build_frame("ST=32;CN=2011;MN=M;CP=&&a=1&&"))
    assert [type(e).__name__ for e in events] == ["FramingError", "bytes"]
    assert s.garbage_bytes == 12


# ---- a parsed segment's own fields, and the CP rules one by one (hj212.codec mutation run, 2026-12-01) ----

def test_a_parsed_segment_keeps_its_header_and_carries_no_frame_fields():
    seg = b"QN=20240101000000001;ST=32;CN=2011;PW=123456;MN=M1;Flag=5;ST=99;CP=&&DataTime=20240101000000;a-Rtd=1&&"
    p = parse_segment(seg)
    # every header field as sent, the first of a repeated one kept
    assert p.header == {"QN": "20240101000000001", "ST": "32", "CN": "2011", "PW": "123456", "MN": "M1", "Flag": "5"}
    # decode() fills these from the frame; a bare segment has none of it
    assert (p.segment, p.raw, p.crc_dialect, p.declared_length) == (seg, b"", "hj212", None)
    frame = build_frame(seg)
    d = decode(frame)
    assert (d.header, d.raw, d.crc_dialect, d.declared_length) == (p.header, frame, "hj212", None)


@pytest.mark.parametrize("text_value", [False, True], ids=["well-formed (parsed lazily)", "with //text// (parsed at once)"])
@pytest.mark.parametrize("repeated_first", [True, False])
def test_repeated_cp_keys_are_listed_whichever_property_is_read_first(text_value, repeated_first):
    cp = "a-Rtd=1;a-Rtd=2;DataTime=20240101000000;a-Rtd=3;DataTime=20250101000000"
    if text_value:
        cp += ";i1-Info=//x;y//"
    p = parse_segment(b"ST=32;CN=2011;MN=M;CP=&&" + cp.encode() + b"&&")
    if repeated_first:
        assert p.repeated == ["a-Rtd", "a-Rtd", "DataTime"]  # one entry per extra occurrence, in order
    assert p.factors["a"] == {"Rtd": "1"} and p.params == {"DataTime": "20240101000000"}
    assert p.repeated == ["a-Rtd", "a-Rtd", "DataTime"]  # one entry per extra occurrence, in order
    assert p.data_time_text == "20240101000000"


def test_a_packet_built_from_parsed_dicts_keeps_them():
    from envbureau.hj212 import Packet

    p = Packet(b"seg", {"CN": "2011"}, params={"DataTime": "20240101000000"}, factors={"a": {"Rtd": "1"}})
    # no CP text to parse: the dicts given are the packet's, nothing repeated
    assert p.repeated == [] and p.params == {"DataTime": "20240101000000"} and p.factors == {"a": {"Rtd": "1"}}
    assert p.data_time_text == "20240101000000" and p.cn == "2011"
    # CP text parsed on first use: error offsets count from the CP's own offset, 0 by default
    with pytest.raises(SegmentError) as e:
        _ = Packet(b"", {}, cp="a=1;=5").params
    assert e.value.offset == 4
    with pytest.raises(SegmentError) as e:
        _ = Packet(b"", {}, cp="a=1;=5", cp_offset=100).params
    assert e.value.offset == 104


@pytest.mark.parametrize("text, expected", [
    ("20241231235958", datetime(2024, 12, 31, 23, 59, 58)),
    ("20241231235958123", datetime(2024, 12, 31, 23, 59, 58, 123000)),
    ("202412312359", datetime(2024, 12, 31, 23, 59)),
    ("20241019080706", datetime(2024, 10, 19, 8, 7, 6)),
])
def test_parse_time_reads_every_two_digit_field(text, expected):
    assert parse_time(text) == expected.replace(tzinfo=CHINA_TZ)


def test_a_cp_item_without_equals_is_named_cut_at_40_characters():
    with pytest.raises(SegmentError) as e:
        parse_segment(b"CN=1;CP=&&a=1;" + b"x" * 50 + b"&&")
    assert e.value.detail == f"CP item {'x' * 40!r} has no '='"
    assert e.value.offset == len(b"CN=1;CP=&&a=1;")


def test_cp_error_offsets_count_every_item_before_in_bytes():
    # the item without '=' comes after two comma-separated items: its offset counts both
    with pytest.raises(SegmentError) as e:
        parse_segment(b"CN=1;CP=&&a=1,b=2;cc;d=4&&")
    assert e.value.offset == len(b"CN=1;CP=&&a=1,b=2;")
    # an empty name, after a Chinese value (3 bytes a character in UTF-8) and before more items
    seg = "CN=1;CP=&&a=名称,b=2;=5;c=3&&".encode()
    with pytest.raises(SegmentError) as e:
        parse_segment(seg)
    assert e.value.detail == "CP item with an empty name"
    assert e.value.offset == len("CN=1;CP=&&a=名称,b=2;".encode())


def test_factor_fields_split_at_the_first_dash_and_need_a_code_and_a_suffix():
    p = parse_segment(b"CN=1;CP=&&B01-Rtd-Max=3;-Rtd=1;B02-=2;B03-Rtd=4&&")
    assert p.factors == {"B01": {"Rtd-Max": "3"}, "B03": {"Rtd": "4"}}
    assert p.params == {"-Rtd": "1", "B02-": "2"}


def test_segment_structure_errors_name_the_place_and_keep_the_segment():
    seg = b"QN=1;CN=2011;MN=M;a=1&&"
    for base, at in ((None, 0), (6, 6)):
        with pytest.raises(SegmentError) as e:
            parse_segment(seg) if base is None else parse_segment(seg, base_offset=base)
        assert (e.value.detail, e.value.offset, e.value.raw) == ("no 'CP=&&' in the data segment", at, seg)
    seg = b"QN=1;CN=2011;CP=&&a=1"
    for base, at in ((None, len(seg)), (6, 6 + len(seg))):
        with pytest.raises(SegmentError) as e:
            parse_segment(seg) if base is None else parse_segment(seg, base_offset=base)
        assert (e.value.detail, e.value.offset, e.value.raw) == ("CP area is not closed with '&&'", at, seg)


def test_a_segment_may_start_with_its_cp_and_only_the_first_cp_opens_it():
    p = parse_segment(b"CP=&&a=1&&")
    assert (p.header, p.params, p.cn) == ({}, {"a": "1"}, None)
    p = parse_segment(b"CN=2011;CP=&&i1-Info=//CP=&&x//&&")
    assert p.header == {"CN": "2011"} and p.factors == {"i1": {"Info": "//CP=&&x//"}}


def test_cp_bytes_neither_utf8_nor_gbk_name_the_first_bad_byte():
    seg = b"CN=2011;CP=&&a=1;i1-Info=ok\xff\xfe\xff&&"
    with pytest.raises(SegmentError) as e:
        parse_segment(seg)
    assert e.value.detail.startswith("bytes are neither UTF-8 nor GBK (")
    assert e.value.offset == seg.index(b"\xff")
    frame = build_frame(seg)
    with pytest.raises(SegmentError) as e:
        decode(frame)
    assert e.value.offset == 6 + seg.index(b"\xff")


def test_bytes_after_the_closing_ampersands_are_refused_where_they_start():
    for tail in (b"x", b"xy", b" x"):
        seg = b"QN=1;CN=2011;CP=&&a=1&&" + tail
        with pytest.raises(SegmentError) as e:
            parse_segment(seg, base_offset=6)
        assert (e.value.detail, e.value.offset, e.value.raw) == (
            "bytes after the closing '&&' of the CP area", 6 + seg.rindex(b"&&") + 2, seg)
    assert parse_segment(b"QN=1;CN=2011;CP=&&a=1&&  ").params == {"a": "1"}  # trailing blanks are fine


def test_the_splitters_size_cap_admits_a_frame_of_exactly_the_cap():
    seg = b"ST=32;CN=2011;MN=M;CP=&&a=" + b"1" * 72 + b"&&"
    assert len(seg) == 100
    frame = build_frame(seg)
    assert FrameSplitter(max_segment=100).feed(frame) == [frame]
    out = FrameSplitter(max_segment=99).feed(frame)
    assert isinstance(out[0], HJ212Error) and "declared length 100 exceeds the cap of 99" in str(out[0])


def test_text_values_keep_every_key_around_them_whatever_its_first_letter():
    # a //text// value (HJ 212-2017 info fields) may hold ';' and ','; the keys next to it are read whole
    p = parse_segment("CN=3020;CP=&&DataTime=20200101000000;XK=1;w01018-Info=//清洗;管路,校准//,"
                      "w01018-SN=X1;Xa-Rtd=2&&".encode())
    assert p.params == {"DataTime": "20200101000000", "XK": "1"}
    assert p.factors == {"w01018": {"Info": "//清洗;管路,校准//", "SN": "X1"}, "Xa": {"Rtd": "2"}}


def test_an_error_made_without_bytes_carries_none():
    # errors raised outside a frame (parse_time on its own) have no raw bytes and stand for none of a stream
    for err in (SegmentError("m"), HJ212Error("m", 5)):
        assert (err.raw, err.skipped) == (b"", 0)
    assert str(SegmentError("m")) == "syntax: m" and str(HJ212Error("m", 5)) == "syntax: m at offset 5"
    with pytest.raises(SegmentError) as e:
        parse_time("2020", "DataTime")
    assert (e.value.raw, e.value.skipped, e.value.offset) == (b"", 0, None)


def test_a_packet_keeps_the_frame_fields_it_is_given_and_an_empty_cp_is_empty():
    from envbureau.hj212 import Packet

    p = Packet(b"seg", {"CN": "2011"}, crc_dialect="modbus", declared_length=1017, raw=b"##1017seg")
    assert (p.crc_dialect, p.declared_length, p.raw, p.segment) == ("modbus", 1017, b"##1017seg", b"seg")
    # no CP text at all, or an empty CP area (CP=&&&&, as in a 1011/2011 request without parameters)
    for packet in (Packet(b"", {}), Packet(b"", {}, cp=""), parse_segment(b"ST=32;CN=1011;MN=M;CP=&&&&")):
        assert (packet.params, packet.factors, packet.repeated) == ({}, {}, [])


def test_decode_takes_only_bytes():
    frame = "##0023ST=32;CN=2011;CP=&&&&1C80\r\n"
    with pytest.raises(HJ212Error) as e:
        decode(frame)
    assert (type(e.value).__name__, e.value.detail, e.value.offset) == ("FramingError", "frame must be bytes", 0)
    assert str(e.value) == "framing: frame must be bytes at offset 0"


GOOD = b"##0029ST=32;CN=2011;MN=M;CP=&&a=1&&0880\r\n"  # 0880: the Annex A CRC of its 29-byte segment


@pytest.mark.parametrize("frame, kind, detail, offset", [
    (b"#$" + GOOD[2:], "framing", "frame does not start with '##'", 0),
    (b"##00001234\r", "framing", "frame of 11 bytes is shorter than the minimum 12", 11),
    (b"##x" + GOOD[3:], "framing", "length field b'x029' is not 4 decimal digits", 2),
    (b"##0x29" + GOOD[6:], "framing", "length field b'0x29' is not 4 decimal digits", 2),
    (GOOD[:-1] + b" ", "framing", "frame does not end with CR LF", len(GOOD) - 2),
    (b"##9999" + GOOD[6:], "length", "declared length 9999 exceeds the cap of 4096", 2),
    (b"##0030" + GOOD[6:], "length", "length field says 30 but the data segment has 29 bytes", 2),
    (GOOD[:-6] + b"12G4\r\n", "crc", "CRC field b'12G4' is not 4 hex digits", len(GOOD) - 6),
    # int(..., 16) alone would take these as 0x880 (the right CRC) and 0x88
    (GOOD[:-6] + b" 880\r\n", "crc", "CRC field b' 880' is not 4 hex digits", len(GOOD) - 6),
    (GOOD[:-6] + b"+880\r\n", "crc", "CRC field b'+880' is not 4 hex digits", len(GOOD) - 6),
    (GOOD[:-6] + b"0_88\r\n", "crc", "CRC field b'0_88' is not 4 hex digits", len(GOOD) - 6),
    (GOOD[:-6] + b"0000\r\n", "crc", "CRC 0000 does not match the data segment (HJ 212 CRC is 0880)", len(GOOD) - 6),
])
def test_decode_names_what_is_wrong_and_the_byte_and_keeps_the_frame(frame, kind, detail, offset):
    assert decode(GOOD).params == {"a": "1"}
    with pytest.raises(HJ212Error) as e:
        decode(frame)
    assert (e.value.kind, e.value.detail, e.value.offset, e.value.raw) == (kind, detail, offset, frame)


def test_the_shortest_frame_is_12_bytes_and_then_its_segment_is_judged():
    # "##0000", no data segment, the CRC of nothing (FFFF by Annex A's initial value), CR LF
    with pytest.raises(SegmentError) as e:
        decode(b"##0000FFFF\r\n")
    assert (e.value.detail, e.value.offset) == ("no 'CP=&&' in the data segment", 6)


@pytest.mark.parametrize("cp, bad", [
    ("a=1;abc;d=1;e=//x//", "abc"),  # an item without '=' before further items, in a CP holding //text//
    ("a=1,abc,d=1,e=//x//", "abc"),
    ("e=//x;y//;abc;d=1", "abc"),
])
def test_an_item_without_equals_among_text_values_is_named_where_it_starts(cp, bad):
    seg = b"CN=3020;CP=&&" + cp.encode() + b"&&"
    with pytest.raises(SegmentError) as e:
        parse_segment(seg, base_offset=6)
    assert (e.value.detail, e.value.offset) == (f"CP item {bad!r} has no '='", 6 + seg.index(bad.encode()))


def test_decodes_size_cap_admits_a_segment_of_exactly_the_cap():
    assert decode(GOOD, max_segment=29).params == {"a": "1"}
    with pytest.raises(HJ212Error) as e:
        decode(GOOD, max_segment=28)
    assert (e.value.kind, e.value.detail, e.value.offset) == ("length", "declared length 29 exceeds the cap of 28", 2)


@pytest.mark.parametrize("seg, detail, bad", [
    # the first byte over 127 is named, not a DEL (127, ASCII) before it nor the next one
    (b"QN=1;ST=\x7f\x80\x81;CN=2011;CP=&&&&", "non-ASCII byte in the header fields", b"\x80"),
    (b"QN=1;ST=32;CN;MN=M;CP=&&&&", "header field 'CN' has no '='", b"CN;"),
    (b"QN=1;ST=32;CN=2011; =5;CP=&&&&", "header field with an empty name", b" =5"),
    (b"QN=1;ST=32;CN=2011;PNUM=x;PNO=1;CP=&&&&", "PNUM='x' is not an integer", b"PNUM"),
    # the field's own name, not the same letters earlier in a value, nor its repetition (the first is kept)
    (b"QN=1;MN=PNO9;CN=2011; PNO=1a;PNUM=2;PNO=1;CP=&&&&", "PNO='1a' is not an integer", b"PNO=1a"),
])
def test_header_errors_name_the_field_where_it_starts(seg, detail, bad):
    with pytest.raises(SegmentError) as e:
        parse_segment(seg, base_offset=6)
    assert (e.value.detail, e.value.offset, e.value.raw) == (detail, 6 + seg.index(bad), seg)


def test_header_fields_split_at_the_first_equals_and_a_text_flag_has_no_bits():
    p = parse_segment(b"QN=1;PW=ab=c;Flag=N;MN= M1 ;CP=&&&&")
    assert p.header == {"QN": "1", "PW": "ab=c", "Flag": "N", "MN": "M1"}
    assert (p.pw, p.flag, p.mn, p.wants_ack) == ("ab=c", None, "M1", False)


@pytest.mark.parametrize("cp", ["a=//x", "a=1;i1-Info=//x;y"])
def test_a_text_value_left_open_is_refused_by_the_segment_parser(cp):
    seg = b"ST=32;CN=3020;CP=&&" + cp.encode() + b"&&"
    with pytest.raises(SegmentError) as e:
        parse_segment(seg)
    assert (e.value.detail, e.value.offset) == ("text value opened with '//' is not closed", seg.index(b"//"))


def test_a_segment_with_text_values_keeps_its_segment_and_header():
    seg = b"ST=32;CN=3020;MN=M;CP=&&DataTime=20240101000000;i1-Info=//a;b//;i1-Info=//c//&&"
    p = parse_segment(seg)
    assert (p.segment, p.header, p.data_time_text) == (seg, {"ST": "32", "CN": "3020", "MN": "M"}, "20240101000000")
    assert (p.params, p.factors, p.repeated) == ({"DataTime": "20240101000000"}, {"i1": {"Info": "//a;b//"}},
                                                 ["i1-Info"])


@pytest.mark.parametrize("cp, params, factors", [
    # blank items between separators are skipped, and the next key is read from its first letter
    ("a=//x//; ;bc=1, ,de=2", {"a": "//x//", "bc": "1", "de": "2"}, {}),
    # an empty text value: its closing '//' follows the opening one at once
    ("a=////;b=1", {"a": "////", "b": "1"}, {}),
    # plain fields of a factor before its text field, ',' between them
    ("w01018-Rtd=1.5,w01018-Flag=N,w01018-Info=//校准//", {}, {"w01018": {"Rtd": "1.5", "Flag": "N", "Info": "//校准//"}}),
])
def test_text_value_areas_read_every_item(cp, params, factors):
    p = parse_segment(b"ST=32;CN=3020;CP=&&" + cp.encode() + b"&&")
    assert (p.params, p.factors) == (params, factors)


def test_errors_among_text_values_name_the_item():
    seg = b"ST=32;CN=3020;CP=&&=1;a=//x//&&"  # the very first item has '=' but no name
    with pytest.raises(SegmentError) as e:
        parse_segment(seg)
    assert (e.value.detail, e.value.offset) == ("CP item with an empty name", seg.index(b"=1"))
    seg = b"ST=32;CN=3020;CP=&&a=//x//;" + b"y" * 50 + b"&&"
    with pytest.raises(SegmentError) as e:
        parse_segment(seg)
    assert (e.value.detail, e.value.offset) == (f"CP item {'y' * 40!r} has no '='", seg.index(b"y"))
    seg = b"ST=32;CN=3020;CP=&&a=//x//junk;b=1&&"  # bytes right after a closing '//' are an item of their own
    with pytest.raises(SegmentError) as e:
        parse_segment(seg)
    assert (e.value.detail, e.value.offset) == ("CP item 'junk' has no '='", seg.index(b"junk"))


def test_a_crc_of_a_dialect_not_accepted_is_named_with_the_frame_and_its_packet():
    from envbureau.hj212 import modbus_crc16

    seg = GOOD[6:-6]
    crc = b"%04X" % modbus_crc16(seg)
    frame = b"##0029" + seg + crc + b"\r\n"
    with pytest.raises(CRCError) as e:
        decode(frame)
    assert (e.value.detail, e.value.offset, e.value.raw) == (f"CRC {crc.decode()} is modbus, not the HJ 212 CRC",
                                                             len(frame) - 6, frame)
    assert (e.value.dialect, e.value.packet.params, e.value.packet.raw) == ("modbus", {"a": "1"}, frame)


@pytest.mark.parametrize("cp", ["a=b=c;w01-Rtd=1=2", "a=b=c;w01-Rtd=1=2;i-Info=//x//"])
def test_cp_items_split_at_their_first_equals(cp):
    p = parse_segment(b"ST=32;CN=2011;CP=&&" + cp.encode() + b"&&")
    assert (p.params["a"], p.factors["w01"]) == ("b=c", {"Rtd": "1=2"})


def test_build_frame_fills_the_4_digit_length_up_to_9999_bytes():
    body = b"CP=&&a=" + b"1" * 9990 + b"&&"
    assert len(body) == 9999
    frame = build_frame(body)
    assert frame[:6] == b"##9999" and frame[-2:] == b"\r\n"
    assert decode(frame, max_segment=9999).params == {"a": "1" * 9990}
    with pytest.raises(HJ212Error) as e:
        build_frame(body + b"1")
    assert (e.value.kind, e.value.detail, e.value.offset) == (
        "length", "data segment of 10000 bytes does not fit the 4-digit length field", 2)
