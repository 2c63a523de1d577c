#!/usr/bin/env python
"""Issue 19's hand-made bugs, reintroduced one at a time in a copy of src/, each against the tests that must catch it.

Usage: scripts/reintroduce_bugs.py [NAME ...]   (default: all). Prints CAUGHT (the tests fail, with the first failing
test) or NOT CAUGHT per bug, with wall and CPU time. Not part of `make test`: each bug runs its area's tests (-x).
A snippet that no longer matches the source stops the script: update the bug to the code's new wording.
"""

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[1])
S = "src/envbureau/"
BUGS = {
 "ledger_closeout_from_closure_requested": [(S+"ledger/workflows.py", "T(Verb.CLOSE_OUT, (State.VERIFIED,)", "T(Verb.CLOSE_OUT, (State.VERIFIED, State.CLOSURE_REQUESTED)")],
 "restrict_ignores_action": [(S+"core/scoping.py", "q = scope_q(qs.model, user, action)", "q = scope_q(qs.model, user, \"view\")")],
 "enterprise_grant_falls_through": [(S+"core/scoping.py", "                q |= Q(**{lookup: g.enterprise_id})\n            continue\n", "                q |= Q(**{lookup: g.enterprise_id})\n")],
 "ledger_due_day_overdue": [(S+"ledger/services.py", "deadline__lt=today", "deadline__lte=today")],
 "complaints_due_day_overdue": [(S+"complaints/models.py", "today > self.finish_due", "today >= self.finish_due"),
                                (S+"complaints/filters.py", "finish_due__lt=today", "finish_due__lte=today")],
 "reply_on_due_day_late": [(S+"complaints/services.py", "return deadlines.local_date(when) <= c.finish_due", "return deadlines.local_date(when) < c.finish_due")],
 "equal_to_limit_exceeds": [(S+"sources/models.py", "return (self.limit_value is not None and value > self.limit_value)", "return (self.limit_value is not None and value >= self.limit_value)")],
 "no_fdatasync_before_ack": [(S+"gateway/store.py", "                    os.fdatasync(self._fd)\n", "                    pass\n")],
 "m2m_remove_not_audited": [(S+"core/audit.py", "        if pks:\n            record(\"update\", instance, {name: {\"removed\": pks}})", "        if False:\n            record(\"update\", instance, {name: {\"removed\": pks}})")],
 "ledger_overdue_update_not_audited": [(S+"ledger/services.py", '                audit.record_batch("update", Problem, [pk], {"overdue": [False, True], "overdue_since": [None, today]})\n', "")],
 "hj212_non_ascii_header_raw_error": [(S+"hj212/codec.py", "    if not head.isascii():", "    if False:")],
}
TESTS = {
 "ledger_closeout_from_closure_requested": ["tests/ledger"],
 "restrict_ignores_action": ["tests/test_authorization_matrix.py::test_declared_rows_per_role", "tests/test_authorization_matrix.py::test_declared_single_object_outcomes"],
 "enterprise_grant_falls_through": ["tests/test_authorization_matrix.py::test_declared_rows_per_role", "tests/test_authorization_matrix.py::test_declared_single_object_outcomes"],
 "ledger_due_day_overdue": ["tests/ledger"],
 "complaints_due_day_overdue": ["tests/complaints"],
 "reply_on_due_day_late": ["tests/complaints"],
 "equal_to_limit_exceeds": ["tests/sources"],
 "no_fdatasync_before_ack": ["tests/gateway"],
 "m2m_remove_not_audited": ["tests/core/test_audit.py", "tests/core/test_audit_completeness.py"],
 "hj212_non_ascii_header_raw_error": ["tests/hj212"],
 "ledger_overdue_update_not_audited": ["tests/ledger", "tests/core/test_audit_completeness.py"],
}
only = sys.argv[1:] or list(BUGS)
tmp = tempfile.mkdtemp(prefix="envbureau-bugs-")
failed = 0
for name in only:
    d = f"{tmp}/{name}"
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(f"{ROOT}/src", f"{d}/src", ignore=shutil.ignore_patterns("__pycache__"))
    for f, old, new in BUGS[name]:
        p = f"{d}/{f}"
        s = open(p).read()
        assert s.count(old) >= 1, (name, f, old)
        open(p, "w").write(s.replace(old, new))
    env = dict(os.environ, PYTHONPATH=f"{d}/src", ENVBUREAU_DATA_DIR=f"{d}/data")
    os.makedirs(f"{d}/data", exist_ok=True)
    t0 = time.monotonic()
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run(["nice", "-n", "10", sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-x",
                        "--no-header", "-rN", *TESTS[name]], cwd=ROOT, env=env, capture_output=True, text=True)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime
    fails = [ln for ln in p.stdout.splitlines() if ln.startswith("FAILED") or " failed" in ln or " passed" in ln]
    first = next((ln for ln in p.stdout.splitlines() if ln.startswith("____")), "")
    print(f"{name}: {'CAUGHT' if p.returncode == 1 else 'NOT CAUGHT (rc %d)' % p.returncode} "
          f"{first.strip('_ ')} | {fails[-1] if fails else ''} | {time.monotonic()-t0:.0f}s wall {cpu:.0f}s cpu", flush=True)
    failed += p.returncode != 1
    shutil.rmtree(d, ignore_errors=True)
sys.exit(1 if failed else 0)
