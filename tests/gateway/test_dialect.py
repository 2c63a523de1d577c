"""Over the socket: a 2005 logger whose 1013 carries its QN inside CP gets a 9013 it can match."""

from envbureau.hj212 import answer_qn, build_frame, decode

from .conftest import read_frames


def test_2005_time_request_with_qn_in_cp_is_answered_with_that_qn(gateway):
    s = gateway.connect()
    s.sendall(build_frame("ST=32;CN=1013;PW=123456;MN=MN0007;Flag=1;CP=&&QN=20160824000504006&&"))
    answer, command = read_frames(s, 2)
    assert answer == build_frame("ST=91;CN=9013;PW=123456;MN=MN0007;CP=&&QN=20160824000504006&&")
    assert answer_qn(decode(answer)) == "20160824000504006"
    c = decode(command)
    assert (c.cn, c.mn, c.version, c.wants_ack) == ("1012", "MN0007", 0, True)


def test_2017_upload_with_qn_in_cp_is_answered_with_that_qn(gateway):
    s = gateway.connect()
    s.sendall(build_frame("ST=31;CN=2051;PW=123456;MN=MN0008;Flag=5;"
                          "CP=&&QN=20260101120000042;DataTime=20260101115900;a21026-Avg=1.5&&"))
    (answer,) = read_frames(s, 1)
    assert answer == build_frame("ST=91;CN=9014;PW=123456;MN=MN0008;Flag=4;CP=&&QN=20260101120000042&&")
