"""Scheduled jobs without extra servers: `envbureau runjobs` loops, `envbureau runjobs --once` runs what is due.

Jobs are management commands listed in settings.ENVBUREAU["JOBS"] as (command, interval seconds). Each job
claims its slot through an exclusive file lock and a state file in the data folder, so several runners (or a
cron entry calling --once) never run the same job twice in one interval.
"""

from __future__ import annotations

import fcntl
import json
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

from envbureau.core.audit import audit_context


class Command(BaseCommand):
    help = "Run the platform's scheduled jobs (alarm sweeps, reminders, warnings). --once: run what is due and exit."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true")
        parser.add_argument("--list", action="store_true")
        parser.add_argument("--all", action="store_true", help="with --once: run every job now, due or not")

    def handle(self, once=False, list=False, all=False, **o):
        jobs = [(cmd, int(every)) for cmd, every in settings.ENVBUREAU.get("JOBS", [])]
        known = get_commands()
        if list:
            for cmd, every in jobs:
                self.stdout.write(f"{cmd:<24} every {every:>6} s {'' if cmd in known else '(not installed)'}")
            return
        data_dir = Path(settings.ENVBUREAU["DATA_DIR"])
        data_dir.mkdir(parents=True, exist_ok=True)
        while True:
            self._run_due(jobs, known, data_dir, force=all)
            if once:
                return
            time.sleep(15)

    def _run_due(self, jobs, known, data_dir: Path, force: bool):
        state_path = data_dir / "jobs-state.json"
        with open(data_dir / "jobs.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                state = json.loads(state_path.read_text()) if state_path.exists() else {}
            except ValueError:
                state = {}
            now = time.time()
            due = [(c, e) for c, e in jobs if c in known and (force or now - state.get(c, 0) >= e)]
            for cmd, _every in due:
                state[cmd] = now
            state_path.write_text(json.dumps(state))
        for cmd, _every in due:
            started = time.time()
            try:
                with audit_context("system", note=f"scheduled job {cmd}"):
                    call_command(cmd, stdout=self.stdout, stderr=self.stderr)
            except Exception as exc:  # one failing job must not stop the others
                self.stderr.write(f"job {cmd} failed: {exc!r}")
            else:
                self.stdout.write(f"job {cmd} done in {time.time() - started:.1f} s")
