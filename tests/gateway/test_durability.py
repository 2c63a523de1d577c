"""Durability you can see: the acknowledgement of a packet leaves only after os.fdatasync of the packet
log returned with that packet in the file.  These tests watch the system call itself (not the Python
method around it), so removing or moving the fdatasync before the answer makes them fail — a SIGKILL
crash test cannot see that, because the page cache survives a killed process."""

import os
import threading

from envbureau.gateway.store import iter_records, read_segment, segment_path
from envbureau.hj212 import build_frame, decode

from .conftest import read_frames


def upload(i: int) -> bytes:
    return build_frame(f"QN=2026010112000{i:04d};ST=31;CN=2051;PW=123456;MN=MN0001;Flag=5;"
                       f"CP=&&DataTime=202601011{i // 60:01d}{i % 60:02d}00;a21026-Avg={i}.5&&")


class SyncWatch:
    """Wraps os.fdatasync: for the packet log's descriptor, records the file size each call made
    durable, can hold the call (block) or fail it (inject EIO)."""

    def __init__(self, monkeypatch, gateway):
        self.gw = gateway.gw
        self.real = os.fdatasync
        self.synced_sizes: list[int] = []
        self.entered = threading.Event()
        self.release = threading.Event()
        self.release.set()
        self.fail_next = 0
        monkeypatch.setattr(os, "fdatasync", self)

    def __call__(self, fd):
        if fd != self.gw.log._fd:
            return self.real(fd)
        self.entered.set()
        self.release.wait(10)
        if self.fail_next:
            self.fail_next -= 1
            raise OSError(5, "Input/output error")
        size = os.fstat(fd).st_size
        self.real(fd)
        self.synced_sizes.append(size)  # recorded before the caller goes on to answer


def log_end_of(gateway, frame: bytes) -> int | None:
    """End offset of ``frame``'s record in the current log segment."""
    data = read_segment(segment_path(gateway.gw.root / "log", gateway.gw.log.seq))
    for end, _, f in iter_records(data):
        if f == frame:
            return end
    return None


def test_no_answer_while_the_fdatasync_has_not_returned(gateway, monkeypatch):
    watch = SyncWatch(monkeypatch, gateway)
    watch.release.clear()  # hold the sync
    s = gateway.connect()
    s.sendall(upload(1))
    assert watch.entered.wait(3), "the packet log was never fdatasync'ed before answering"
    s.settimeout(0.5)
    try:
        early = s.recv(1024)
    except TimeoutError:
        early = b""
    assert early == b""  # the write is in the file, but not yet durable: no answer
    assert watch.synced_sizes == []
    watch.release.set()
    (ack,) = read_frames(s, 1)
    assert decode(ack).qn == "20260101120000001"
    assert watch.synced_sizes and watch.synced_sizes[-1] >= log_end_of(gateway, upload(1))


def test_every_answer_follows_a_sync_covering_its_packet(gateway, monkeypatch):
    watch = SyncWatch(monkeypatch, gateway)
    s = gateway.connect()
    for i in range(1, 21):
        s.sendall(upload(i))
        (ack,) = read_frames(s, 1)
        assert decode(ack).qn == f"2026010112000{i:04d}"
        end = log_end_of(gateway, upload(i))
        assert end is not None
        assert watch.synced_sizes and max(watch.synced_sizes) >= end, f"packet {i} answered before it was synced"
    assert 1 <= len(watch.synced_sizes) <= gateway.counter("commits")


def test_a_failing_fdatasync_means_no_answer_and_nothing_kept(gateway, monkeypatch):
    watch = SyncWatch(monkeypatch, gateway)
    watch.fail_next = 1
    s = gateway.connect()
    s.sendall(upload(1))
    s.settimeout(0.5)
    try:
        early = s.recv(1024)
    except TimeoutError:
        early = b""
    assert early == b""
    assert gateway.wait_for(lambda: gateway.counter("write_errors") == 1)
    assert log_end_of(gateway, upload(1)) is None  # the unsynced group was cut off the log
    s.sendall(upload(1))  # the device resends after its timeout
    (ack,) = read_frames(s, 1)
    assert decode(ack).qn == "20260101120000001"
    assert log_end_of(gateway, upload(1)) is not None and watch.synced_sizes
