"""Real receiver logs in ../shared/data/hj212-captures (fixtures beside the project, never copied in)."""

import csv
from collections import Counter
from pathlib import Path

import pytest

from envbureau.hj212 import ALL_CRC_DIALECTS, CRCError, FrameSplitter, HJ212Error, LengthError, decode

CAPTURES = Path(__file__).resolve().parents[3] / "shared" / "data" / "hj212-captures"
TONY = CAPTURES / "tonyxia2016_HJ212Receiver_rx_packets.tsv"
SCAIR = CAPTURES / "sCair_Hj212-Distribute_scada-distribute_log_packets.txt"


def need(path):
    if not path.exists():
        pytest.skip(f"capture fixture {path} not present (../shared/data is beside the repo, not in it)")


def test_tonyxia_receiver_log():
    need(TONY)
    with TONY.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    distinct = sorted({r["packet"] for r in rows})
    assert len(rows) == 53 and len(distinct) == 6  # as the README describes
    outcome = Counter()
    for text in distinct:
        frame = text.encode() + b"\r\n"
        try:
            p = decode(frame)
            outcome["hj212"] += 1
            assert p.mn and p.cn and p.factors
        except CRCError as exc:
            # README: three carry a byte-swapped CRC-16/MODBUS; recognised, reported, parsable on request
            outcome[exc.dialect] += 1
            assert exc.packet is not None and exc.packet.mn
            assert decode(frame, crc_dialects=ALL_CRC_DIALECTS).crc_dialect == exc.dialect
    assert outcome == {"hj212": 3, "modbus-swapped": 3}


def test_scair_distribute_log():
    need(SCAIR)
    outcome = Counter()
    lines = 0
    for line in SCAIR.read_text(encoding="utf-8").splitlines():
        at = line.find("##")
        if at < 0:
            continue
        lines += 1
        for event in FrameSplitter().feed(line[at:].rstrip().encode("utf-8") + b"\r\n"):
            if isinstance(event, bytes):
                try:
                    p = decode(event)
                    outcome["parsed"] += 1
                    assert p.mn == "0507A010003242" and p.cn == "2011"
                except LengthError:
                    outcome["length"] += 1  # forwarded packets whose ##0121 no longer matches
                except HJ212Error as exc:
                    outcome[exc.kind] += 1
            else:
                assert isinstance(event, HJ212Error)
                outcome["framing:" + event.kind] += 1  # the 2-digit ##81 clock-sync frames
    assert lines == 897
    assert outcome["parsed"] > 0 and outcome["length"] > 0 and outcome["framing:framing"] > 0
    assert sum(outcome.values()) == lines  # every line accounted for exactly once
