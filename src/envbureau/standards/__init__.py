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
  "in_force"|"hj633_2026"|"complete"|"available") -> AQIResult`` with ``.aqi[S]``, ``.level[S]`` (int8 1..6, 0 = NA),
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

Soil (:mod:`.soil`)
-------------------
GB 36600-2018 construction land (85 items, first/second class land, screening and intervention values,
footnote a background check) and GB 15618-2018 farmland (pH bins, paddy/orchard/other, 优先保护/安全利用/
严格管控), values read from CSV data beside the module: ``soil.assess_construction(item, value, land_class)``,
``soil.assess_farmland(item, value, ph, land)``, ``soil.farmland_safe_use_rate(b, c, d, e)``.

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
  rules=None, excluded=None, aqi=None) -> PeriodAssessment`` for station(s) or city/cities.
  ``daily`` keys: so2_24h no2_24h pm10_24h pm25_24h co_24h o3_8h (+ o3_1h for 2012 days).
  Pass ``aqi=DailyAQI.aqi`` to reuse the AQI already computed; ``excluded`` (bool [..., D]) removes
  exceptional-event days from concentration statistics only.  Fields ([...] = leading shape):
  ``valid_days, good_days, good_ratio, heavy_days [...]``, ``days_by_level [..., 7]`` (index = level,
  0 = no valid AQI), ``primary_days/exceeding_days {indicator: [...]}``,
  ``statistics {(pollutant, "mean"|"p98"|"p95"|"p90"): Validated[...]}``, ``reported`` (GB/T 8170
  rounded), ``limits``, ``compliant``, ``exceedance_multiple``, ``pollutant_compliant {pollutant: [...]}``,
  ``all_compliant`` (summary: True/False/None = unknown), ``single_index``, ``composite``, ``composite_valid``, ``rules_used``,
  ``mixed_rules``, ``limits_stage``, ``notes``; ``.summary(index)`` → plain rounded values of one row.
- ``AssessmentConfig(valid_day_rule="in_force", composite_si=2018 S_i, composite_weights=None,
  composite_use_reported=True, city_mda8="mean_of_station_mda8"|"max_of_city_8h", city_min_stations=1,
  limits="period_end"|"period_start"|stage name, heavy_level=5, change_from_reported=True)``.
- ``assessment.city_daily(station_daily: dict[str, float[S, D]], city_of_station: int[S], n_cities,
  *, hourly_o3: float[S, D, 24] | None = None, config) -> CityDaily(values: {code: float[C, D]},
  n_stations: {code: int[C, D]})`` (HJ 663: mean of the valid station values).
- ``assessment.composite_index(conc: dict, si=None, weights=None) -> (total, singles)``,
  ``assessment.change_rate(now, base)``, ``assessment.rank(values, ascending=True, decimals=2)``,
  ``assessment.year_on_year(cur: PeriodAssessment, prev: PeriodAssessment, index) -> dict`` (states
  the rules of each side), ``assessment.assess_year_on_year(cur_daily, cur_dates, prev_daily,
  prev_dates, recompute_previous_under_current=False) -> {"as_published", "same_rules"?}``.

pandas / polars (:mod:`.frames`)
--------------------------------
``frames.daily_aqi_frame(long_hourly_df, station="station", time="time")`` → one row per station-day;
``frames.aqi_frame(df_with_date_and_pollutant_columns)`` → rows with AQI, category, primary pollutants.

Water, noise, CLI
-----------------
- ``water.classify(sample: {item: value or "0.01L"}, waterbody="river"|"lake", *, target=None) ->
  WaterResult`` (``.water_class`` 1..6, ``.class_name``, ``.grade``, ``.deciding_items``, ``.item_classes``,
  ``.exceedance_iii``, ``.target_exceedance``, ``.compliant``, ``.main_pollutants``, ``.as_dict()``);
  ``water.classify_arrays({item: float[N]}, waterbody or is_lake[N]) -> (class int8[N], {item: int8[N]})``;
  ``water.item_class(item, value, waterbody)``; ``water.period_mean(x[..., n], item)`` (pH via [H⁺]);
  ``water.section_means(samples)``; ``water.assess_sections(section_means, waterbody) -> SetAssessment``;
  ``water.set_grade(n, n_i_iii, n_worse_v)``; ``water.cwqi_items/cwqi_section/cwqi_city``; ``water.tli``.
- ``noise.limit(zone, "day"|"night")``, ``noise.compliance(leq, zone, period)``,
  ``noise.energy_average(levels)``, ``noise.day_night(hourly_leq[..., D, 24])``.
- :mod:`.cli`: ``main(argv) -> int`` implementing ``calc aqi|water`` (see ``--help``).
- Rounding for presentation: :mod:`.rounding` (``round_half_even``, ``format_fixed``, ``format_percent``).
"""
