#!/usr/bin/env bash
# make run: install, migrate the embedded SQLite database, load the demo (idempotent), serve.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
export ENVBUREAU_DATA_DIR=${ENVBUREAU_DATA_DIR:-$PWD/data}
export DEBUG=${DEBUG:-0}
# Local demo over plain http: cookies must not require https.
export SECURE_COOKIES=${SECURE_COOKIES:-0}
.venv/bin/envbureau migrate --noinput -v 0
.venv/bin/envbureau demo
exec .venv/bin/envbureau serve --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}"
