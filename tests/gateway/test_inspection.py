"""Frames repeating a key keep the first value, visibly: counted per MN and key in gateway-stats.
Pollutant values sent under a CN that is not a data upload (minute data as 2021) are counted too."""

import json

from envbureau.gateway.registry import MemoryRegistry, OpenRegistry, PointInfo
from envbureau.hj212 import build_frame, parse_segment

from .conftest import RunningGateway, read_frames

REPEATING = ("ST=32;CN=2011;PW=123456;MN=MN0001;Flag=5;QN=20160824000000001;CP=&&DataTime=20160824000000;"
             "B01-Rtd=4.70,B01-Flag=N;B01-Rtd=5.10,B01-Flag=N;B01-Rtd=6.00;011-Rtd=59.00,011-Flag=N&&")
CLEAN = ("ST=32;CN=2011;PW=123456;MN=MN0002;Flag=5;QN=20160824000000002;CP=&&DataTime=20160824000000;"
         "B01-Rtd=4.70,B01-Flag=N;011-Rtd=59.00,011-Flag=N&&")
MINUTE_AS_2021 = ("ST=32;CN=2021;PW=123456;MN=MN0003;Flag=5;QN=20160824000000003;CP=&&DataTime=20160824000000;"
                  "w01018-Avg=40.1,w01018-Flag=N;SB1-RS=1&&")
STATE_2021 = ("ST=32;CN=2021;PW=123456;MN=MN0004;Flag=5;QN=20160824000000004;CP=&&DataTime=20160824000000;"
              "SB1-RS=1;SB2-RS=0&&")


def test_codec_reports_repeated_keys_and_keeps_the_first_value():
    p = parse_segment(REPEATING.encode())
    assert p.factors["B01"] == {"Rtd": "4.70", "Flag": "N"}  # the first of three
    assert p.repeated == ["B01-Rtd", "B01-Flag", "B01-Rtd"]
    assert parse_segment(CLEAN.encode()).repeated == []
    dup_param = parse_segment(b"ST=32;CN=2011;MN=M;CP=&&DataTime=20160824000000;DataTime=20160824000100&&")
    assert dup_param.data_time_text == "20160824000000" and dup_param.repeated == ["DataTime"]
    # the //text// slow path counts too
    info = parse_segment("ST=32;CN=3020;MN=M;CP=&&i11001-Info=//清洗;管路//;i11001-Info=//x//&&".encode())
    assert info.factors["i11001"]["Info"] == "//清洗;管路//" and info.repeated == ["i11001-Info"]


def test_data_fields_lists_pollutant_values_only():
    assert parse_segment(MINUTE_AS_2021.encode()).data_fields() == ["w01018-Avg"]
    assert parse_segment(STATE_2021.encode()).data_fields() == []  # -RS is the state 2021 is for


def _run(tmp_path, registry, capsys):
    from envbureau.gateway.cli import main

    g = RunningGateway(tmp_path / "d", registry)
    try:
        s = g.connect()
        s.sendall(b"".join(build_frame(x) for x in (REPEATING, CLEAN, MINUTE_AS_2021, STATE_2021)))
        assert len(read_frames(s, 4)) == 4
        assert g.wait_for(lambda: g.counter("data_fields_under_non_data_cn") == 1 and g.counter("frames_repeating_fields") == 1)
        c = g.gw.stats.c
        assert (c["frames_repeating_fields"], c["repeated_fields"], c["data_fields_under_non_data_cn"]) == (1, 3, 1)
        doc = g.gw.stats_document()
        assert doc["repeated_fields"] == {"kept": "first", "by_mn": {"MN0001": {"B01-Rtd": 2, "B01-Flag": 1}}}
        assert doc["data_fields_under_cn"] == {"2021": 1}
        g.gw._write_stats()
        assert main(["gateway-stats", "--data-dir", g.config.data_dir]) == 0
        text = capsys.readouterr().out
        assert "repeated keys (the FIRST value is stored, later ones ignored): MN0001 B01-Rtd +2, MN0001 B01-Flag +1" in text
        assert "pollutant values under a non-data CN (stored in the log, not as data): CN 2021 ×1" in text
        assert main(["gateway-stats", "--json", "--data-dir", g.config.data_dir]) == 0
        doc = json.loads(capsys.readouterr().out)
        assert doc["totals"]["counters"]["repeated_fields"] == 3
    finally:
        g.stop()


def test_gateway_stats_show_repeats_with_a_registry_taking_stored_packets(tmp_path, capsys):
    reg = MemoryRegistry([PointInfo(mn=f"MN000{i}", id=i) for i in range(1, 5)])
    _run(tmp_path, reg, capsys)
    assert {p.mn: {(v.code, v.field): v.value for v in p.values} for p in reg.stored}["MN0001"][("B01", "Rtd")] == 4.70


def test_gateway_stats_show_repeats_with_a_registry_taking_nothing(tmp_path, capsys):
    _run(tmp_path, OpenRegistry(), capsys)


def test_every_repeating_frame_is_counted_while_clean_layouts_are_skipped(tmp_path):
    g = RunningGateway(tmp_path / "d", OpenRegistry())
    try:
        s = g.connect()
        frames = []
        for i in range(3):
            frames.append(build_frame(CLEAN.replace("QN=20160824000000002", f"QN=2016082400000010{i}")
                                      .replace("DataTime=20160824000000", f"DataTime=2016082400{i:02d}00")))
            frames.append(build_frame(REPEATING.replace("QN=20160824000000001", f"QN=2016082400000020{i}")
                                      .replace("DataTime=20160824000000", f"DataTime=2016082400{i:02d}00")))
        s.sendall(b"".join(frames))
        assert len(read_frames(s, 6)) == 6
        assert g.wait_for(lambda: g.counter("frames_repeating_fields") == 3)
        assert g.counter("repeated_fields") == 9
        assert len(g.gw._clean_layouts) == 1  # the clean layout, parsed once
    finally:
        g.stop()
