"""Helpers of the quality tests: a small slice of the real Beijing data from the project's own copy."""

import functools
import gzip
import io

import pandas as pd

from envbureau.quality.demo_step import DEMO_DIR

SLICE_STATIONS = ("Dongsi", "Tiantan", "Guanyuan")
SLICE_MONTHS = ((2015, 1), (2015, 2), (2015, 3))


def prsa_frame(station: str, months=SLICE_MONTHS) -> pd.DataFrame:
    return _frame(station, tuple(months)).copy()


@functools.lru_cache(maxsize=None)
def _frame(station, months):
    path = DEMO_DIR / f"PRSA_Data_{station}_20130301-20170228.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        df = pd.read_csv(f, dtype=str, keep_default_na=False)
    ym = list(zip(df["year"].astype(int), df["month"].astype(int)))
    return df[[m in months for m in ym]].reset_index(drop=True)


def prsa_bytes(df: pd.DataFrame) -> bytes:
    buf = io.StringIO()
    df.to_csv(buf, index=False)
    return buf.getvalue().encode()


