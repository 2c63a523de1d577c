# Quick start: `make run` (install + demo + serve on http://127.0.0.1:8000) and `make test`.
.PHONY: run test install test-sqlite test-pg lint bench

run:
	scripts/run.sh

test:
	scripts/test.sh

install:
	scripts/install.sh --test

bench:
	for b in bench/*.py; do .venv/bin/python $$b || exit 1; done
