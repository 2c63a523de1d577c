"""Suggesting repeats at intake (FixMyStreet pattern): an earlier complaint of the same category
within a time window, near the same point (or in the same street/enterprise), with similar text.

Thresholds come from settings.ENVBUREAU["COMPLAINTS_DUPLICATES"] (or the environment variables
COMPLAINTS_DUP_DISTANCE_M / _WINDOW_DAYS / _TEXT), defaults 300 m, 30 days, 0.3.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from dataclasses import dataclass

from django.conf import settings


@dataclass
class Thresholds:
    distance_m: float = 300.0
    window_days: int = 30
    text: float = 0.3
    max_candidates: int = 400


def thresholds() -> Thresholds:
    conf = dict(getattr(settings, "ENVBUREAU", {}).get("COMPLAINTS_DUPLICATES", {}))
    t = Thresholds()
    t.distance_m = float(conf.get("distance_m", os.environ.get("COMPLAINTS_DUP_DISTANCE_M", t.distance_m)))
    t.window_days = int(conf.get("window_days", os.environ.get("COMPLAINTS_DUP_WINDOW_DAYS", t.window_days)))
    t.text = float(conf.get("text", os.environ.get("COMPLAINTS_DUP_TEXT", t.text)))
    return t


def haversine_m(lon1, lat1, lon2, lat2) -> float:
    r = 6371008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


_PUNCT = set(" \t\r\n,.;:!?，。；：！？、（）()【】[]“”\"'《》-—")


def ngrams(text: str, n: int = 2) -> set[str]:
    s = "".join(ch for ch in (text or "").lower() if ch not in _PUNCT)
    if len(s) < n:
        return {s} if s else set()
    return {s[i:i + n] for i in range(len(s) - n + 1)}


def text_similarity(a: str, b: str) -> float:
    """Jaccard similarity of character bigrams (works for Chinese without a word segmenter)."""
    ga, gb = ngrams(a), ngrams(b)
    if not ga or not gb:
        return 0.0
    return len(ga & gb) / len(ga | gb)


@dataclass
class Suggestion:
    original: object
    score: float
    distance_m: float | None
    days_apart: float
    text_similarity: float


def _text_of(c) -> str:
    return " ".join(x for x in (getattr(c, "location", ""), getattr(c, "enterprise_name", ""),
                                getattr(c, "title", ""), getattr(c, "content", "")) if x)


def suggest(complaint, limit: int = 5, th: Thresholds | None = None) -> list[Suggestion]:
    """Earlier complaints that may be the same matter as `complaint` (saved or not), best first."""
    from .models import Complaint

    th = th or thresholds()
    when = complaint.received_at
    qs = Complaint.objects.filter(category=complaint.category,
                                  received_at__gte=when - dt.timedelta(days=th.window_days),
                                  received_at__lte=when)
    if complaint.pk:
        qs = qs.exclude(pk=complaint.pk)
    has_point = complaint.lon is not None and complaint.lat is not None
    if has_point:
        # A bounding box around the point keeps the candidate set small on big tables.
        dlat = th.distance_m / 111_000
        dlon = dlat / max(math.cos(math.radians(complaint.lat)), 0.1)
        from django.db.models import Q

        near = Q(lat__gte=complaint.lat - dlat, lat__lte=complaint.lat + dlat,
                 lon__gte=complaint.lon - dlon, lon__lte=complaint.lon + dlon)
        local = Q(jurisdiction_id=complaint.jurisdiction_id, lat__isnull=True)
        if complaint.enterprise_id:
            local |= Q(enterprise_id=complaint.enterprise_id)
        qs = qs.filter(near | local)
    else:
        from django.db.models import Q

        local = Q(jurisdiction_id=complaint.jurisdiction_id)
        if complaint.enterprise_id:
            local |= Q(enterprise_id=complaint.enterprise_id)
        qs = qs.filter(local)
    text = _text_of(complaint)
    out = []
    for c in qs.order_by("-received_at")[: th.max_candidates]:
        dist = None
        if has_point and c.lon is not None and c.lat is not None:
            dist = haversine_m(complaint.lon, complaint.lat, c.lon, c.lat)
        sim = text_similarity(text, _text_of(c))
        same_enterprise = bool(complaint.enterprise_id and c.enterprise_id == complaint.enterprise_id)
        close = dist is not None and dist <= th.distance_m
        if not (same_enterprise or close or sim >= th.text):
            continue
        if dist is None and not same_enterprise and sim < th.text:
            continue
        days = (when - c.received_at).total_seconds() / 86400
        score = 0.45 * sim + 0.15 * (1 - min(days / max(th.window_days, 1), 1))
        if close:
            score += 0.3 * (1 - dist / th.distance_m)
        if same_enterprise:
            score += 0.25
        out.append(Suggestion(c, round(min(score, 1.0), 3), None if dist is None else round(dist, 1),
                              round(days, 2), round(sim, 3)))
    out.sort(key=lambda s: -s.score)
    return out[:limit]
