"""The online status board: refreshes itself, filters by district, has a wall mode, five distinct states."""

import re

import pytest

from envbureau.sources.choices import ONLINE_COLOURS, OnlineStatus
from envbureau.sources.models import MonitoringPoint


@pytest.fixture
def demo(demo_core):
    from envbureau.sources.demo import load_sources

    load_sources(lambda m: None)


def test_board_polls_filters_by_district_and_has_a_wall_mode(demo, client_for):
    from envbureau.core.models import Jurisdiction

    c = client_for("admin")
    page = c.get("/sources/board/").content.decode()
    # refreshes itself every 30–60 s by swapping its own block, without a page reload
    m = re.search(r'id="eb-board" hx-get="([^"]+)" hx-trigger="every (\d+)s" hx-select="#eb-board"', page)
    assert m and 30 <= int(m.group(2)) <= 60 and m.group(1) == "/sources/board/"
    assert 'id="eb-wall-toggle"' in page and "大屏模式" in page
    # districts by name from the tree; choosing one keeps only that district's points
    points = MonitoringPoint.objects.select_related("enterprise__jurisdiction")
    with_points = {p.enterprise.jurisdiction.path for p in points}
    district = next(d for d in Jurisdiction.objects.filter(level="district").order_by("code")
                    if any(path.startswith(d.path) for path in with_points))
    assert f'<option value="{district.pk}">{district.name}</option>' in page
    inside = [p for p in points if p.enterprise.jurisdiction.path.startswith(district.path)]
    outside = [p for p in points if not p.enterprise.jurisdiction.path.startswith(district.path)]
    filtered = c.get(f"/sources/board/?district={district.pk}").content.decode()
    assert inside and all(p.name in filtered for p in inside)
    assert all(f">{p.name}</a>" not in filtered for p in outside if p.name not in {q.name for q in inside})
    assert f'hx-get="/sources/board/?district={district.pk}"' in filtered
    # an unknown district value is ignored ("all"), never an error
    assert c.get("/sources/board/?district=abc").status_code == 200


def test_five_states_are_told_apart():
    colours = [ONLINE_COLOURS[s] for s in OnlineStatus.values]
    assert len(set(colours)) == 5 and "light" not in colours


def test_point_page_opens_on_a_factor_with_data_and_shows_units_and_limits(demo, client_for):
    c = client_for("admin")
    p = next(p for p in MonitoringPoint.objects.order_by("mn") if p.latest and p.limits.exists())
    page = c.get(f"/sources/points/{p.pk}/").content.decode()
    first = re.search(r'<select class="form-select form-select-sm" name="factor"><option value="(\w+)" selected>', page)
    assert first and first.group(1) in p.latest  # opens on a factor that has data
    assert f"({first.group(1)})" not in page.split('name="factor"')[1].split("</select>")[0]  # names, not codes
    lim = p.limits.filter(factor=first.group(1)).first()
    latest = page.split('id="eb-point-latest"')[1].split("</table>")[0]
    if lim is not None and lim.unit:
        assert lim.unit in latest and f"{lim.limit_value:g}" in latest
    series = c.get(f"/sources/points/{p.pk}/series.json?factor=w01018&kind=hour").json()
    assert series["label"] == "COD" and series["unit"] == "mg/L"
