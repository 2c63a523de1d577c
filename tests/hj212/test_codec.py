"""Vectors from the standard (HJ 212-2017 Appendix A and C, framed and CRC-checked by hand)."""

from datetime import datetime

import pytest

from envbureau.hj212 import (
    CHINA_TZ,
    CRCError,
    FramingError,
    HJ212Error,
    LengthError,
    SegmentError,
    build_frame,
    build_reply,
    build_segment,
    codes,
    decimal_parts,
    decode,
    format_cp,
    modbus_crc16,
)
from envbureau.hj212.crc import swap16

MN = "010000A8900016F000169DC0"
UPLOAD_2011 = (b"##0218QN=20160801085857223;ST=32;CN=2011;PW=123456;MN=010000A8900016F000169DC0;Flag=5;"
               b"CP=&&DataTime=20160801085857;w01001-Rtd=7.1,w01001-Flag=N;w01018-SampleTime=20160801070000,"
               b"w01018-Rtd=2.2,w01018-Flag=N,w01018-EFlag=A01&&6E80\r\n")
ANSWER_2011 = (b"##0087QN=20160801085857223;ST=91;CN=9014;PW=123456;MN=010000A8900016F000169DC0;Flag=4;"
               b"CP=&&&&3240\r\n")
UPLOAD_2051 = (b"##0325QN=20160801085000001;ST=32;CN=2051;PW=123456;MN=010000A8900016F000169DC0;Flag=5;"
               b"CP=&&DataTime=20160801084000;w00000-Cou=10.5,w00000-Min=16.4,w00000-Avg=17.5,w00000-Max=20.1,"
               b"w00000-Flag=N;w01001-Min=7.1,w01001-Avg=7.5,w01001-Max=7.8,w01001-Flag=N;w01018-Cou=10.5,"
               b"w01018-Min=40.1,w01018-Avg=40.1,w01018-Max=40.1,w01018-Flag=N&&6180\r\n")
ANSWER_2051 = (b"##0087QN=20160801085000001;ST=91;CN=9014;PW=123456;MN=010000A8900016F000169DC0;Flag=4;"
               b"CP=&&&&C241\r\n")
SPLIT_2061 = (b"##0260QN=20160801085857534;ST=32;CN=2061;PW=123456;MN=010000A8900016F000169DC0;Flag=7;PNUM=2;"
              b"PNO=1;CP=&&DataTime=20160801080000;w00000-Cou=63.0,w00000-Min=16.4,w00000-Avg=17.5,"
              b"w00000-Max=20.1,w00000-Flag=N;w01001-Min=7.1,w01001-Avg=7.5,w01001-Max=7.8,w01001-Flag=N&&D941\r\n")
ANSWER_2061 = (b"##0087QN=20160801085857534;ST=91;CN=9014;PW=123456;MN=010000A8900016F000169DC0;Flag=4;"
               b"CP=&&&&5B40\r\n")
NOTIFY_1013 = (b"##0099QN=20160801085857223;ST=32;CN=1013;PW=123456;MN=010000A8900016F000169DC0;Flag=5;"
               b"CP=&&PolId=w01018&&CAC1\r\n")
ANSWER_1013 = (b"##0087QN=20160801085857223;ST=91;CN=9013;PW=123456;MN=010000A8900016F000169DC0;Flag=4;"
               b"CP=&&&&2A80\r\n")
REQUEST_2005 = (b"##0124QN=20040516010101001;ST=32;CN=2051;PW=123456;MN=88888880000001;Flag=3;"
                b"CP=&&BeginTime=20040506111000,EndTime=20040506151000&&6B80\r\n")
ANSWER_2005 = b"##0049ST=91;CN=9014;CP=&&QN=20040516010101001;CN=2051&&5F00\r\n"
APPENDIX_A = (b"##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;"
              b"CP=&&RtdInterval=30&&1C80\r\n")
