"""Compile .po files to .mo without GNU gettext (msgfmt may be absent on a fresh machine)."""

import sys
from pathlib import Path

try:
    import polib  # type: ignore
except ImportError:  # pragma: no cover
    polib = None

root = Path(__file__).resolve().parents[1] / "src" / "envbureau"
count = 0
for po in root.rglob("locale/*/LC_MESSAGES/*.po"):
    if polib is None:
        sys.exit("polib is needed to compile translations without gettext: pip install polib")
    polib.pofile(str(po)).save_as_mofile(str(po.with_suffix(".mo")))
    count += 1
print(f"compiled {count} translation catalogue(s)")
