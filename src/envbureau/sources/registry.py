"""The Django side of the gateway: which MNs are points, and what happens to stored packets.

    envbureau gateway --registry envbureau.sources.registry:factory

``load_points`` reads MonitoringPoint; ``on_stored`` upserts hourly (2061) and daily (2031) values
into PointHourly/PointDaily — one row per point × factor × hour/day, keyed so that the gateway's
at-least-once re-delivery of a packet (same key MN, CN, DataTime, PNO) rewrites the same rows with
the same values — and evaluates alarms.  Real-time and minute packets only refresh the point's
"last data" and latest values (throttled) and watch device-state flags; their values stay in the
gateway's columnar store (never one ORM row per value).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_EVEN, Decimal

log = logging.getLogger("envbureau.sources.registry")


def _fresh_connection():
    """The gateway calls us from long-lived worker threads: drop a connection the database closed
    (as Django's request cycle would).  Never inside a transaction (tests, callers' atomic blocks)."""
    from django.db import close_old_connections, connection

    if not connection.in_atomic_block:
        close_old_connections()

def rollup_places(factor: str, seen_places: int) -> int:
    """Decimal places of a rolled-up value: the factor's declared precision (HJ 212-2017 Appendix B),
    else one more than the most precise minute value."""
    from envbureau.hj212.codes import FACTOR_DECIMALS

    places = FACTOR_DECIMALS.get(factor)
    return places if places is not None else max(seen_places, 0) + 1


def _round(value: Decimal, places: int) -> float:
    # GB/T 8170 rounding (round half to even), then the double nearest to that decimal
    return float(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN))


HOUR_FIELDS = {"Avg": "avg", "Min": "min", "Max": "max", "Cou": "cou", "ZsAvg": "zs_avg"}


def factory():
    """Zero-argument factory for ``--registry envbureau.sources.registry:factory``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "envbureau.settings")
    import django

    django.setup()
    return SourcesRegistry()


def _factors(packet) -> dict[str, dict]:
    """{factor: {"Avg": 1.0, "ZsAvg": …, "Flag": "N", "code": "011"}} from a StoredPacket."""
    out: dict[str, dict] = {}
    for v in packet.values:
        d = out.setdefault(v.factor, {"code": v.code})
        d[v.field] = v.value
        if v.flag:
            d["Flag"] = v.flag
    return out


