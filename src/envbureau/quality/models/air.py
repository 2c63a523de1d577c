from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from envbureau.core.models import Jurisdiction
from envbureau.core.scoping import ScopedModel, ScopedQuerySet, ScopeSpec
from envbureau.core.timefmt import local_datetime

from ..choices import POLLUTANTS
from .sites import AirStation


class AirHourly(ScopedModel):
    """Raw hourly values as received (units: µg/m³, CO mg/m³). ``time`` is the start of the hour
    (value covers time … time+1h, the convention of envbureau.standards.averaging)."""

    # no index of its own: the unique (station, time) index serves every lookup by station (issue 17: each index
    # is one more B-tree written per imported hour)
    station = models.ForeignKey(AirStation, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="hourly",
                                db_index=False)
    time = models.DateTimeField(_("时段开始"))
    pm25 = models.FloatField("PM2.5", null=True, blank=True)
    pm10 = models.FloatField("PM10", null=True, blank=True)
    so2 = models.FloatField("SO2", null=True, blank=True)
    no2 = models.FloatField("NO2", null=True, blank=True)
    co = models.FloatField("CO", null=True, blank=True)
    o3 = models.FloatField("O3", null=True, blank=True)
    # bit per pollutant (choices.POLLUTANT_BIT): set by DataReview → excluded from every statistic
    invalid_mask = models.SmallIntegerField(_("审核无效标记"), default=0)
    # bit per pollutant: suspicious at import (caps, spikes); kept and shown, not excluded
    flags = models.SmallIntegerField(_("可疑标记"), default=0)

    audit_exempt = True  # imports are audited once per batch
    scope = ScopeSpec(module="quality", jurisdiction="station__jurisdiction")

    class Meta:
        verbose_name = _("空气小时数据")
        verbose_name_plural = _("空气小时数据")
        # every read of hourly values names its stations (derived rebuilds, warning scans, reviews, latest hour):
        # the unique (station, time) index. No index on time alone: nothing reads all stations' hours by time, and
        # writing it took half of the SQLite insert of a month of 600 stations (issue 17)
        constraints = [models.UniqueConstraint(fields=["station", "time"], name="quality_airhourly_station_time")]
        indexes = [
            # the data review page lists flagged hours: a small partial index instead of a scan of all hours
            models.Index(fields=["station", "time"], condition=~models.Q(flags=0), name="quality_airhourly_flagged"),
            # … and the newest flagged hours of the whole city, without sorting them all
            models.Index(fields=["-time"], condition=~models.Q(flags=0), name="quality_airhourly_flagged_t"),
        ]

    def __str__(self):
        return f"{self.station_id}@{local_datetime(self.time)}"


class DataReview(ScopedModel):
    """A reviewer marks values of one station and time range invalid (审核), with a reason."""

    station = models.ForeignKey(AirStation, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="reviews")
    start = models.DateTimeField(_("开始时间(含)"))
    end = models.DateTimeField(_("结束时间(含)"))
    pollutants = models.JSONField(_("污染物"), default=list, help_text=_("如 [\"pm25\", \"o3\"]"))
    reason = models.TextField(_("原因"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("审核时间"), auto_now_add=True)
    revoked = models.BooleanField(_("已撤销"), default=False)
    affected_hours = models.IntegerField(_("影响小时数"), default=0)

    scope = ScopeSpec(module="quality", jurisdiction="station__jurisdiction")

    class Meta:
        verbose_name = _("数据审核")
        verbose_name_plural = _("数据审核")
        ordering = ["-created_at"]

    def __str__(self):
        # what the audit log names: pollutants by their names ("PM2.5"), never their codes ("pm25")
        from ..choices import POLLUTANT_LABELS

        names = ",".join(POLLUTANT_LABELS.get(p, p) for p in self.pollutants or [])
        return f"{self.station} {local_datetime(self.start)}—{local_datetime(self.end)} {names}"

    # The state core.workflow reads and writes (quality/workflows.py): active or revoked.
    @property
    def state(self) -> str:
        return "revoked" if self.revoked else "active"

    @state.setter
    def state(self, value: str) -> None:
        self.revoked = value == "revoked"


class DailyValues(models.Model):
    """Daily concentrations, IAQIs and AQI as computed by envbureau.standards under ``rules``."""

    date = models.DateField(_("日期"))
    so2 = models.FloatField("SO2", null=True)
    no2 = models.FloatField("NO2", null=True)
    co = models.FloatField("CO", null=True)
    pm10 = models.FloatField("PM10", null=True)
    pm25 = models.FloatField("PM2.5", null=True)
    o3_8h = models.FloatField(_("O3日最大8小时"), null=True)
    o3_1h = models.FloatField(_("O3日最大1小时"), null=True)
    iaqi_so2 = models.FloatField(null=True)
    iaqi_no2 = models.FloatField(null=True)
    iaqi_co = models.FloatField(null=True)
    iaqi_pm10 = models.FloatField(null=True)
    iaqi_pm25 = models.FloatField(null=True)
    iaqi_o3_8h = models.FloatField(null=True)
    iaqi_o3_1h = models.FloatField(null=True)
    aqi = models.IntegerField("AQI", null=True)
    level = models.SmallIntegerField(_("级别"), default=0, help_text=_("1 优 … 6 严重污染; 0 无有效AQI"))
    primary = models.CharField(_("首要污染物"), max_length=80, blank=True)
    exceeding = models.CharField(_("超标污染物"), max_length=80, blank=True)
    valid = models.BooleanField(_("有效"), default=False)
    complete = models.BooleanField(_("指标齐全"), default=False)
    rules = models.CharField(_("标准"), max_length=8, help_text=_("2012 = HJ 633-2012 / GB 3095-2012; 2026 = HJ 633-2026"))
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    audit_exempt = True  # derived: rebuilt from raw data at any time

    class Meta:
        abstract = True


class AirDaily(DailyValues):
    station = models.ForeignKey(AirStation, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="daily")

    objects = ScopedQuerySet.as_manager()
    scope = ScopeSpec(module="quality", jurisdiction="station__jurisdiction")

    class Meta:
        verbose_name = _("站点日评价")
        verbose_name_plural = _("站点日评价")
        constraints = [models.UniqueConstraint(fields=["station", "date"], name="quality_airdaily_station_date")]
        indexes = [models.Index(fields=["date"], name="quality_airdaily_date")]


class CityDaily(DailyValues):
    """Daily result of a jurisdiction (the city and each district with assessment stations): the mean
    of its valid station daily values (HJ 663), then the AQI of those means."""

    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name=_("区划"), on_delete=models.CASCADE,
                                     related_name="air_daily")
    n_stations = models.SmallIntegerField(_("有效站点数"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope = ScopeSpec(module="quality", jurisdiction="jurisdiction")

    class Meta:
        verbose_name = _("区划日评价")
        verbose_name_plural = _("区划日评价")
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "date"], name="quality_citydaily_j_date")]


