#!/usr/bin/env python
"""`make mutate`: mutation testing of the critical modules with mutmut, one module at a time.

Each module is mutated in its own work folder (build/mutate/<module>/) with only the test files that
exercise it, so a mutant runs a few seconds of tests, not the whole suite. mutmut (not cosmic-ray) because
it compiles every mutant into one copy of the code behind a switch and forks per mutant, running only the
tests that reach the mutated function: no re-import of Django per mutant, which keeps all modules under
45 minutes on two cores. cosmic-ray starts a fresh test process per mutant.

Prints per module: mutants, killed, survived, score; then lists surviving mutants (`mutmut show NAME`
inside the module's folder shows the diff). Survivors judged equivalent (no test can tell them apart) are
listed with the reason in tests/mutation_equivalents.txt and counted as such; any other survivor is
"unexplained" and makes the run exit 1 when --strict is given.

Usage: scripts/mutate.py [MODULE ...] [--list] [--max-children N] [--strict] [--keep] [--survivors] [--only GLOB]

--survivors re-tests only the mutants the module's last run left alive or did not reach (an interrupted run),
not those listed as equivalent, keeping every other verdict: after adding tests, a re-check costs minutes instead of a full run. mutmut
picks up the new tests by itself. Only valid when the mutated files did not change since that run (mutmut
then regenerates the mutants of the functions that changed); the killed ones stay killed because tests were only added.

--only GLOB (repeatable) runs only the mutants whose name matches (fnmatch), e.g.
'envbureau.ledger.services.x_can_sign__mutmut_*' after changing one function; the other verdicts stay as they
were (a first run leaves them "not checked", which the score counts as not killed).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import fnmatch
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "build" / "mutate"
EQUIVALENTS = ROOT / "tests" / "mutation_equivalents.txt"
TARGET = 85.0
S = "src/envbureau/"
_locks: list = []
# module -> mutmut's timeout_multiplier (default 15). The codec's mutants that stop a scanning loop from advancing
# spin until the limit: at 15 x each cost about 4 minutes of CPU (2026-12-02); a survivor runs its tests in about
# the time the stats run measured, so 4 x still leaves it room on a loaded machine.
TIMEOUT_MULTIPLIER = {"gateway": 4.0, "hj212.codec": 4.0}
# Modules whose mutants mostly wait (a socket read, a subprocess) rather than compute: a killed gateway mutant
# often leaves a test waiting for an answer that never comes, until its own deadline or mutmut's wall limit,
# using no CPU (a run of 192 gateway mutants on 2026-12-02: 418 s wall, 38 s CPU). They run beside the
# CPU-bound modules, with this many children, so their waiting overlaps the others' computing.
WAITING = {"gateway": 16}
# CPU seconds of a module's full run (user + sys, measured on this two-core machine, README): the order in which
# the lanes take the modules, costliest first. Only the order depends on it; a module not listed comes last.
COST = {"complaints": 1500, "hj212.codec": 1200, "ledger": 900, "core.workflow": 750, "standards": 600,
        "sources.alarms": 309, "core.scoping": 119, "core.audit": 115, "core.permissions": 109}

# The authorization matrix's declared table (the URL sweep in the same file takes minutes per mutant).
DECLARED_MATRIX = ["tests/test_authorization_matrix.py::test_declared_rows_per_role",
                   "tests/test_authorization_matrix.py::test_declared_single_object_outcomes",
                   "tests/test_authorization_matrix.py::test_declared_module_access_form_choices_and_reach"]

# module name -> (files to mutate, test files or folders that exercise them). Keep the test lists to the
# fast files that target the module: mutmut runs, per mutant, only those of them that reach the mutated code.
MODULES: dict[str, tuple[list[str], list[str]]] = {
    # Not the authorization matrix or the write sweeps: their module-scoped demo of every app is rebuilt in
    # each forked mutant (15-20 s under load); the rule-by-rule files state the same rules on small worlds.
    "core.scoping": ([S + "core/scoping.py"],
                     ["tests/core/test_scoping_rules.py", "tests/core/test_scoping_references.py"]),
    "core.permissions": ([S + "core/permissions.py"],
                         DECLARED_MATRIX + ["tests/core/test_permissions_rules.py", "tests/core/test_scoping_rules.py",
                                            "tests/core/test_security.py"]),
    "core.audit": ([S + "core/audit.py"],
                   ["tests/core/test_audit.py", "tests/core/test_audit_completeness.py"]),
    # Not test_kit_every_workflow.py: its walks (about 7 s) ran in every mutant of apply, _open, _close_tasks...
    # that survived; without them the list takes 4.6 s and a full run cost 925 s of CPU (0.60 s a mutant, 2026-12-02).
    # A sample with the walks put back killed 12 of 49 survivors the other files left, at 10.7 s of CPU a mutant (README).
    "core.workflow": ([S + "core/workflow.py", S + "core/deadlines.py"],
                      ["tests/core/test_kit_workflow.py", "tests/core/test_kit_deadlines.py",
                       "tests/core/test_deadline_rules.py", "tests/core/test_workflow_rules.py",
                       "tests/core/test_kit_my_tasks.py",
                       "tests/core/test_hour_limits.py", "tests/core/test_task_words.py",
                       "tests/core/test_workflow_lapses.py",
                       # the step that issues a document (_issue); not the file's other test, whose PDF (LibreOffice,
                       # ~7 s) every surviving mutant of apply, _open, sync_tasks... would pay
                       "tests/complaints/test_reply_issues_the_letter.py::"
                       "test_a_missing_required_field_refuses_the_reply_and_takes_no_number",
                       # the letter on the reply line, its issuer, its PDF after commit (the converter replaced)
                       "tests/complaints/test_reply_issues_the_letter.py::"
                       "test_the_reply_line_links_its_letter_and_the_pdf_of_that_letter_waits_for_the_commit"]),
    "ledger": ([S + "ledger/choices.py", S + "ledger/workflows.py", S + "ledger/services.py", S + "ledger/models.py"],
               ["tests/ledger/test_ledger_rules.py", "tests/ledger/test_ledger_registration_rules.py",
                "tests/ledger/test_ledger_transitions.py",
                "tests/ledger/test_ledger_lifecycle.py", "tests/ledger/test_ledger_attachments.py",
                "tests/ledger/test_ledger_import_stats_reminders.py::test_reminders_idempotent_and_notify"]),
    "complaints": ([S + "complaints/choices.py", S + "complaints/services.py", S + "complaints/deadlines.py"],
                   ["tests/complaints/test_transitions.py", "tests/complaints/test_deadlines.py",
                    "tests/complaints/test_intake.py", "tests/complaints/test_complaints_rules.py",
                    "tests/complaints/test_identity_scope.py", "tests/complaints/test_links_rules.py",
                    "tests/complaints/test_handler_rules.py", "tests/complaints/test_rule_choice.py",
                    "tests/complaints/test_verb_records.py", "tests/complaints/test_substantiated_about.py",
                    "tests/complaints/test_scope_and_buttons.py"]),
    "sources.alarms": ([S + "sources/alarms.py"],
                       ["tests/sources/test_alarms.py", "tests/sources/test_alarm_lifecycle.py",
                        "tests/sources/test_alarm_boundaries.py", "tests/sources/test_alarm_rules.py"]),
    "gateway": ([S + "gateway/store.py", S + "gateway/server.py"],
                ["tests/gateway/test_store_rules.py", "tests/gateway/test_server_rules.py", "tests/gateway/test_storage.py",
                 "tests/gateway/test_server.py",
                 "tests/gateway/test_durability.py", "tests/gateway/test_totals.py", "tests/gateway/test_run.py"]),
    "hj212.codec": ([S + "hj212/codec.py"], ["tests/hj212/"]),
    "standards": ([S + "standards/air.py", S + "standards/assessment.py"],
                  ["tests/standards/test_air_vectors.py", "tests/standards/test_air_periods.py",
                   "tests/standards/test_properties.py", "tests/standards/test_verdicts_missing_data.py",
                   "tests/standards/test_air_rules.py", "tests/standards/test_assessment_rules.py"]),
}


def load_equivalents() -> dict[str, str]:
    """mutant name -> reason, from lines `NAME  # reason` (blank lines and lines starting with # skipped)."""
    out = {}
    if EQUIVALENTS.exists():
        for line in EQUIVALENTS.read_text("utf-8").splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, _, reason = line.partition("#")
            out[name.strip()] = reason.strip()
    return out


def prepare(name: str, files: list[str], tests: list[str], keep: bool) -> Path:
    wd = WORK / name
    if wd.exists() and not keep:
        shutil.rmtree(wd)
    wd.mkdir(parents=True, exist_ok=True)
    for link, target in (("src", ROOT / "src"), ("tests", ROOT / "tests"), ("shared", ROOT.parent / "shared")):
        p = wd / link
        if not p.is_symlink() and target.exists():
            p.symlink_to(target)
    present = [t for t in tests if (ROOT / t.partition("::")[0]).exists()]
    # mutmut reads [tool.mutmut] from the pyproject.toml of its working folder; pytest reads its own section there too.
    conf = (ROOT / "pyproject.toml").read_text("utf-8")
    conf += "\n[tool.mutmut]\n"
    conf += 'source_paths = ["src"]\n'
    conf += f"only_mutate = {json.dumps(files)}\n"
    (wd / "plugin").mkdir(exist_ok=True)  # on PYTHONPATH (mutmut drops the working folder from sys.path)
    shutil.copy(ROOT / "scripts" / "mutation_plugin.py", wd / "plugin" / "eb_mutation_plugin.py")
    conf += 'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", "-p", "eb_mutation_plugin"]\n'
    # mutmut resets every verdict of a module when its test selection changes: keep that fixed (the tests
    # folder) and give the module's list to the plugin (EB_MUTATE_TESTS), which collects only those files.
    # Adding a file to the list is then new tests to mutmut: it runs their stats and keeps the verdicts.
    conf += 'pytest_add_cli_args_test_selection = ["tests"]\n'
    (wd / "tests.txt").write_text("".join(t + "\n" for t in present), "utf-8")
    conf += "use_git_change_detection = false\n"
    # mutmut's wall limit is (tests' timed duration + constant) x 15, but a forked mutant also pays the
    # fixture setup the stats run timed only once (a module-scoped world): with the default constant (1 s)
    # a mutant whose tests share such a fixture was "killed" by timeout on a loaded machine, not by a test.
    # 3 s gives at least 45 s of wall time; a true endless loop (a `while` mutant in core.deadlines) is then
    # stopped in under a minute instead of three or four.
    conf += "timeout_constant = 3.0\n"
    # mutmut's wall limit is (timed duration + constant) x multiplier (15 by default). A gateway mutant that
    # breaks the protocol makes a socket test wait, using no CPU, until that limit (about 80 s each): its
    # tests bound every wait themselves (socket timeouts, a few seconds), so 4 x is ample there.
    conf += f"timeout_multiplier = {TIMEOUT_MULTIPLIER.get(name, 15.0)}\n"
    (wd / "pyproject.toml").write_text(conf, "utf-8")
    return wd


def results(wd: Path, env: dict) -> dict[str, str]:
    out = subprocess.run([sys.executable, "-m", "mutmut", "results", "--all", "true"], cwd=wd, env=env,
                         capture_output=True, text=True).stdout
    status = {}
    for line in out.splitlines():
        m = re.match(r"\s*([\w.]+__mutmut_\d+): (.+)$", line)
        if m:
            status[m.group(1)] = m.group(2).strip()
    return status


_running: dict[int, str] = {}  # pid of each mutmut run -> module (stopped together on Ctrl-C or SIGTERM)
STOP_GRACE = 30.0  # seconds a stopped mutmut has to save its verdicts and end before it is killed
_stopping = threading.Event()  # set on Ctrl-C or SIGTERM: every lane stops taking modules


def _mutmut_run(wd: Path, env: dict, log: Path, max_children: int, names: list[str]) -> tuple[int, float]:
    """mutmut's exit code (130 when stopped) and the CPU seconds (user + sys) of mutmut and every mutant it reaped.

    The CPU comes from wait4 on this one process, not from getrusage of all children, so two modules
    running at once (WAITING) are each counted on their own."""
    with log.open("w") as fh:
        # Own process group: stopping this script (Ctrl-C, kill PID) stops mutmut and its forked mutants too.
        proc = subprocess.Popen([sys.executable, "-m", "mutmut", "run", "--max-children", str(max_children), *names],
                                cwd=wd, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    _running[proc.pid] = wd.name
    if _stopping.is_set():  # a stop that came while this one was starting
        _stop_all()
    try:
        _pid, status, ru = _wait(proc.pid)
    finally:
        _running.pop(proc.pid, None)
    proc.returncode = 130 if _stopping.is_set() else os.waitstatus_to_exitcode(status)
    return proc.returncode, ru.ru_utime + ru.ru_stime


def _wait(pid: int):
    """wait4 on one mutmut, polled: once a stop has sent it SIGTERM (its verdicts so far are saved), it is
    killed if it has not ended STOP_GRACE seconds later."""
    stopped_at = None
    while True:
        got = os.wait4(pid, os.WNOHANG)
        if got[0]:
            return got
        if _stopping.is_set():
            stopped_at = stopped_at or time.monotonic()
            if time.monotonic() - stopped_at > STOP_GRACE:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)
                return os.wait4(pid, 0)
        time.sleep(0.5)


def _stop_all(*_signal) -> None:
    """Stop every module's mutmut (and its mutants); each is reaped by the thread that started it, which then
    reports that module's verdicts so far. The handler of SIGTERM and SIGINT: it raises nothing in the main
    thread, whose Thread.join, if interrupted by an exception, can take a live thread for ended (CPython 3.11)
    and print the table without it."""
    _stopping.set()
    for pid in list(_running):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGTERM)


