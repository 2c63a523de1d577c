# Quick start: `make run` (install + demo + serve on http://127.0.0.1:8000) and `make test`.
.PHONY: run test install test-sqlite test-pg lint bench mutate screenshots

run:
	scripts/run.sh

test:
	scripts/test.sh

install:
	scripts/install.sh --test

bench:
	for b in bench/*.py; do .venv/bin/python $$b || exit 1; done

# Mutation testing of the critical modules (not part of `make test`): `make mutate` or `make mutate MODULES="core.scoping"`.
mutate:
	scripts/install.sh --test
	.venv/bin/python scripts/mutate.py $(MODULES)

# The pictures in docs/screenshots/ (demo in a fresh folder, Debian's Chromium, zh and en, desktop and phone).
screenshots:
	scripts/install.sh --test
	.venv/bin/python scripts/screenshots.py