REAL_2005 = (b"##0121ST=32;CN=2011;PW=123456;MN=LD130104000268;CP=&&DataTime=20160823235500;"
             b"B01-Rtd=4.70,B01-Flag=N;011-Rtd=59.00,011-Flag=N&&B381\r\n")
LOWER_HEX_2025 = (b"##0435QN=20210301111100112;ST=21;CN=2011;PW=123456;MN=ZLDSZ20210127;Flag=8;CP=&&DataTime="
                  b"20210301111100;w01001-Rtd=8.33,w01001-Flag=N;w01009-Rtd=10.15,w01009-Flag=N;w01010-Rtd=9.7,"
                  b"w01010-Flag=N;w01014-Rtd=1425,w01014-Flag=N;w01003-Rtd=13.10,w01003-Flag=N;w21011-Rtd=0,"
                  b"w21011-Flag=N;w21001-Rtd=3.563168,w21001-Flag=N;w21003-Rtd=0.09055002,w21003-Flag=N;"
                  b"w01019-Rtd=4.102818,w01019-Flag=N;w01008-Rtd=0,w01008-Flag=N;w23002-Rtd=0,w23002-Flag=N&&7d00\r\n")


def test_appendix_a_frame():
    p = decode(APPENDIX_A)
    assert (p.qn, p.st, p.cn, p.pw, p.mn, p.flag) == ("20160801085857223", "32", "1062", "100000", MN, 5)
    assert p.params == {"RtdInterval": "30"}
    assert p.version == codes.VERSION_2017 and p.wants_ack and not p.is_split


def test_realtime_upload_fields_and_answer():
    p = decode(UPLOAD_2011)
    assert p.kind == "rtd"
    assert p.data_time == datetime(2016, 8, 1, 8, 58, 57, tzinfo=CHINA_TZ)
    assert p.factors["w01018"] == {"SampleTime": "20160801070000", "Rtd": "2.2", "Flag": "N", "EFlag": "A01"}
    assert dict(((c, f), v) for c, f, v in p.values()) == {("w01001", "Rtd"): 7.1, ("w01018", "Rtd"): 2.2}
    assert build_reply(p) == ANSWER_2011


def test_minute_upload_and_answer():
    p = decode(UPLOAD_2051)
    assert p.kind == "minute"
    assert p.factors["w00000"]["Cou"] == "10.5" and p.factors["w01018"]["Max"] == "40.1"
    assert build_reply(p) == ANSWER_2051


def test_split_packet_answered_with_its_own_qn():
    p = decode(SPLIT_2061)
    assert p.is_split and (p.pnum, p.pno) == (2, 1) and p.kind == "hour"
    assert p.dedup_key == (MN, "2061", "20160801080000", 1)
    assert build_reply(p) == ANSWER_2061


def test_notify_answered_with_9013():
    assert build_reply(decode(NOTIFY_1013)) == ANSWER_1013


def test_2005_answer_carries_qn_in_cp():
    p = decode(REQUEST_2005)
    assert p.version == codes.VERSION_2005 and p.wants_ack
    assert build_reply(p) == ANSWER_2005
    a = decode(ANSWER_2005)
    assert a.params == {"QN": "20040516010101001", "CN": "2051"} and not a.wants_ack


def test_answers_are_never_answered():
    for frame in (ANSWER_2011, ANSWER_1013, ANSWER_2005):
        assert build_reply(decode(frame)) is None


def test_real_2005_codes_and_missing_qn_flag():
    p = decode(REAL_2005)
    assert p.qn is None and p.flag is None and p.version == 0 and not p.wants_ack
    assert set(p.factors) == {"B01", "011"}
    assert codes.normalise_factor("B01") == "w00000" and codes.normalise_factor("011") == "w01018"
    assert codes.CODE_2017_TO_2005["a21026"] == "02"
    assert codes.factor_name("011") == "COD"


