"""Demo-data registry: each app registers idempotent steps; `envbureau demo` runs them in order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass
class DemoStep:
    order: int
    label: str
    run: Callable[[Callable[[str], None]], None]  # run(log)


STEPS: list[DemoStep] = []


def register(order: int, label: str):
    def deco(fn):
        if not any(s.label == label for s in STEPS):
            STEPS.append(DemoStep(order, label, fn))
        return fn
    return deco


def run_all(log=print) -> None:
    from django.db import transaction

    from .audit import audit_context

    with audit_context("cli", note="demo data"):
        for step in sorted(STEPS, key=lambda s: s.order):
            log(f"==> {step.label}")
            with transaction.atomic():
                step.run(log)
