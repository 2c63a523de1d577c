"""Waiting for a line from a platform subprocess (the gateway's "listening on …") without ever blocking past the
deadline: `readline()` alone waits forever on a process that lives but prints nothing."""

from __future__ import annotations

import queue
import re
import threading


def wait_for_line(proc, pattern: str, seconds: float) -> re.Match | None:
    """The first line of proc.stdout (a text pipe) matching `pattern` within `seconds`; None when the deadline
    passes or the process closes its output first. A thread reads the pipe (lines a buffered reader already holds
    are seen at once, which select() on the pipe would not) and goes on draining it afterwards, so the process
    never stalls on a full pipe while the test runs."""
    found: queue.Queue = queue.Queue()

    def read():
        waiting = True
        for line in proc.stdout:
            if waiting:
                m = re.search(pattern, line)
                if m:
                    found.put(m)
                    waiting = False
        if waiting:
            found.put(None)

    threading.Thread(target=read, daemon=True, name="wait_for_line").start()
    try:
        return found.get(timeout=seconds)
    except queue.Empty:
        return None