def test_2025_flag_and_lower_case_crc():
    p = decode(LOWER_HEX_2025)
    assert p.version == codes.VERSION_2025 and not p.wants_ack
    assert len(p.factors) == 11
    ack = decode(build_frame(build_segment(cn="2011", mn="M", qn="20260101000000000", flag=9,
                                           cp="DataTime=20260101000000;a21026-Rtd=1")))
    reply = decode(build_reply(ack))
    assert reply.flag == 8 and reply.cn == "9014" and reply.qn == "20260101000000000"


def test_round_trip():
    factors = {"a21026": {"Avg": "12.5", "Flag": "N"}, "a34013": {"Avg": "3.05", "ZsAvg": "4.1", "Flag": "D"}}
    seg = build_segment(cn="2051", st="31", mn="MN1", qn="20260101120000123", flag=5,
                        cp=format_cp({"DataTime": "20260101115000"}, factors))
    frame = build_frame(seg)
    p = decode(frame)
    assert p.factors == factors and p.params == {"DataTime": "20260101115000"}
    assert build_frame(p.segment) == frame


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_chinese_text_values(encoding):
    seg = build_segment(cn="3020", st="32", mn="MN1", qn="20260101120000123", flag=4,
                        cp="DataTime=20260101120000;i11001-Info=//清洗管路;完成,正常//;i12001-Info=1")
    frame = build_frame(seg, encoding=encoding)
    assert int(frame[2:6]) == len(seg.encode(encoding))  # length counts bytes, not characters
    p = decode(frame)
    assert p.factors["i11001"]["Info"] == "//清洗管路;完成,正常//"
    assert p.factors["i12001"]["Info"] == "1"


def test_decimal_parts_keep_device_text():
    assert decimal_parts("12.340") == (12340, -3)
    assert decimal_parts("-0.5") == (-5, -1)
    assert decimal_parts("1425") == (1425, 0)
    assert decimal_parts("abc") is None and decimal_parts("NaN") is None


# --- errors: precise kind, message and offset ---------------------------------------------

def test_error_no_header():
    with pytest.raises(FramingError) as e:
        decode(b"#0101" + APPENDIX_A[5:])
    assert e.value.offset == 0 and "##" in str(e.value)


def test_error_length_digits():
    with pytest.raises(FramingError) as e:
        decode(b"##01a1" + APPENDIX_A[6:])
    assert e.value.offset == 2 and "4 decimal digits" in e.value.detail


def test_error_missing_crlf():
    with pytest.raises(FramingError) as e:
        decode(APPENDIX_A[:-2] + b"\n\n")
    assert e.value.offset == len(APPENDIX_A) - 2


def test_error_length_mismatch():
    with pytest.raises(LengthError) as e:
        decode(b"##0100" + APPENDIX_A[6:])
    assert e.value.offset == 2 and "100" in e.value.detail and "101" in e.value.detail
    p = decode(b"##0100" + APPENDIX_A[6:], lenient_length=True)
    assert p.declared_length == 100


def test_error_crc_wrong_and_malformed():
    bad = APPENDIX_A[:-6] + b"1C81\r\n"
    with pytest.raises(CRCError) as e:
        decode(bad)
    assert e.value.offset == len(APPENDIX_A) - 6 and "1C80" in e.value.detail
    with pytest.raises(CRCError) as e:
        decode(APPENDIX_A[:-6] + b"1CX0\r\n")
    assert "hex" in e.value.detail


def test_modbus_dialect_flagged_or_accepted():
    seg = APPENDIX_A[6:-6]
    for value, dialect in ((modbus_crc16(seg), "modbus"), (swap16(modbus_crc16(seg)), "modbus-swapped")):
        frame = b"##0101" + seg + b"%04X\r\n" % value
        with pytest.raises(CRCError) as e:
            decode(frame)
        assert e.value.dialect == dialect and e.value.packet.mn == MN
        p = decode(frame, crc_dialects=("hj212", "modbus", "modbus-swapped"))
        assert p.crc_dialect == dialect


