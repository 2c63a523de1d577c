#!/usr/bin/env bash
# Start (or reuse) a throw-away PostgreSQL server for the tests on a local port and socket.
# Installs Debian's postgresql when missing. Prints the DATABASE_URL to use.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PGTEST_PORT:-55432}
PGDIR=${PGTEST_DIR:-/tmp/envbureau-pg-$PORT}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
if [ -z "$bin" ]; then
  echo "==> installing PostgreSQL (apt)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
fi
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
if ! as_pg "$bin/pg_ctl -D $PGDIR status" >/dev/null 2>&1; then
  if [ ! -f "$PGDIR/PG_VERSION" ]; then
    mkdir -p "$PGDIR"; [ "$(id -u)" = 0 ] && chown postgres: "$PGDIR"
    as_pg "$bin/initdb -D $PGDIR -U envbureau --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
  fi
  as_pg "$bin/pg_ctl -D $PGDIR -l $PGDIR/server.log -w -o '-p $PORT -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off' start" >&2
fi
as_pg "$bin/psql -h 127.0.0.1 -p $PORT -U envbureau -d postgres -tAc \"SELECT 1 FROM pg_database WHERE datname='envbureau'\"" | grep -q 1 \
  || as_pg "$bin/createdb -h 127.0.0.1 -p $PORT -U envbureau envbureau"
echo "postgres://envbureau@127.0.0.1:$PORT/envbureau"
