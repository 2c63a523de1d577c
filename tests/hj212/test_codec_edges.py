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
