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

echo "==> lint: ruff, import-linter contracts, migrations check"
.venv/bin/ruff check src tests bench || status=1
.venv/bin/lint-imports || status=1
.venv/bin/envbureau makemigrations --check --dry-run >/dev/null || { echo "makemigrations --check: a model change has no migration"; status=1; }

run_suite() {  # $1 = label, rest = pytest args
  local label=$1; shift
  echo "==> tests on $label"
  local log; log=$(mktemp)
  $PYTEST "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  if [ "$rc" -ne 0 ]; then status=1; fi
  # Never report success having run no test.
  if ! grep -Eq '[0-9]+ passed' "$log"; then echo "no test passed on $label"; status=1; fi
}

run_suite SQLite -n 2 --dist worksteal tests
DATABASE_URL=$(scripts/pg.sh) || { echo "could not start PostgreSQL"; exit 1; }
# The pure libraries and the gateway do not touch the database: run only database-backed tests again.
DATABASE_URL=$DATABASE_URL run_suite PostgreSQL -n 2 --dist worksteal -m "not nodb" tests --ignore=tests/standards --ignore=tests/hj212 --ignore=tests/gateway
exit $status
