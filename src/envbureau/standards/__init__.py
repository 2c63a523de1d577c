"""envbureau.standards — Chinese environmental-quality standards, exact and vectorised.

Pure Python + numpy (no Django).  ``from envbureau.standards import air, water, noise``.
Units: µg/m³ (CO mg/m³), mg/L (water), dB(A).  NaN = missing everywhere; negative values,
wrong shapes and unknown codes raise ``ValueError`` with a clear message.

Rule sets (:mod:`.rules`, re-exported by :mod:`.air`)
-----------------------------------------------------
``air.RULES_2012`` (HJ 633-2012 / GB 3095-2012, to 2026-02-28), ``air.RULES_2026`` (HJ 633-2026 /
GB 3095-2026, from 2026-03-01; limit stages ``"transitional"`` to 2030-12-31, ``"final"`` from
2031-01-01).  Attributes: ``.code`` ("2012"/"2026"), ``.name``, ``.effective_from/.effective_to``,
``.breakpoints``, ``.daily_indicators``, ``.hourly_indicators``, ``.round_inputs``, ``.stages``,
``.stage_for(date) -> LimitStage`` (``.limit(pollutant, averaging, grade=2)``).
``air.rules_for(date) -> RuleSet``; ``air.rule_codes_for(dates[D]) -> ndarray[str] ("2012"/"2026")``;
``air.get_rules(code_or_ruleset)``.

Air — AQI (:mod:`.air`)
-----------------------
Indicator codes: so2_24h no2_24h co_24h pm10_24h pm25_24h o3_8h o3_1h so2_1h no2_1h co_1h
pm10_1h pm25_1h (short keys so2 no2 co pm10 pm25 o3 are accepted, meaning the report's own).

- ``air.iaqi(indicator, c, rules) -> int | None``; ``air.iaqi_array(indicator, c[S], rules) -> float[S]``
- ``air.aqi(conc: dict, rules=None, *, period="day"|"hour", date=None) -> AQIReport`` (scalar;
  ``.aqi``, ``.iaqi``, ``.category``, ``.primary``, ``.exceeding``, ``.as_dict()``)
- ``air.aqi_arrays(conc: dict[str, float[S]], rules, *, period, stage=None, valid_day_rule=
  "hj633_2026"|"complete"|"available") -> AQIResult`` with ``.aqi[S]``, ``.level[S]`` (int8 1..6, 0 = NA),
  ``.valid[S]``, ``.complete[S]``, ``.iaqi[S+(k,)]``, ``.primary[S+(k,)]``, ``.exceeding[S+(k,)]``,
  ``.indicators`` (order of the last axis).
- ``air.aqi_by_date(conc: dict[str, float[..., D]], dates[D], *, rules=None) -> AQIByDate`` — each day
  under its own rule set: ``.aqi``, ``.level``, ``.valid``, ``.complete`` [..., D]; ``.iaqi``, ``.primary``,
  ``.exceeding`` [..., D, 7] in the order ``.indicators`` (= ``air.DAILY_UNION``); ``.rules_code`` [D];
  ``.rules_used`` {rule-set name: days}; ``.mixed``.
- ``air.category(aqi) -> Category(level, level_name, name, name_en, colour, hex)``;
  ``air.category_level(aqi[S]) -> int8[S]``; ``air.round_concentration(c, pollutant)``.

Air — averaging with GB 3095 validity (:mod:`.averaging`)
---------------------------------------------------------
Hourly input ``[..., n_days, 24]``: hour index h covers h:00–h+1:00 local time (PRSA "hour
starting"); a natural day is indices 0..23.  Results are ``Validated(value, n_valid, valid,
reason)`` (reason codes in ``averaging.REASONS``).

- ``averaging.daily_mean(h[..., D, 24], min_hours=20) -> Validated[..., D]``
- ``averaging.mda8(o3[..., D, 24], limit=160, min_windows=14) -> Validated[..., D]`` (17 windows,
  ≥ 6 h each; valid with < 14 windows if the max exceeds ``limit``)
- ``averaging.o3_8h_windows(o3[..., D, 24]) -> (means[..., D, 17], valid[..., D, 17])``
- ``averaging.daily_max_1h(h[..., D, 24])``; ``averaging.moving_mean(series[..., T], window, min_valid)``
- ``averaging.daily_from_hourly({pollutant: h[..., D, 24]}) -> DailySeries`` (``.values`` and
  ``.validity`` keyed by indicator code: so2_24h … pm25_24h, o3_8h (MDA8), o3_1h (daily max))
- ``air.daily_aqi_from_hourly({pollutant: h[..., D, 24]}, dates[D], *, rules=None) ->
  DailyAQI(daily: DailySeries, aqi: AQIByDate)`` — a whole station-year (or many stations) in one call
  (threads per pollutant; ``daily_from_hourly(..., workers=1)`` to disable).
- ``air.hourly_aqi_from_hourly({pollutant: h[..., T]}, times[T] (datetime64[h], hour start)) -> AQIByDate``
  — real-time AQI (2012: PM 24-h and O3 8-h moving means, SO2 > 800 rule; 2026: 1-h values).

Statistics (:mod:`.stats`)
--------------------------
- ``stats.percentile(x[..., D], p) -> [...]`` (HJ 663 appendix A, NaN ignored);
  ``stats.percentile_hj663(seq, p) -> float``
- ``stats.period_validity(valid[..., D], dates[D], annual=None) -> (valid[...], n[...], reason[...])``
  (≥ 324 days/year, ≥ 27 per month, February ≥ 25)
- ``stats.period_mean(x[..., D], dates[D])``, ``stats.period_percentile(x[..., D], dates[D], p)``
  → ``Validated[...]``; ``stats.grouped(x, dates, "month"|"quarter"|"year", "mean"|"percentile", p)``

Assessment (:mod:`.assessment`)
-------------------------------
- ``assessment.assess_period(daily: dict[str, float[..., D]], dates[D], *, config=AssessmentConfig(),
  rules=None, excluded=None, aqi=None) -> PeriodAssessment`` (pass ``aqi=DailyAQI.aqi`` to reuse it;
  ``.summary(index)`` gives plain rounded values for one row) — station(s) or city/cities: annual means, percentiles,
  compliance vs Grade II, category days, good-day ratio, heavy days, composite index, rules used
  per day (a period spanning 2026-03-01 is assessed day by day and says so).
- ``assessment.city_daily(station_daily: dict[str, float[S, D]], city_of_station[S], n_cities,
  *, hourly_o3=None, config) -> dict[str, float[C, D]]`` (HJ 663: mean of valid stations).
- ``assessment.composite_index(conc: dict, si=None, weights=None)``, ``assessment.change_rate(now, base)``,
  ``assessment.year_on_year(cur, prev, ...)``.

pandas / polars (:mod:`.frames`)
--------------------------------
``frames.daily_aqi_frame(long_hourly_df, station="station", time="time")`` → one row per station-day;
``frames.aqi_frame(df_with_date_and_pollutant_columns)`` → rows with AQI, category, primary pollutants.

Water, noise, CLI
-----------------
:mod:`.water` (GB 3838 classes, CWQI, TLI), :mod:`.noise` (GB 3096), :mod:`.cli` (``calc aqi|water``).
Rounding for presentation: :mod:`.rounding` (``round_half_even``, ``format_fixed``, ``format_percent``).
"""
