"""Routing a map point to a jurisdiction by the boundaries configured on core.Jurisdiction
(GeoJSON Polygon/MultiPolygon, or a Feature/FeatureCollection of them), in pure Python.

The deepest jurisdiction whose boundary contains the point wins (a street inside its district).
Where no boundaries are configured the caller keeps the street chosen on the form.
"""

from __future__ import annotations

from envbureau.core.dbcache import CommittedCache

_CACHE = CommittedCache()  # boundaries of core.Jurisdiction; watched in ComplaintsConfig.ready
invalidate = _CACHE.invalidate


def _polygons(geom) -> list:
    """A list of polygons, each [outer ring, *holes], each ring [(lon, lat), ...]."""
    if not geom:
        return []
    t = geom.get("type")
    if t == "FeatureCollection":
        return [p for f in geom.get("features", []) for p in _polygons(f)]
    if t == "Feature":
        return _polygons(geom.get("geometry"))
    if t == "Polygon":
        return [[[(float(x), float(y)) for x, y, *_ in ring] for ring in geom["coordinates"]]]
    if t == "MultiPolygon":
        return [[[(float(x), float(y)) for x, y, *_ in ring] for ring in poly] for poly in geom["coordinates"]]
    if t == "GeometryCollection":
        return [p for g in geom.get("geometries", []) for p in _polygons(g)]
    return []


def point_in_ring(lon: float, lat: float, ring) -> bool:
    """Even-odd ray casting; points exactly on an edge count as inside."""
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i]
        xj, yj = ring[j]
        # On the segment?
        if min(xi, xj) <= lon <= max(xi, xj) and min(yi, yj) <= lat <= max(yi, yj):
            cross = (xj - xi) * (lat - yi) - (yj - yi) * (lon - xi)
            if abs(cross) < 1e-12:
                return True
        if (yi > lat) != (yj > lat):
            x = (xj - xi) * (lat - yi) / (yj - yi) + xi
            if lon < x:
                inside = not inside
        j = i
    return inside


def point_in_polygons(lon: float, lat: float, polygons) -> bool:
    for poly in polygons:
        if not poly:
            continue
        if point_in_ring(lon, lat, poly[0]) and not any(point_in_ring(lon, lat, h) for h in poly[1:]):
            return True
    return False


def _index():
    return _CACHE.get("idx", _build_index)


def _build_index():
    from envbureau.core.models import Jurisdiction

    idx = []
    for j in Jurisdiction.objects.exclude(boundary__isnull=True).only("id", "path", "boundary"):
        polys = _polygons(j.boundary)
        pts = [pt for poly in polys for ring in poly[:1] for pt in ring]
        if not pts:
            continue
        bbox = (min(p[0] for p in pts), min(p[1] for p in pts), max(p[0] for p in pts), max(p[1] for p in pts))
        idx.append((j.path.count("/"), j.id, bbox, polys))
    idx.sort(key=lambda t: -t[0])  # deepest first
    return idx


def boundaries_configured() -> bool:
    return bool(_index())


def route_point(lon: float | None, lat: float | None):
    """The deepest jurisdiction containing the point, or None."""
    if lon is None or lat is None:
        return None
    for _depth, jid, (x0, y0, x1, y1), polys in _index():
        if x0 <= lon <= x1 and y0 <= lat <= y1 and point_in_polygons(lon, lat, polys):
            from envbureau.core.models import Jurisdiction

            return Jurisdiction.objects.get(pk=jid)
    return None


def route(lon, lat, chosen):
    """(jurisdiction, how): by polygon when one contains the point, else the chosen one."""
    found = route_point(lon, lat)
    if found is not None:
        if chosen is None or found.path.startswith(chosen.path) or not chosen.path.startswith(found.path):
            return found, "polygon"
    return chosen, "chosen" if chosen is not None else ""
