"""Every answer echoes the request's QN where the device can find it, in the device's dialect.

Expected frames are written out from HJ 212-2017 Appendix C (Tables C.14–C.50) and HJ/T 212-2005 (2017: QN in the header, ST=91,
Flag = version bits without A; 2005: the QN, and for 9014 the CN/PNO/PNUM, inside CP) and framed here
with the Appendix A CRC, independently of the codec under test.
"""

import pytest

from envbureau.hj212 import build_answer, build_reply, decode

QN = "20160801085857223"
MN = "010000A8900016F000169DC0"
MN05 = "88888880000001"


def frame(segment: str) -> bytes:
    data = segment.encode("ascii")
    crc = 0xFFFF
    for b in data:
        crc = (crc >> 8) ^ b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return b"##" + f"{len(data):04d}".encode() + data + f"{crc:04X}".encode() + b"\r\n"


# (request segment, expected answer segment)
CASES_2017 = {
    "9013 to 1013, QN in header": (
        f"QN={QN};ST=32;CN=1013;PW=123456;MN={MN};Flag=5;CP=&&PolId=w01018&&",
        f"QN={QN};ST=91;CN=9013;PW=123456;MN={MN};Flag=4;CP=&&&&"),
    "9013 to 1013, QN inside CP": (
        f"ST=32;CN=1013;PW=123456;MN={MN};Flag=5;CP=&&QN={QN}&&",
        f"ST=91;CN=9013;PW=123456;MN={MN};Flag=4;CP=&&QN={QN}&&"),
    "9014 to 2051, QN in header": (
        f"QN={QN};ST=32;CN=2051;PW=123456;MN={MN};Flag=5;CP=&&DataTime=20160801084000;w01018-Avg=40.1&&",
        f"QN={QN};ST=91;CN=9014;PW=123456;MN={MN};Flag=4;CP=&&&&"),
    "9014 to 2051, QN inside CP": (
        f"ST=32;CN=2051;PW=123456;MN={MN};Flag=5;CP=&&QN={QN};DataTime=20160801084000;w01018-Avg=40.1&&",
        f"ST=91;CN=9014;PW=123456;MN={MN};Flag=4;CP=&&QN={QN}&&"),
    "9014 to a split 2061 part, QN in header": (
        f"QN={QN};ST=32;CN=2061;PW=123456;MN={MN};Flag=7;PNUM=2;PNO=1;CP=&&DataTime=20160801080000;w01001-Avg=7.5&&",
        f"QN={QN};ST=91;CN=9014;PW=123456;MN={MN};Flag=4;CP=&&&&"),
    "9014 to a 2025 device (Flag=9 -> 8), QN inside CP": (
        f"ST=21;CN=2011;PW=123456;MN=ZLDSZ20210127;Flag=9;CP=&&QN={QN};DataTime=20210301111100;w01001-Rtd=8.33&&",
        f"ST=91;CN=9014;PW=123456;MN=ZLDSZ20210127;Flag=8;CP=&&QN={QN}&&"),
}

