"""Command line of the gateway: ``main(argv)`` for the subcommands the project CLI forwards.

    gateway        [--host H] [--port N] [--data-dir D] [--registry SPEC] …
    gateway-stats  [--json] [--data-dir D] [--count-values]
    hj212-sim      [--devices N] [--rate R] [--duration S] [--host H] [--port N] [--kind minute] …
    gateway-rejected [--mn MN] [--reason R] [--replay --port N]   list / resend rejected frames
    gateway-compact [--data-dir D]     (normally started by the gateway itself)

``--registry``: ``open`` (every MN is a point; demo/simulator), ``file:points.json``, or
``package.module:factory`` — the sources app provides e.g. ``envbureau.sources.gateway:registry``.
The env var ENVBUREAU_GATEWAY_REGISTRY sets the default.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time


def _add_data_dir(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", default=None, help="data folder (default $ENVBUREAU_DATA_DIR or ./data)")


def cmd_gateway(args) -> int:
    import logging

    from .registry import load_registry
    from .server import GatewayConfig, Retention, run

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    retention = Retention()
    for item in args.retention:
        kind, _, days = item.partition(":")
        setattr(retention, kind, int(days))
    cfg = GatewayConfig(host=args.host, port=args.port, data_dir=args.data_dir, max_segment=args.max_segment,
                        idle_timeout=args.idle_timeout, seal_seconds=args.seal_seconds,
                        compact=not args.no_compact, compact_interval=args.compact_interval,
                        retention=retention, sync=not args.no_sync, garbage_budget=args.garbage_budget)
    return run(cfg, load_registry(args.registry))


def cmd_stats(args) -> int:
    from .stats import format_stats, read_stats

    doc = read_stats(args.data_dir, args.count_values)
    print(json.dumps(doc, indent=2, ensure_ascii=False) if args.json else format_stats(doc))
    return 0


def cmd_sim(args) -> int:
    from .server import install_uvloop
    from .sim import Simulator

    install_uvloop()
    mns = None
    if args.mns:
        text = open(args.mns[1:], encoding="utf-8").read() if args.mns.startswith("@") else args.mns
        mns = [m.strip() for m in text.replace("\n", ",").split(",") if m.strip()]
    passwords = {}
    if args.registry:
        from .registry import load_registry

        points = [p for p in load_registry(args.registry).load_points() if p.enabled]
        mns = (mns or []) + [p.mn for p in points]
        passwords = {p.mn: p.password for p in points if p.password}
    sim = Simulator(host=args.host, port=args.port, devices=args.devices, rate=args.rate, duration=args.duration,
                    kind=args.kind, mn_prefix=args.mn_prefix, seed=args.seed, realistic=not args.clean, mns=mns,
                    live=args.live, live_kinds=tuple(args.kinds.split(",")), password=args.password)
    sim.passwords.update(passwords)
    res = asyncio.run(sim.run())
    summary = res.summary()
    print(json.dumps(summary) if args.json else "  ".join(f"{k}={v}" for k, v in summary.items()))
    return 0 if res.sent else 1


def cmd_rejected(args) -> int:
    """List rejected frames; with --replay send them again (e.g. after binding an unknown MN)."""
    import socket

    from .store import online_dir, rejected_records

    entries = list(rejected_records(online_dir(args.data_dir), args.mn, args.reason))
    if not args.replay:
        for e in entries[-args.limit:]:
            e.pop("raw")
            print(json.dumps(e, ensure_ascii=False) if args.json else
                  f"{time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(e['at']))}  {e['reason']:<11} "
                  f"{e.get('mn') or '-':<24} {e['detail']}")
        return 0
    frames = [e["raw"] for e in entries if e["raw"].startswith(b"##")]
    with socket.create_connection((args.host, args.port), timeout=30) as s:
        s.sendall(b"".join(frames))
        time.sleep(1.0)  # let the answers (for frames that ask) come back before closing
    print(f"replayed {len(frames)} frame(s) to {args.host}:{args.port}")
    return 0


def cmd_compact(args) -> int:
    from .compact import main as compact_main

    argv = ["--data-dir", args.data_dir] if args.data_dir else []
    return compact_main(argv + (["--all"] if args.all else []))


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="envbureau")
    sub = ap.add_subparsers(dest="command", required=True)

    g = sub.add_parser("gateway", help="run the HJ 212 gateway (TCP)")
    g.add_argument("--host", default=os.environ.get("ENVBUREAU_GATEWAY_HOST", "0.0.0.0"))
    g.add_argument("--port", type=int, default=int(os.environ.get("ENVBUREAU_GATEWAY_PORT", "9212")))
    _add_data_dir(g)
    g.add_argument("--registry", default=os.environ.get("ENVBUREAU_GATEWAY_REGISTRY", "open"),
                   help="open | file:points.json | package.module:factory")
    g.add_argument("--max-segment", type=int, default=4096, help="size cap of a data segment in bytes")
    g.add_argument("--idle-timeout", type=float, default=900.0, help="seconds before a silent connection closes")
    g.add_argument("--garbage-budget", type=int, default=int(os.environ.get("ENVBUREAU_GATEWAY_GARBAGE_BUDGET", 64 << 10)),
                   help="bytes of garbage a connection may send since its last good frame before it is closed")
    g.add_argument("--seal-seconds", type=float, default=300.0, help="seal the log segment after this long")
    g.add_argument("--compact-interval", type=float, default=60.0)
    g.add_argument("--no-compact", action="store_true", help="do not start compactions (tests, benchmarks)")
    g.add_argument("--retention", action="append", default=[], help="KIND:DAYS (rtd, minute, hour, day, raw)")
    g.add_argument("--no-sync", action="store_true", help="skip fsync (unsafe: for experiments only)")
    g.set_defaults(func=cmd_gateway)

    s = sub.add_parser("gateway-stats", help="gateway counters and storage totals")
    _add_data_dir(s)
    s.add_argument("--json", action="store_true")
    s.add_argument("--count-values", action="store_true", help="also count stored values (scans Parquet)")
    s.set_defaults(func=cmd_stats)

    m = sub.add_parser("hj212-sim", help="simulate HJ 212 devices")
    m.add_argument("--host", default="127.0.0.1")
    m.add_argument("--port", type=int, default=9212)
    m.add_argument("--devices", type=int, default=10)
    m.add_argument("--rate", type=float, default=10.0, help="packets per second, all devices together")
    m.add_argument("--duration", type=float, default=10.0, help="seconds")
    m.add_argument("--kind", choices=["rtd", "minute", "hour", "day"], default="minute")
    m.add_argument("--mn-prefix", default="SIM")
    m.add_argument("--seed", type=int, default=1)
    m.add_argument("--clean", action="store_true", help="no exceedances, faults, gaps or malformed frames")
    m.add_argument("--mns", default=None,
                   help="explicit MNs: 'MN1,MN2:water,MN3:gas' or @file with one per line (e.g. the demo's points)")
    m.add_argument("--registry", default=None,
                   help="simulate every enabled point of this registry (same SPEC as the gateway's), e.g. "
                        "envbureau.sources.registry:factory for the demo enterprises")
    m.add_argument("--live", action="store_true",
                   help="wall-clock mode for the demo: each device sends real-time data every 30 s, minute data "
                        "each minute and hourly data each hour (rate ignored; --duration 0 = forever)")
    m.add_argument("--kinds", default="rtd,minute,hour", help="data kinds sent in --live mode")
    m.add_argument("--password", default="123456")
    m.add_argument("--json", action="store_true")
    m.set_defaults(func=cmd_sim)

    r = sub.add_parser("gateway-rejected", help="list (or replay) rejected frames")
    _add_data_dir(r)
    r.add_argument("--mn")
    r.add_argument("--reason", choices=["framing", "length", "crc", "syntax", "unknown_mn", "disabled", "password"])
    r.add_argument("--limit", type=int, default=50)
    r.add_argument("--json", action="store_true")
    r.add_argument("--replay", action="store_true", help="send the frames to a running gateway again")
    r.add_argument("--host", default="127.0.0.1")
    r.add_argument("--port", type=int, default=9212)
    r.set_defaults(func=cmd_rejected)

    c = sub.add_parser("gateway-compact", help="compact sealed log segments into Parquet now")
    _add_data_dir(c)
    c.add_argument("--all", action="store_true", help="include the newest segment (only when no gateway runs)")
    c.set_defaults(func=cmd_compact)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
