#!/usr/bin/env bash
# make run: install, migrate the embedded SQLite database, load the demo (idempotent), then serve the platform
# together with the HJ 212 gateway, a few simulated devices and the scheduled jobs. Ctrl+C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
export ENVBUREAU_DATA_DIR=${ENVBUREAU_DATA_DIR:-$PWD/data}
export DEBUG=${DEBUG:-0}
# Local demo over plain http: cookies must not require https.
export SECURE_COOKIES=${SECURE_COOKIES:-0}
EB=.venv/bin/envbureau
$EB migrate --noinput -v 0
$EB demo

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