def run_module(name: str, max_children: int, keep: bool, equivalents: dict[str, str], survivors: bool = False,
               only: list[str] | None = None) -> dict:
    files, tests = MODULES[name]
    WORK.mkdir(parents=True, exist_ok=True)
    lock = open(WORK / f"{name}.lock", "w")  # held until this process ends
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        # another scripts/mutate.py is on this module: preparing would delete its work folder under it
        return dict(module=name, rc=75, total=0, not_run=0, killed=0, survived=0, equivalent=0, unexplained=[],
                    score=0.0, statuses={}, seconds=0.0, cpu=0.0, ran=None, log="another run holds " + lock.name,
                    folder=str(WORK / name))
    _locks.append(lock)
    wd = prepare(name, files, tests, keep or survivors or bool(only))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DATABASE_URL")}
    env.update(PYTHONPATH=str(wd / "plugin"), EB_MUTATE_TESTS=str(wd / "tests.txt"), ENVBUREAU_DATA_DIR=str(wd / "data"), SECRET_KEY=env.get("SECRET_KEY", "mutation-testing"),
               DJANGO_SETTINGS_MODULE="envbureau.settings")
    (wd / "data").mkdir(exist_ok=True)
    names = []
    if survivors:
        names = sorted(n for n, s in results(wd, env).items()
                       if s in ("survived", "no tests", "suspicious", "not checked") and n not in equivalents)
    if only:
        names = [n for n in names if any(fnmatch.fnmatch(n, g) for g in only)] if survivors else list(only)
    t0 = time.monotonic()
    log = wd / "mutmut.log"
    cpu = 0.0  # CPU of mutmut and every forked mutant it reaped (user + sys), not of `mutmut results`
    if (only or survivors) and not names:
        log.write_text("no mutant left to run\n")
        rc = 0
    else:
        # Stopped (Ctrl-C, kill PID): rc 130; the verdicts reached so far are saved and reported with the time spent.
        rc, cpu = _mutmut_run(wd, env, log, max_children, names)
    seconds = time.monotonic() - t0
    status = results(wd, env)
    killed = sum(1 for s in status.values() if s in ("killed", "timeout", "segfault", "caught by type check"))
    survivors = sorted(n for n, s in status.items() if s in ("survived", "no tests", "suspicious"))
    explained = [n for n in survivors if n in equivalents]
    unexplained = [n for n in survivors if n not in equivalents]
    total = len(status)
    score = 100.0 * (killed + len(explained)) / total if total else 0.0
    not_run = sum(1 for s in status.values() if s == "not checked")
    return dict(module=name, rc=rc, total=total, not_run=not_run, killed=killed, survived=len(survivors),
                equivalent=len(explained), unexplained=unexplained, score=score,
                statuses={n: status[n] for n in survivors}, seconds=seconds, cpu=cpu, ran=len(names) if names else None,
                log=str(log),
                folder=str(wd))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("modules", nargs="*", help="module names (default: all)")
    ap.add_argument("--list", action="store_true", help="list the modules and their test files")
    ap.add_argument("--max-children", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--strict", action="store_true", help="exit 1 on a score under target or an unexplained survivor")
    ap.add_argument("--keep", action="store_true", help="reuse earlier results in build/mutate/ (mutmut caches)")
    ap.add_argument("--survivors", action="store_true",
                    help="re-test only the last run's unexplained survivors, keeping the other verdicts")
    ap.add_argument("--only", action="append", default=[], metavar="GLOB",
                    help="run only the mutants whose name matches (fnmatch; repeatable)")
    args = ap.parse_args()
    if args.list:
        for name, (files, tests) in MODULES.items():
            print(f"{name}: {' '.join(files)}\n    tests: {' '.join(tests)}")
        return 0
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        print(f"unknown module(s): {', '.join(unknown)}; known: {', '.join(MODULES)}", file=sys.stderr)
        return 2
    equivalents = load_equivalents()
    chosen = args.modules or list(MODULES)
    reports: list[dict] = []
    printing = threading.Lock()

    def one(name: str, children: int) -> None:
        if _stopping.is_set():
            return
        with printing:
            print(f"==> mutating {name} ({children} children)", flush=True)
        r = run_module(name, children, args.keep, equivalents, args.survivors, args.only)
        r["children"] = children
        with printing:
            reports.append(r)
            if r["rc"] == 130:
                print(f"    {name}: stopped; the figures are the verdicts reached so far (continue with --keep)", flush=True)
            print(f"    {name}: {r['total']} mutants, {r['killed']} killed, {r['survived']} survived "
                  f"({r['equivalent']} listed as equivalent), {r['not_run']} not run: score {r['score']:.1f} % "
                  f"in {r['seconds']:.0f} s wall, {r['cpu']:.0f} s CPU (load {os.getloadavg()[0]:.1f})"
                  + ("" if r["rc"] == 0 else f" (mutmut exit {r['rc']}, see {r['log']})"), flush=True)

    t0 = time.monotonic()
    # The modules that compute share the cores in --max-children lanes that each take the next module from a
    # queue, the costliest first (COST): one module's single-threaded steps (mutmut's stats and clean runs) then
    # overlap another's mutants, and the lanes end close together. Fewer modules than lanes share the children.
    # The waiting modules have a lane of their own each (WAITING), started first.
    queue = sorted((n for n in chosen if n not in WAITING), key=lambda n: -COST.get(n, 0))
    n_lanes = min(args.max_children, len(queue))
    per_lane = max(1, args.max_children // n_lanes) if n_lanes else 0
    take = threading.Lock()

    def lane() -> None:
        while not _stopping.is_set():
            with take:
                if not queue:
                    return
                name = queue.pop(0)
            one(name, per_lane)

    threads = [threading.Thread(target=one, args=(n, WAITING[n]), daemon=True) for n in chosen if n in WAITING]
    threads += [threading.Thread(target=lane, daemon=True) for _ in range(n_lanes)]
    for t in threads:
        t.start()
    for t in threads:  # on a stop each reaps its mutmut and reads its verdicts (`mutmut results`, slow under load)
        while t.is_alive():  # join with a timeout so that Ctrl-C and SIGTERM run their handler (_stop_all)
            t.join(0.5)
    wall = time.monotonic() - t0
    reports.sort(key=lambda r: chosen.index(r["module"]))
    print("\nmodule                 mutants  killed  survived  equivalent  not run  score    wall s   CPU s")
    for r in reports:
        print(f"{r['module']:<22} {r['total']:>7} {r['killed']:>7} {r['survived']:>9} {r['equivalent']:>11}"
              f" {r['not_run']:>8}  {r['score']:5.1f} % {r['seconds']:>8.0f} {r['cpu']:>7.0f}")
    cpu = sum(r["cpu"] for r in reports)
    print(f"total wall {wall:.0f} s ({wall / 60:.1f} min) with --max-children {args.max_children}"
          + (f" ({', '.join(f'{n}: {WAITING[n]} children, beside the others' for n in chosen if n in WAITING)})"
             if any(n in WAITING for n in chosen) else "")
          + f"; total CPU {cpu:.0f} s (mutmut and its mutant subprocesses, user + sys; load {os.getloadavg()[0]:.1f} now)")
    bad = False
    for r in reports:
        if r["unexplained"]:
            print(f"\nsurviving mutants in {r['module']} (cd {r['folder']} && mutmut show NAME):")
            for n in r["unexplained"]:
                print(f"  {n}: {r['statuses'][n]}")
        if r["rc"] not in (0, 130):  # 130: stopped, said above
            # e.g. a test failing on the unmutated code stops mutmut's stats step: the verdicts shown are old ones
            print(f"\n{r['module']}: mutmut exited {r['rc']}; the figures above are from earlier runs (see {r['log']})")
        if r["unexplained"] or r["score"] < TARGET or r["total"] == 0 or r["rc"] != 0:
            bad = True
    stale = set(equivalents) - {n for r in reports for n in r["statuses"]}
    ran = {r["module"] for r in reports}
    if stale and ran == set(MODULES):
        print("\nlisted as equivalent but no longer surviving (remove from tests/mutation_equivalents.txt):")
        for n in sorted(stale):
            print(f"  {n}")
    if _stopping.is_set():
        return 130  # stopped: the figures are partial
    return 1 if (bad and args.strict) else 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _stop_all)
    signal.signal(signal.SIGINT, _stop_all)
    sys.exit(main())
