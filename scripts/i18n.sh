#!/usr/bin/env bash
# Regenerate the English catalogue (src/envbureau/locale/en) for the whole tree and compile it.
# Chinese is the source language of the UI strings (msgids); existing English translations are kept
# (makemessages merges them), new strings start untranslated and show in Chinese until translated.
# Usage: scripts/i18n.sh [--core]   (--core: only core + templates, as the foundation ships it)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export DJANGO_SETTINGS_MODULE=envbureau.settings
export ENVBUREAU_DATA_DIR=${ENVBUREAU_DATA_DIR:-$(mktemp -d /tmp/envbureau-i18n-XXXX)}
ignore=(--ignore=static --ignore=node_modules --ignore=.venv)
if [ "${1:-}" = "--core" ]; then
  for app in quality sources ledger complaints gateway standards hj212 enforcement approvals reports portal; do
    ignore+=(--ignore="$app")
  done
fi
if ! command -v xgettext >/dev/null; then
  echo "GNU gettext is needed to extract strings: apt-get install -y gettext" >&2
  exit 1
fi
cd src/envbureau
mkdir -p locale/en/LC_MESSAGES
"$ROOT/.venv/bin/django-admin" makemessages -l en --no-obsolete --add-location=file "${ignore[@]}"
# A tidy header (not fuzzy), then compile: msgfmt when present, else polib.
"$ROOT/.venv/bin/python" - <<'PY'
import polib
po = polib.pofile("locale/en/LC_MESSAGES/django.po")
po.metadata_is_fuzzy = False
po.metadata.update({"Project-Id-Version": "envbureau", "Language-Team": "envbureau", "Language": "en",
                    "Plural-Forms": "nplurals=2; plural=(n != 1);", "Content-Type": "text/plain; charset=UTF-8"})
po.save()
po.save_as_mofile("locale/en/LC_MESSAGES/django.mo")
todo = [e.msgid for e in po if not e.translated()]
print(f"en catalogue: {len(po)} strings, {len(todo)} untranslated")
for m in todo[:50]:
    print("   untranslated:", m)
PY
