from envbureau.hj212 import build_frame, decode
from envbureau.hj212.split import SplitAssembler


def part(pno, pnum=3, dt="20160801080000", mn="M1"):
    return decode(build_frame(f"QN=2016080108585753{pno};ST=32;CN=2061;PW=123456;MN={mn};Flag=7;PNUM={pnum};PNO={pno};"
                              f"CP=&&DataTime={dt};w0{pno}-Avg={pno}.5,w0{pno}-Flag=N&&"))


def test_out_of_order_parts_reassemble():
    a = SplitAssembler(timeout=60)
    assert a.add(part(3), 0) is None
    assert a.add(part(1), 1) is None
    assert a.add(part(1), 1) is None  # a repeated part changes nothing
    whole = a.add(part(2), 2)
    assert whole is not None and whole.complete and whole.missing == []
    assert whole.factors == {f"w0{i}": {"Avg": f"{i}.5", "Flag": "N"} for i in (1, 2, 3)}
    assert len(a) == 0


def test_missing_part_released_incomplete_after_timeout():
    a = SplitAssembler(timeout=10)
    a.add(part(1), 0)
    a.add(part(3, dt="20160801090000"), 5)
    assert a.expire(9) == []
    (late,) = a.expire(10)
    assert not late.complete and late.missing == [2, 3] and late.data_time == "20160801080000"
    assert len(a) == 1


def test_unsplit_packet_is_whole_at_once():
    p = decode(build_frame("QN=1;ST=32;CN=2051;MN=M;Flag=5;CP=&&DataTime=20160801080000;w01-Avg=1&&"))
    whole = SplitAssembler().add(p, 0)
    assert whole.complete and whole.pnum == 1 and whole.factors == {"w01": {"Avg": "1"}}
