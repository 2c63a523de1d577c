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
_LIGHT = False


def is_light() -> bool:
    """True while `envbureau demo --light` (or a test) runs: load a little of everything, fast.

    Steps with bulk data (years of hourly values…) should load a few days only when this is set;
    the authorization-matrix test needs one object of every kind, not volume.
    """
    import os

    return _LIGHT or os.environ.get("ENVBUREAU_DEMO_SMALL") == "1"


def register(order: int, label: str):
    def deco(fn):
        if not any(s.label == label for s in STEPS):
            STEPS.append(DemoStep(order, label, fn))
        return fn
    return deco


def run_all(log=print, light: bool = False) -> None:
    global _LIGHT
    from django.db import transaction

    from .audit import audit_context

    _LIGHT = light
    try:
        with audit_context("cli", note="demo data"):
            for step in sorted(STEPS, key=lambda s: s.order):
                log(f"==> {step.label}")
                with transaction.atomic():
                    step.run(log)
    finally:
        _LIGHT = False
