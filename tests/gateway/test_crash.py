"""SIGKILL the gateway under load, restart it: every acknowledged packet is stored exactly once."""

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter

from envbureau.gateway.sim import Simulator
from envbureau.gateway.store import iter_log, online_dir
from envbureau.hj212 import parse_segment
from subproc import wait_for_line


def start_gateway(data_dir):
    proc = subprocess.Popen([sys.executable, "-m", "envbureau.gateway.cli", "gateway", "--host", "127.0.0.1",
                             "--port", "0", "--data-dir", str(data_dir), "--no-compact"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    m = wait_for_line(proc, r"listening on [\d.]+:(\d+)", 20)
    if m:
        return proc, int(m.group(1))
    proc.kill()
    raise AssertionError("gateway did not start")


def stored_keys(data_dir):
    keys = Counter()
    for _, _, _, frame in iter_log(online_dir(data_dir), include_archive=True):
        p = parse_segment(frame[6:-6])
        keys[(p.mn, p.params.get("DataTime"))] += 1
    return keys


def test_sigkill_under_load_loses_and_duplicates_nothing_acknowledged(tmp_path):
    data = tmp_path / "data"
    proc, port = start_gateway(data)
    sim = Simulator(host="127.0.0.1", port=port, devices=20, rate=600, duration=2.5, keep_keys=True,
                    ack_timeout=1.0, retransmit_rate=0.02, malformed_rate=0.01)
    sent_frames = {}
    result = {}

    def run_sim():
        result["r"] = asyncio.run(sim.run())

    t = threading.Thread(target=run_sim)
    t.start()
    time.sleep(1.3)
    os.kill(proc.pid, signal.SIGKILL)  # mid-load, no chance to flush anything
    proc.wait(10)
    t.join(30)
    res = result["r"]
    for d in sim.devices:  # whatever is still unanswered a device will resend later
        for _qn, (_, frame, key) in d.pending.items():
            sent_frames[key] = frame
    acked = res.acked_keys
    assert len(acked) > 100, "the load must have been running when the gateway was killed"

    before = stored_keys(data)
    assert all(before[k] == 1 for k in acked), "an acknowledged packet is missing after SIGKILL"
    assert max(before.values()) == 1

    # restart: devices resend unanswered uploads and some answered ones; all are answered, none doubled
    proc, port = start_gateway(data)
    try:
        resend = list(sent_frames.values())
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        # re-send some already acknowledged packets too (the device missed the answer)
        again = [sim.sent_frames[k] for k in sorted(acked)[:50]]
        payload = b"".join(resend + again)
        s.sendall(payload)
        expected = len(resend) + len(again)
        got = 0
        buf = b""
        s.settimeout(10)
        while got < expected:
            chunk = s.recv(65536)
            assert chunk, "connection closed early"
            buf += chunk
            got = buf.count(b"CN=9014")
        s.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(20)
    after = stored_keys(data)
    assert all(after[k] == 1 for k in acked)
    assert all(after[k] == 1 for k in sent_frames)  # the resent ones are now stored, once
    assert max(after.values()) == 1
    # gateway-stats' total after the crash: what the log holds, not what stats.json had written
    doc = json.loads((online_dir(data) / "stats.json").read_text())
    assert doc["totals"]["counters"]["stored"] == sum(1 for _ in iter_log(online_dir(data), include_archive=True))