class SourcesRegistry:
    """Implements envbureau.gateway.registry.Registry against the sources models."""

    wants_stored = True
    #: minimum seconds between two writes of a point's last_data_at/latest from rtd/minute data
    touch_interval = 15.0
    #: an hour rolled up from minute data is written this long after it ended if no later minute came
    rollup_grace = dt.timedelta(minutes=10)

    def __init__(self):
        self._touched: dict[int, float] = {}
        self._flag_state: dict[tuple[int, str], str] = {}
        self._acc: dict = {}  # (point_id, hour) -> minute accumulators
        #: (point_id, hour) already rolled up: a minute of it delivered again (at-least-once delivery,
        #: the restore at start) must not start a new, partial accumulator that would overwrite the row
        self._rolled: dict = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------ points
    def load_points(self) -> Iterable:
        from envbureau.gateway.registry import PointInfo
        from envbureau.hj212.crc import HJ212

        from .models import MonitoringPoint

        _fresh_connection()
        out = []
        for p in MonitoringPoint.objects.values("id", "mn", "enabled", "password", "crc_dialects", "lenient_length", "name"):
            dialects = frozenset(p["crc_dialects"] or []) | {HJ212}
            out.append(PointInfo(mn=p["mn"], id=p["id"], enabled=p["enabled"], password=p["password"] or None,
                                 crc_dialects=dialects, lenient_length=p["lenient_length"], name=p["name"]))
        return out

    def resolve(self, mn: str):
        for p in self.load_points():
            if p.mn == mn:
                return p
        return None

    # ------------------------------------------------------------ unknown MNs
    def on_unknown_mn(self, mn: str, peer: str, frame: bytes) -> None:
        from envbureau.core.audit import audit_context

        from .services import note_unknown_mn

        _fresh_connection()
        with audit_context("gateway"):
            note_unknown_mn(mn, peer, frame)

    # ------------------------------------------------------------ stored packets
    def on_stored(self, batch: Sequence) -> None:
        from django.db import transaction

        from envbureau.core.audit import audit_context

        _fresh_connection()
        if not batch:
            return
        with audit_context("gateway", note="gateway on_stored"):
            with transaction.atomic():
                self._process(batch)

    def _process(self, batch: Sequence) -> dict:
        from django.utils import timezone
        from django.utils.translation import gettext_noop

        from envbureau.core import audit, texts

        from . import alarms
        from .models import Alarm, MonitoringPoint, PointDaily, PointHourly, PollutantLimit

        by_point: dict = defaultdict(list)
        for p in batch:
            try:
                by_point[int(p.point_id)].append(p)
            except (TypeError, ValueError):
                continue
        points = MonitoringPoint.objects.select_related("enterprise").in_bulk(list(by_point))
        hourly_rows, daily_rows = {}, {}
        evaluations = []  # (point, at, factors, period)
        now_mono = time.monotonic()
        for point_id, packets in by_point.items():
            point = points.get(point_id)
            if point is None:
                continue
            newest_rx = max(p.received_at for p in packets)
            touch = (now_mono - self._touched.get(point_id, 0.0) >= self.touch_interval or point.last_data_at is None
                     or any(p.kind in ("hour", "day") for p in packets))
            latest = dict(point.latest or {}) if touch else None
            for p in packets:
                if p.data_time is None or p.kind is None:
                    continue
                factors = _factors(p)
                rx = dt.datetime.fromtimestamp(p.received_at, dt.UTC)
                if p.kind in ("hour", "day"):
                    for factor, fields in factors.items():
                        values = {col: fields.get(f) for f, col in HOUR_FIELDS.items()}
                        if all(v is None for v in values.values()):
                            continue
                        row = dict(point_id=point_id, factor=factor, code=fields.get("code", factor)[:10],
                                   flag=(fields.get("Flag") or "")[:2], received_at=rx, **values)
                        if p.kind == "hour":
                            hourly_rows[(point_id, factor, p.data_time)] = PointHourly(hour=p.data_time, **row)
                        else:
                            day = timezone.localtime(p.data_time).date()
                            daily_rows[(point_id, factor, day)] = PointDaily(day=day, **row)
                    evaluations.append((point, p.data_time, factors, p.kind))
                else:
                    # rtd/minute: only state changes of flags reach the database
                    changed = {}
                    for factor, fields in factors.items():
                        flag = fields.get("Flag") or ""
                        key = (point_id, factor)
                        if self._flag_state.get(key) != flag:
                            self._flag_state[key] = flag
                            changed[factor] = {"Flag": flag}
                    if changed:
                        evaluations.append((point, p.data_time, changed, "flags"))
                    if p.kind == "minute":
                        self._accumulate(point_id, p.data_time, factors)
                for factor, fields in (factors.items() if touch else ()):
                    value = fields.get("Avg", fields.get("Rtd"))
                    prev = latest.get(factor)
                    t = p.data_time.isoformat()
                    if prev is None or prev.get("t", "") <= t:
                        latest[factor] = {"v": value, "zs": fields.get("ZsAvg", fields.get("ZsRtd")),
                                          "f": fields.get("Flag", ""), "k": p.kind, "t": t}
            if touch:
                rx_dt = dt.datetime.fromtimestamp(newest_rx, dt.UTC)
                upd = {"latest": latest}
                if point.last_data_at is None or rx_dt > point.last_data_at:
                    upd["last_data_at"] = rx_dt
                    point.last_data_at = rx_dt
                MonitoringPoint.objects.filter(pk=point_id).update(**upd)
                self._touched[point_id] = now_mono
                # data arrived: a data-absence condition is over
                ended = list(Alarm.objects.filter(point_id=point_id, kind="absence", active=True)
                             .values_list("pk", flat=True))
                if ended:
                    Alarm.objects.filter(pk__in=ended).update(active=False, ended_at=point.last_data_at)
                    audit.record_batch("update", Alarm, ended,
                                       {"active": [True, False], "ended_at": [None, point.last_data_at]})

        rolled = self._flush_rollups(points, hourly_rows)
        hour_keys = dict.fromkeys(hourly_rows)
        for (point_id, hour), factors in rolled.items():
            evaluations.append((points[point_id], hour, factors, "hour"))
            hour_keys.update(dict.fromkeys((point_id, f, hour) for f in factors))
        if hourly_rows:
            self._upsert(PointHourly, list(hourly_rows.values()), ["point", "factor", "hour"])
        if daily_rows:
            self._upsert(PointDaily, list(daily_rows.values()), ["point", "factor", "day"])

        raised = 0
        index = alarms.ActiveIndex({p.pk for p, _at, _f, _k in evaluations}) if evaluations else None
        limits_cache: dict = {}
        for lim in PollutantLimit.objects.filter(point_id__in={p.pk for p, _at, _f, _k in evaluations}):
            limits_cache.setdefault(lim.point_id, []).append(lim)
        series = self._recent_hours(hour_keys)
        for point, at, factors, kind in evaluations:
            if kind == "flags":
                raised += len(alarms.evaluate_values(point, at, factors, "flags", [], index=index))
                continue
            raised += len(alarms.evaluate_values(point, at, factors, kind, limits_cache.get(point.pk, []), index=index))
            if kind == "hour":
                for factor in factors:
                    if alarms.evaluate_flatline(point, factor, at, series=series.get((point.pk, factor), {}),
                                                index=index) is not None:
                        raised += 1
        if hour_keys or daily_rows:
            self._mark_declared(hour_keys, daily_rows)
            audit.record("create", model_label="sources.pointhourly", object_id=f"gateway-{int(time.time())}",
                         object_repr=texts.sentence(gettext_noop("网关写入小时数据 %(h)s 条、日数据 %(d)s 条"),
                                                    h=len(hour_keys), d=len(daily_rows)),
                         changes={"hourly": len(hour_keys), "daily": len(daily_rows), "alarms_raised": raised,
                                  "packets": len(batch)})
        return {"hourly": len(hour_keys), "daily": len(daily_rows), "alarms": raised}

    # ------------------------------------------------------------ minute → hour roll-up
    #: hours (by DataTime) whose minutes are read back from the gateway's store at start
    rollup_restore = dt.timedelta(hours=3)

    def on_start(self, reader) -> None:
        """The roll-up accumulators live in memory: after a restart (or crash) rebuild them from the
        minutes the store holds for hours not rolled up yet, so the hour equals the hour without one."""
        from django.utils import timezone

        from .models import PointHourly

        _fresh_connection()
        now = timezone.now()
        since = (now - self.rollup_restore).replace(minute=0, second=0, microsecond=0)
        packets = reader.packets("minute", since, fields=("Avg", "Min", "Max", "ZsAvg"))
        if not packets:
            return
        # hours rolled up before the restart stay as they are, whatever is delivered again
        self._rolled.update(dict.fromkeys(PointHourly.objects.filter(
            point_id__in={p.point_id for p in packets}, hour__gte=since, rolled_up=True).values_list("point_id", "hour")))
        n = 0
        for p in packets:
            if (p.point_id, p.data_time.replace(minute=0, second=0, microsecond=0)) not in self._rolled:
                self._accumulate(p.point_id, p.data_time, _factors(p))
                n += 1
        log.info("roll-up state rebuilt from %d minute packets of the gateway's store", n)

    def _accumulate(self, point_id: int, data_time: dt.datetime, factors: dict) -> None:
        hour = data_time.replace(minute=0, second=0, microsecond=0)
        if (point_id, hour) in self._rolled:
            return
        acc = self._acc.setdefault((point_id, hour), {"seen": set(), "factors": {}})
        if data_time in acc["seen"]:
            return  # a re-delivered minute packet is not counted twice
        acc["seen"].add(data_time)
        for factor, fields in factors.items():
            v = fields.get("Avg")
            if v is None or not math.isfinite(v):
                continue
            f = acc["factors"].setdefault(factor, {"n": 0, "sum": Decimal(0), "min": v, "max": v, "zs_n": 0,
                                                   "zs_sum": Decimal(0), "places": 0, "flags": defaultdict(int),
                                                   "code": fields.get("code", factor)})
            # sums of the decimals as sent (repr of the parsed float gives them back): exact, so the
            # hour does not depend on the order the minutes arrived in (e.g. across a restart)
            d = Decimal(repr(v))
            f["n"] += 1
            f["sum"] += d
            f["places"] = max(f["places"], -d.as_tuple().exponent)
            f["min"] = min(f["min"], fields.get("Min", v))
            f["max"] = max(f["max"], fields.get("Max", v))
            if fields.get("ZsAvg") is not None and math.isfinite(fields["ZsAvg"]):
                f["zs_n"] += 1
                f["zs_sum"] += Decimal(repr(fields["ZsAvg"]))
            f["flags"][fields.get("Flag") or ""] += 1

    def _flush_rollups(self, points: dict, hourly_rows: dict) -> dict:
        """Hours that are over (a later minute arrived, or the hour ended more than `rollup_grace`
        ago) become PointHourly rows unless an hourly packet already gave that hour."""
        from django.utils import timezone

        from .models import PointHourly

        if not self._acc:
            return {}
        newest: dict = {}
        for point_id, hour in self._acc:
            newest[point_id] = max(newest.get(point_id, hour), hour)
        now = timezone.now()
        due = [k for k in self._acc if k[1] < newest[k[0]] or now - k[1] > dt.timedelta(hours=1) + self.rollup_grace]
        if not due:
            return {}
        existing = set(PointHourly.objects.filter(point_id__in={k[0] for k in due}, hour__in={k[1] for k in due},
                                                  rolled_up=False).values_list("point_id", "factor", "hour"))
        out: dict = {}
        rows = []
        if len(self._rolled) > 100_000:
            self._rolled = {k: None for k in self._rolled if now - k[1] < dt.timedelta(days=1)}
        for point_id, hour in due:
            acc = self._acc.pop((point_id, hour))
            self._rolled[(point_id, hour)] = None
            if point_id not in points:
                continue
            for factor, f in acc["factors"].items():
                if (point_id, factor, hour) in existing or (point_id, factor, hour) in hourly_rows:
                    continue
                flag = max(f["flags"], key=f["flags"].get)  # the prevailing minute flag
                places = rollup_places(factor, f["places"])
                avg = _round(f["sum"] / f["n"], places)
                zs = _round(f["zs_sum"] / f["zs_n"], places) if f["zs_n"] else None
                rows.append(PointHourly(point_id=point_id, factor=factor, code=str(f["code"])[:10], hour=hour, avg=avg,
                                        min=f["min"], max=f["max"], zs_avg=zs, flag=flag[:2], rolled_up=True,
                                        samples=f["n"], received_at=now))
                fields = {"Avg": avg, "Flag": flag}
                if zs is not None:
                    fields["ZsAvg"] = zs
                out.setdefault((point_id, hour), {})[factor] = fields
        if rows:
            PointHourly.objects.bulk_create(rows, update_conflicts=True, unique_fields=["point", "factor", "hour"],
                                            update_fields=["avg", "min", "max", "zs_avg", "flag", "samples",
                                                           "received_at"], batch_size=500)
        return out

    @staticmethod
    def _recent_hours(hourly_rows: dict) -> dict:
        """{(point, factor): {hour: avg}} covering the batch's hours and the flat-line look-back, in one query."""
        from . import conf
        from .models import PointHourly

        if not hourly_rows:
            return {}
        hours = [k[2] for k in hourly_rows]
        back = dt.timedelta(hours=int(conf.get("SOURCES_FLATLINE_HOURS")))
        out: dict = {}
        qs = PointHourly.objects.filter(point_id__in={k[0] for k in hourly_rows}, factor__in={k[1] for k in hourly_rows},
                                        hour__gte=min(hours) - back, hour__lte=max(hours))
        for point_id, factor, hour, avg in qs.values_list("point_id", "factor", "hour", "avg"):
            out.setdefault((point_id, factor), {})[hour] = avg
        return out

    @staticmethod
    def _upsert(model, rows, unique_fields):
        model.objects.bulk_create(rows, update_conflicts=True, unique_fields=unique_fields,
                                  update_fields=["code", "avg", "min", "max", "cou", "zs_avg", "flag", "received_at",
                                                 "rolled_up", "samples"],
                                  batch_size=500)

    @staticmethod
    def _mark_declared(hourly_rows: dict, daily_rows: dict) -> None:
        from django.utils import timezone

        from .choices import DeclarationStatus
        from .models import Declaration, MonitoringPoint, PointDaily, PointHourly

        point_ids = {k[0] for k in hourly_rows} | {k[0] for k in daily_rows}
        ent = dict(MonitoringPoint.objects.filter(pk__in=point_ids).values_list("pk", "enterprise_id"))
        times = [k[2] for k in hourly_rows]
        if daily_rows:
            times += [timezone.make_aware(dt.datetime.combine(k[2], dt.time()), timezone.get_current_timezone())
                      for k in daily_rows]
        decls = Declaration.objects.filter(enterprise_id__in=set(ent.values()), status=DeclarationStatus.APPROVED,
                                           start__lte=max(times), end__gt=min(times))
        for decl in decls:
            PointHourly.objects.filter(decl.covers_q(time_field="hour"), point_id__in=point_ids,
                                       declared=False).update(declared=True, declaration=decl)
            start_day = timezone.localtime(decl.start).date()
            if timezone.localtime(decl.start).time() != dt.time(0):
                start_day += dt.timedelta(days=1)
            PointDaily.objects.filter(decl.covers_q(time_field=None), point_id__in=point_ids, declared=False,
                                      day__gte=start_day, day__lt=timezone.localtime(decl.end).date()).update(
                declared=True, declaration=decl)