def test_error_cp_syntax():
    with pytest.raises(SegmentError) as e:
        decode(build_frame("QN=1;ST=32;CN=2011;MN=X;CP=&&DataTime=20200101000000;w01018-Rtd&&"))
    assert "has no '='" in e.value.detail
    # offset points into the frame at the bad item
    frame = build_frame("QN=1;ST=32;CN=2011;MN=X;CP=&&DataTime=20200101000000;w01018-Rtd&&")
    assert frame[e.value.offset:].startswith(b"w01018-Rtd")
    with pytest.raises(SegmentError) as e:
        decode(build_frame("QN=1;ST=32;CN=2011;MN=X;DataTime=1"))
    assert "CP=&&" in e.value.detail
    with pytest.raises(SegmentError) as e:
        decode(build_frame("QN=1;ST=32;CN=2011;MN=X;CP=&&DataTime=1"))
    assert "not closed" in e.value.detail
    with pytest.raises(SegmentError) as e:
        decode(build_frame("QN=1;ST=32;CN=2011;PNO=x;MN=X;CP=&&&&"))
    assert "PNO" in e.value.detail
    with pytest.raises(SegmentError):
        decode(build_frame(b"QN=1;ST=32;CN=2011;MN=X;CP=&&i1-Info=\xff\xfe\xff&&"))


def test_bad_datatime_raises_library_error():
    frame = build_frame("ST=32;CN=2011;MN=X;CP=&&DataTime=20201340000000;a-Rtd=1&&")
    p = decode(frame)
    with pytest.raises(SegmentError) as e:
        _ = p.data_time
    assert frame[e.value.offset:].startswith(b"20201340000000") and "DataTime" in e.value.detail
    assert decode(build_frame("ST=32;CN=2011;MN=X;CP=&&DataTime=20160824003817000&&")).data_time.second == 17


def test_all_errors_are_library_errors():
    for cls in (FramingError, LengthError, CRCError, SegmentError):
        assert issubclass(cls, HJ212Error) and issubclass(cls, ValueError)


def test_set_time_command_follows_the_device_version():
    from envbureau.hj212 import build_set_time

    now = datetime(2026, 7, 6, 10, 35, 12, 345000, tzinfo=CHINA_TZ)
    cmd = decode(build_set_time(decode(NOTIFY_1013), now))
    assert (cmd.cn, cmd.st, cmd.mn, cmd.pw, cmd.flag, cmd.qn) == ("1012", "32", MN, "123456", 5, "20260706103512345")
    assert cmd.params == {"SystemTime": "20260706103512"}
    old = decode(build_frame("QN=1;ST=32;CN=1013;PW=1;MN=X;Flag=1;CP=&&&&"))
    assert decode(build_set_time(old, now)).flag == 1


def test_9011_and_9012_answers_match_the_standard():
    from envbureau.hj212 import build_answer

    request = decode(build_frame("QN=20160801085857223;ST=32;CN=1062;PW=123456;MN=010000A8900016F000169DC0;"
                                 "Flag=5;CP=&&RtdInterval=30&&"))
    assert build_answer(request, "9011", {"QnRtn": 1}) == (
        b"##0094QN=20160801085857223;ST=91;CN=9011;PW=123456;MN=010000A8900016F000169DC0;Flag=4;"
        b"CP=&&QnRtn=1&&1B00\r\n")
    assert build_answer(request, "9012", {"ExeRtn": 1}) == (
        b"##0095QN=20160801085857223;ST=91;CN=9012;PW=123456;MN=010000A8900016F000169DC0;Flag=4;"
        b"CP=&&ExeRtn=1&&6240\r\n")
    # 2005 form, as a real 2016 logger sent it: QN inside CP, Flag=0
    old = decode(build_frame("QN=20160824000504006;ST=32;CN=1012;PW=123456;MN=LD130107000188;Flag=1;CP=&&&&"))
    assert build_answer(old, "9011", {"QnRtn": 1}) == (
        b"##0084ST=91;CN=9011;PW=123456;MN=LD130107000188;Flag=0;CP=&&QN=20160824000504006;QnRtn=1&&5780\r\n")
