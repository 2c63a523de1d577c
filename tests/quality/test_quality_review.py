"""Data review: invalidated values leave every statistic, only the affected station-days are rebuilt,
the review is audited, and revoking restores the values."""

import datetime as dt

import pytest

pytestmark = pytest.mark.django_db


def test_review_rebuilds_affected_station_day_only(beijing_slice, stations, user_named):
    from envbureau.core.models import AuditEntry
    from envbureau.quality import services
    from envbureau.quality.models import AirDaily, AirHourly, CityDaily

    tz = dt.timezone(dt.timedelta(hours=8))
    dongsi = stations["Dongsi"]
    day = dt.date(2015, 1, 20)
    before = {d.date: (d.pm25, d.computed_at) for d in AirDaily.objects.filter(station=dongsi)}
    city_before = CityDaily.objects.get(jurisdiction__code="110101", date=day).pm25
    tiantan = AirDaily.objects.get(station=stations["Tiantan"], date=day).pm25
    # invalidate Dongsi PM2.5 for the whole local day 2015-01-20
    rv = services.review_values(user_named("air_staff"), dongsi, dt.datetime(2015, 1, 20, 0, tzinfo=tz),
                                dt.datetime(2015, 1, 20, 23, tzinfo=tz), ["pm25"], "仪器故障")
    assert rv.affected_hours == 24
    assert AirHourly.objects.filter(station=dongsi, invalid_mask__gt=0).count() == 24
    after = AirDaily.objects.get(station=dongsi, date=day)
    assert before[day][0] is not None and after.pm25 is None
    # the district day now rests on Tiantan alone
    assert CityDaily.objects.get(jurisdiction__code="110101", date=day).pm25 == pytest.approx(tiantan)
    assert city_before != pytest.approx(tiantan)
    other = AirDaily.objects.get(station=dongsi, date=dt.date(2015, 1, 21))
    assert other.computed_at == before[dt.date(2015, 1, 21)][1]
    entry = AuditEntry.objects.get(model="quality.datareview", action="create")
    # the audit log names the review by its station, times and pollutants' names (never their codes)
    assert entry.object_repr.startswith(str(dongsi)) and entry.object_repr.endswith(" PM2.5"), entry.object_repr

    services.revoke_review(user_named("air_staff"), rv)
    assert AirDaily.objects.get(station=dongsi, date=day).pm25 == pytest.approx(before[day][0])


def test_officer_cannot_review(beijing_slice, stations, user_named):
    from django.core.exceptions import PermissionDenied

    from envbureau.quality import services

    tz = dt.timezone(dt.timedelta(hours=8))
    with pytest.raises(PermissionDenied):
        services.review_values(user_named("dongcheng"), stations["Dongsi"], dt.datetime(2015, 1, 20, tzinfo=tz),
                               dt.datetime(2015, 1, 20, 5, tzinfo=tz), ["pm25"], "x")


def test_station_moved_or_excluded_rebuilds_jurisdiction_days(beijing_slice, stations, user_named):
    import datetime as dt

    from envbureau.core import services as core_services
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.models import CityDaily

    day = dt.date(2015, 2, 1)
    assert CityDaily.objects.get(jurisdiction__code="110101", date=day).n_stations == 2
    g = stations["Guanyuan"]
    g.jurisdiction = Jurisdiction.objects.get(code="110101")
    core_services.update_object(user_named("admin"), g)
    assert CityDaily.objects.get(jurisdiction__code="110101", date=day).n_stations == 3
    assert not CityDaily.objects.filter(jurisdiction__code="110102").exists()
    from envbureau.quality.models import StationNetwork

    for net in StationNetwork.objects.filter(purpose__in=["city", "district"]):  # out of both assessments
        core_services.update_object(user_named("admin"), net,
                                    m2m={"stations": [x for x in net.stations.all() if x.pk != g.pk]})
    assert CityDaily.objects.get(jurisdiction__code="110101", date=day).n_stations == 2
    assert CityDaily.objects.get(jurisdiction__code="110000", date=day).n_stations == 2
