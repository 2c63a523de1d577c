"""scripts/mutate.py's stop (Ctrl-C or SIGTERM): every running mutmut is stopped and each lane still reports its
module. Exercised on stand-in processes (a `sleep` in its own session, as mutmut is started), not on mutmut."""

import importlib.util
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "mutate.py"


@pytest.fixture
def mutate():
    spec = importlib.util.spec_from_file_location("eb_mutate_script", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    yield mod
    sys.modules.pop(spec.name, None)


_procs = []  # kept: a dropped Popen is reaped by the next Popen's cleanup, and _wait's wait4 would find no child


def start(cmd):
    proc = subprocess.Popen(cmd, start_new_session=True)
    _procs.append(proc)
    return proc.pid


def wait_in_thread(mutate, pid):
    got = {}
    t = threading.Thread(target=lambda: got.update(r=mutate._wait(pid)), daemon=True)
    t.start()
    return t, got


def test_a_stop_ends_every_running_one_and_each_waiter_gets_its_status(mutate):
    pids = [start(["sleep", "60"]) for _ in range(2)]
    for pid in pids:
        mutate._running[pid] = f"m{pid}"
    waiters = [wait_in_thread(mutate, pid) for pid in pids]
    time.sleep(0.3)
    assert all(t.is_alive() for t, _ in waiters)  # nothing ends before the stop
    t0 = time.monotonic()
    mutate._stop_all(signal.SIGTERM, None)  # as the signal handler is called
    for t, got in waiters:
        t.join(5)
        assert not t.is_alive()
        _pid, status, _ru = got["r"]
        assert os_signal_of(status) == signal.SIGTERM
    assert time.monotonic() - t0 < 3  # SIGTERM, not the grace's SIGKILL
    assert mutate._stopping.is_set()


def test_one_that_ignores_the_stop_is_killed_after_the_grace(mutate):
    pid = start([sys.executable, "-c", "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                                       "print('ready', flush=True); time.sleep(60)"])
    mutate.STOP_GRACE = 1.0
    mutate._running[pid] = "stubborn"
    time.sleep(0.5)  # its handler set
    t, got = wait_in_thread(mutate, pid)
    mutate._stop_all()
    t.join(1.0)
    assert t.is_alive()  # SIGTERM ignored: still waited for within the grace
    t.join(5)
    assert not t.is_alive() and os_signal_of(got["r"][1]) == signal.SIGKILL


def test_a_run_that_ends_by_itself_is_not_a_stop(mutate):
    pid = start(["true"])
    _pid, status, _ru = mutate._wait(pid)
    assert status == 0 and not mutate._stopping.is_set()


def os_signal_of(status):
    return os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
