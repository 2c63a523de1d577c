#!/usr/bin/env bash
# make test: install everything the tests need and run the whole suite on SQLite and on PostgreSQL.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh --test || exit 1
# Browser tests drive Debian's Chromium (never a downloaded browser build).
if ! command -v chromium >/dev/null 2>&1; then
  echo "==> installing chromium (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq && \
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium chromium-driver >/dev/null || { echo "could not install chromium"; exit 1; }
fi
export ENVBUREAU_DATA_DIR=${ENVBUREAU_DATA_DIR:-$(mktemp -d /tmp/envbureau-test-XXXX)}
export SECRET_KEY=${SECRET_KEY:-test-secret-not-for-production}
PYTEST=".venv/bin/python -m pytest -p no:cacheprovider"
status=0
# Bytecode caches (the ignored __pycache__ folders): an environment with PYTHONDONTWRITEBYTECODE set made every test
# worker and every platform subprocess compile the sources, and pytest rewrite every test module, again (~10 s of
# CPU a process). A collection run beside the lint writes them once before the suites start.
unset PYTHONDONTWRITEBYTECODE
$PYTEST -q --collect-only tests >/dev/null 2>&1 &
warm=$!
pg_url=$(mktemp)
scripts/pg.sh >"$pg_url" &  # PostgreSQL starts (or is installed) meanwhile too
pg_start=$!

# The lint runs beside the suites' start (its log is printed after theirs; a finding fails the run all the same).
lint_log=$(mktemp)
( rc=0
  echo "==> lint: ruff, import-linter contracts, migrations check (started $(date +%T))"
  .venv/bin/ruff check src tests bench || rc=1
  .venv/bin/lint-imports || rc=1
  .venv/bin/envbureau makemigrations --check --dry-run >/dev/null || { echo "makemigrations --check: a model change has no migration"; rc=1; }
  exit $rc ) >"$lint_log" 2>&1 &
lint_pid=$!
wait $warm

run_suite() {  # $1 = label, $2 = log file, rest = pytest args
  local label=$1 log=$2; shift 2
  $PYTEST "$@" >"$log" 2>&1
  echo $? >"$log.rc"
}

report() {  # $1 = label, $2 = log file: print the suite's log and fold its outcome into $status
  local label=$1 log=$2
  echo "==> tests on $label"
  cat "$log"
  if [ "$(cat "$log.rc" 2>/dev/null || echo 1)" -ne 0 ]; then status=1; fi
  # Never report success having run no test.
  if ! grep -Eq '[0-9]+ passed' "$log"; then echo "no test passed on $label"; status=1; fi
}

wait "$pg_start" || { echo "could not start PostgreSQL"; exit 1; }
DATABASE_URL_PG=$(cat "$pg_url"); rm -f "$pg_url"
logs=$(mktemp -d /tmp/envbureau-test-logs-XXXX)
# The two suites run side by side, each on two workers with its own data folder: each leaves a core idle at times
# (a worker waiting for PostgreSQL, for Chromium, or for the other worker to finish the run's shared migrate and
# light demo, tests/run_share.py), and the other suite fills it. Each log is printed when both are done.
echo "==> tests on SQLite and on PostgreSQL, side by side (logs in $logs; $(date +%T))"
mkdir -p "$ENVBUREAU_DATA_DIR/sqlite" "$ENVBUREAU_DATA_DIR/pg" "$logs/running-sqlite" "$logs/running-pg"
ENVBUREAU_DATA_DIR=$ENVBUREAU_DATA_DIR/sqlite ENVBUREAU_TEST_RUNNING=$logs/running-sqlite \
  run_suite SQLite "$logs/sqlite.log" -n 2 --dist worksteal --durations=20 tests &
sqlite_pid=$!
# The pure libraries and the gateway do not touch the database, and the browser tests check what Chromium draws and
# does (every page and form they use is requested on PostgreSQL by the sweeps and the modules' own tests): run the
# other tests, all of which reach the database, again on PostgreSQL.
DATABASE_URL=$DATABASE_URL_PG ENVBUREAU_DATA_DIR=$ENVBUREAU_DATA_DIR/pg ENVBUREAU_TEST_RUNNING=$logs/running-pg \
  run_suite PostgreSQL "$logs/pg.log" -n 2 --dist worksteal --durations=20 -m "not nodb and not browser" tests \
  --ignore=tests/standards --ignore=tests/hj212 --ignore=tests/gateway &
pg_pid=$!
# Progress while they run: a line a minute with how far each suite has got, and any test running for over 5 minutes
# (each worker names its current test in a file: tests/conftest.py).
progress() { tail -c 300 "$1" 2>/dev/null | grep -o '\[ *[0-9]*%\]' | tail -n1; }
long_running() {  # $1 = label, $2 = folder of the workers' files
  local f t name
  for f in "$2"/*; do
    [ -f "$f" ] || continue
    read -r t name <"$f" || continue
    if [ $(( $(date +%s) - t )) -gt 300 ]; then
      echo "      $1 $(basename "$f") on $name for $(( ($(date +%s) - t) / 60 )) min"
    fi
  done
}
( start=$SECONDS; while sleep 60; do
    echo "    … $(( (SECONDS - start) / 60 )) min: SQLite $(progress "$logs/sqlite.log"), PostgreSQL $(progress "$logs/pg.log")"
    long_running SQLite "$logs/running-sqlite"; long_running PostgreSQL "$logs/running-pg"
  done ) &
ticker=$!
wait "$sqlite_pid" "$pg_pid"
kill $ticker 2>/dev/null
report SQLite "$logs/sqlite.log"
report PostgreSQL "$logs/pg.log"
wait $lint_pid || status=1
cat "$lint_log"; rm -f "$lint_log"
exit $status
