import asyncio

from envbureau.gateway.registry import OpenRegistry
from envbureau.gateway.sim import Simulator
from envbureau.gateway.store import iter_log
from envbureau.hj212 import decode

from .conftest import RunningGateway


def test_simulator_with_trouble_is_fully_answered(tmp_path):
    g = RunningGateway(tmp_path / "d", OpenRegistry())
    try:
        sim = Simulator(port=g.port, devices=10, rate=400, duration=1.0, malformed_rate=0.05, retransmit_rate=0.05,
                        fault_rate=0.2, exceed_rate=0.2, keep_keys=True, ack_timeout=2.0)
        res = asyncio.run(sim.run())
        assert res.sent > 200 and res.acked == res.sent
        assert res.malformed > 0 and res.retransmitted > 0
        assert g.wait_for(lambda: sum(g.gw.stats.rejected.values()) == res.malformed)
        assert g.counter("duplicates") == res.retransmitted
        frames = [f for _, _, _, f in iter_log(g.gw.root)]
        assert len(frames) == len(res.acked_keys) == res.sent
        flags = {p.flag_of(c) for p in map(decode, frames) for c in p.factors}
        assert "N" in flags and flags & {"D", "M", "C"}
    finally:
        g.stop()


def test_live_mode_sends_each_kind_on_the_wall_clock(tmp_path):
    g = RunningGateway(tmp_path / "d", OpenRegistry())
    try:
        sim = Simulator(port=g.port, live=True, duration=1.5, mns=["DEMO-W:water", "DEMO-G:gas"], realistic=False)
        res = asyncio.run(sim.run())
        # rtd + minute + hour for each device (twice if the clock crossed a boundary meanwhile)
        assert 6 <= res.sent == res.acked <= 12
        packets = [decode(f) for _, _, _, f in iter_log(g.gw.root)]
        assert len(packets) == res.sent
        assert {(p.mn, p.cn) for p in packets} == {(mn, cn) for mn in ("DEMO-W", "DEMO-G")
                                                   for cn in ("2011", "2051", "2061")}
        hour = next(p for p in packets if p.cn == "2061")
        assert hour.data_time.minute == 0 and hour.data_time.second == 0
        assert {c[0] for p in packets if p.mn == "DEMO-W" for c in p.factors} == {"w"}
    finally:
        g.stop()


def test_sim_cli_simulates_the_points_of_a_registry(tmp_path, capsys):
    import json

    from envbureau.gateway.cli import main
    from envbureau.gateway.registry import FileRegistry

    points = tmp_path / "points.json"
    points.write_text(json.dumps({"points": [{"mn": "REG-A", "id": 1, "password": "s3cret"},
                                             {"mn": "REG-B", "id": 2}, {"mn": "REG-OFF", "id": 3, "enabled": False}]}))
    g = RunningGateway(tmp_path / "d", FileRegistry(points))
    try:
        assert main(["hj212-sim", "--port", str(g.port), "--registry", f"file:{points}", "--devices", "0",
                     "--rate", "20", "--duration", "1", "--clean", "--json"]) == 0
        res = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        assert res["sent"] > 5 and res["acked"] == res["sent"]
        mns = {decode(f).mn for _, _, _, f in iter_log(g.gw.root)}
        assert mns == {"REG-A", "REG-B"}  # the password of REG-A was used, the disabled point is not simulated
        assert sum(g.gw.stats.rejected.values()) == 0
    finally:
        g.stop()