class AirThreshold(ScopedModel):
    """Configurable hourly thresholds that raise air warnings (city-wide, or for one jurisdiction)."""

    pollutant = models.CharField(_("污染物"), max_length=8, choices=[(p, p.upper()) for p in POLLUTANTS])
    hourly_limit = models.FloatField(_("小时浓度阈值"), help_text=_("µg/m³, CO 为 mg/m³"))
    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name=_("适用区划"), null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="+", help_text=_("留空表示全市"))
    active = models.BooleanField(_("启用"), default=True)

    scope = ScopeSpec(module="quality", jurisdiction="jurisdiction", null_jurisdiction_city_wide=True)

    class Meta:
        verbose_name = _("空气预警阈值")
        verbose_name_plural = _("空气预警阈值")
        ordering = ["pollutant", "id"]

    def __str__(self):
        from ..choices import POLLUTANT_LABELS, UNITS

        return f"{POLLUTANT_LABELS.get(self.pollutant, self.pollutant)} > {self.hourly_limit:g} {UNITS.get(self.pollutant, '')}"


class AirPeriodStat(ScopedModel):
    """Derived: a jurisdiction's monthly, quarterly or annual assessment (the keys of `envbureau assess air`),
    stored with the rule sets used; rebuilt with the jurisdiction days it rests on."""

    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name=_("区划"), on_delete=models.CASCADE,
                                     related_name="air_period_stats")
    period = models.CharField(_("周期"), max_length=8, choices=[("month", _("月")), ("quarter", _("季度")), ("year", _("年"))])
    start = models.DateField(_("开始日期"))
    pm25_mean = models.FloatField(null=True)
    pm10_mean = models.FloatField(null=True)
    so2_mean = models.FloatField(null=True)
    no2_mean = models.FloatField(null=True)
    co_p95 = models.FloatField(null=True)
    o3_8h_p90 = models.FloatField(null=True)
    good_days = models.IntegerField(default=0)
    valid_days = models.IntegerField(default=0)
    good_day_ratio = models.FloatField(null=True)
    heavy_days = models.IntegerField(default=0)
    composite_index = models.FloatField(null=True)
    category_days = models.JSONField(default=dict)
    rules = models.JSONField(_("标准"), default=dict, help_text=_("标准名称 → 天数"))
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    audit_exempt = True
    scope = ScopeSpec(module="quality", jurisdiction="jurisdiction")

    class Meta:
        verbose_name = _("区划月/年评价")
        verbose_name_plural = _("区划月/年评价")
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "period", "start"], name="quality_aps_unique")]


class StationLatest(ScopedModel):
    """The latest state of a station, kept as data when it changes (imports, reviews, rebuilds), so pages read one
    row per station instead of searching its whole history: last hour received, last valid day and its AQI."""

    station = models.OneToOneField(AirStation, verbose_name=_("站点"), on_delete=models.CASCADE, primary_key=True,
                                   related_name="latest")
    last_hour = models.DateTimeField(_("最近数据时段开始"), null=True, blank=True)
    last_valid_date = models.DateField(_("最近有效日"), null=True, blank=True)
    aqi = models.IntegerField("AQI", null=True, blank=True)
    level = models.SmallIntegerField(_("级别"), default=0)
    primary = models.CharField(_("首要污染物"), max_length=80, blank=True)

    audit_exempt = True  # derived from the hourly and daily data
    scope = ScopeSpec(module="quality", jurisdiction="station__jurisdiction")

    class Meta:
        verbose_name = _("站点最新状态")
        verbose_name_plural = _("站点最新状态")

    def __str__(self):
        return f"{self.station_id}: {self.last_valid_date}"