CASES_2005 = {
    "9013 to 1013, QN inside CP (the logger that kept resending)": (
        f"ST=32;CN=1013;PW=123456;MN={MN05};Flag=1;CP=&&QN={QN}&&",
        f"ST=91;CN=9013;PW=123456;MN={MN05};CP=&&QN={QN}&&"),
    "9013 to 2072 alarm notify, QN in header": (
        f"QN={QN};ST=32;CN=2072;PW=123456;MN={MN05};Flag=1;CP=&&AlarmTime=20160823235559;B01-Ala=16.00,AlarmType=1&&",
        f"ST=91;CN=9013;PW=123456;MN={MN05};CP=&&QN={QN}&&"),
    "9013 to 2072 alarm notify, QN inside CP": (
        f"ST=32;CN=2072;PW=123456;MN={MN05};Flag=1;CP=&&QN={QN};AlarmTime=20160823235559;B01-Ala=16.00&&",
        f"ST=91;CN=9013;PW=123456;MN={MN05};CP=&&QN={QN}&&"),
    "9014 to 2051, QN in header (standard vector)": (
        "QN=20040516010101001;ST=32;CN=2051;PW=123456;MN=88888880000001;Flag=3;"
        "CP=&&BeginTime=20040506111000,EndTime=20040506151000&&",
        "ST=91;CN=9014;CP=&&QN=20040516010101001;CN=2051&&"),
    "9014 to 2051, QN inside CP": (
        f"ST=32;CN=2051;PW=123456;MN={MN05};Flag=1;CP=&&QN={QN};DataTime=20160823235000;011-Avg=50&&",
        f"ST=91;CN=9014;CP=&&QN={QN};CN=2051&&"),
    "9014 to a split 2061 part, QN in header": (
        f"QN={QN};ST=32;CN=2061;PW=123456;MN={MN05};Flag=3;PNUM=2;PNO=1;CP=&&DataTime=20160823230000;011-Avg=50&&",
        f"ST=91;CN=9014;CP=&&QN={QN};CN=2061;PNO=1;PNUM=2&&"),
}


@pytest.mark.parametrize("name", sorted(CASES_2017))
def test_2017_answers(name):
    request, expected = CASES_2017[name]
    assert build_reply(decode(frame(request))) == frame(expected)


@pytest.mark.parametrize("name", sorted(CASES_2005))
def test_2005_answers(name):
    request, expected = CASES_2005[name]
    assert build_reply(decode(frame(request))) == frame(expected)


@pytest.mark.parametrize("where", ["header", "cp"])
def test_9011_and_9012_echo_the_qn_in_both_dialects(where):
    qn_h = f"QN={QN};" if where == "header" else ""
    qn_cp = f"QN={QN};" if where == "cp" else ""
    req17 = decode(frame(f"{qn_h}ST=32;CN=3020;PW=123456;MN={MN};Flag=5;CP=&&{qn_cp}InfoId=i13004&&"))
    req05 = decode(frame(f"{qn_h}ST=32;CN=2051;PW=123456;MN={MN05};Flag=1;CP=&&{qn_cp}BeginTime=20040506111000&&"))
    if where == "header":
        assert build_answer(req17, "9011", {"QnRtn": 1}) == frame(
            f"QN={QN};ST=91;CN=9011;PW=123456;MN={MN};Flag=4;CP=&&QnRtn=1&&")
        assert build_answer(req17, "9012", {"ExeRtn": 1}) == frame(
            f"QN={QN};ST=91;CN=9012;PW=123456;MN={MN};Flag=4;CP=&&ExeRtn=1&&")
    else:
        assert build_answer(req17, "9011", {"QnRtn": 1}) == frame(
            f"ST=91;CN=9011;PW=123456;MN={MN};Flag=4;CP=&&QN={QN};QnRtn=1&&")
        assert build_answer(req17, "9012", {"ExeRtn": 1}) == frame(
            f"ST=91;CN=9012;PW=123456;MN={MN};Flag=4;CP=&&QN={QN};ExeRtn=1&&")
    # 2005: always inside CP, Flag=0
    assert build_answer(req05, "9011", {"QnRtn": 1}) == frame(
        f"ST=91;CN=9011;PW=123456;MN={MN05};Flag=0;CP=&&QN={QN};QnRtn=1&&")
    assert build_answer(req05, "9012", {"ExeRtn": 1}) == frame(
        f"ST=91;CN=9012;PW=123456;MN={MN05};Flag=0;CP=&&QN={QN};ExeRtn=1&&")


def test_no_qn_anywhere_gives_an_answer_without_one():
    # 2005 upload with the A bit but no QN: the answer carries the CN only (nothing to echo)
    request = decode(frame(f"ST=32;CN=2011;PW=123456;MN={MN05};Flag=1;CP=&&DataTime=20160823235500;B01-Rtd=4.70&&"))
    assert build_reply(request) == frame("ST=91;CN=9014;CP=&&CN=2011&&")
