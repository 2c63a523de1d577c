#!/usr/bin/env bash
# make run: install, migrate the embedded SQLite database, load the demo (idempotent), then serve the platform
# together with the HJ 212 gateway, a few simulated devices and the scheduled jobs. Ctrl+C stops everything.
#   scripts/run.sh [--prepare-only] [--no-install]
#   --prepare-only  every step up to serving (install, migrate, demo, static files), then stop: what
#                   tests/test_make_run.py runs to check that a run leaves `git status` clean
#   --no-install    skip scripts/install.sh (the virtual environment and assets are there already)
# DEMO_ARGS="--light" loads a little of everything instead of the full demo; EB names another envbureau command.
set -euo pipefail
cd "$(dirname "$0")/.."
prepare_only=0 install=1
for arg in "$@"; do
  case "$arg" in
    --prepare-only) prepare_only=1 ;;
    --no-install) install=0 ;;
    *) echo "usage: scripts/run.sh [--prepare-only] [--no-install]" >&2; exit 2 ;;
  esac
done
[ "$install" = 1 ] && scripts/install.sh
export ENVBUREAU_DATA_DIR=${ENVBUREAU_DATA_DIR:-$PWD/data}
export DEBUG=${DEBUG:-0}
# Local demo over plain http: cookies must not require https.
export SECURE_COOKIES=${SECURE_COOKIES:-0}
EB=${EB:-.venv/bin/envbureau}
$EB migrate --noinput -v 0
# shellcheck disable=SC2086
$EB demo ${DEMO_ARGS:-}
# the static files `serve` collects into the data folder (done here too, so that --prepare-only checks them)
$EB collectstatic --noinput -v 0
if [ "$prepare_only" = 1 ]; then
  echo "prepared (--prepare-only): not serving"
  exit 0
fi

mkdir -p "$ENVBUREAU_DATA_DIR/logs"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM
GW_PORT=${GATEWAY_PORT:-9212}
$EB gateway --host 127.0.0.1 --port "$GW_PORT" --registry envbureau.sources.registry:factory \
  >"$ENVBUREAU_DATA_DIR/logs/gateway.log" 2>&1 &
pids+=($!)
sleep 2
# Simulated enterprises' data loggers (MNs registered by the sources demo step): live data on /sources/board/.
$EB hj212-sim --host 127.0.0.1 --port "$GW_PORT" --live --duration 0 --registry envbureau.sources.registry:factory \
  >"$ENVBUREAU_DATA_DIR/logs/hj212-sim.log" 2>&1 &
pids+=($!)
$EB runjobs >"$ENVBUREAU_DATA_DIR/logs/jobs.log" 2>&1 &
pids+=($!)
echo "HJ 212 gateway on 127.0.0.1:$GW_PORT (simulated devices running); logs in $ENVBUREAU_DATA_DIR/logs/"
$EB serve --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}"
