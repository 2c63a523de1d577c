"""The pages that draw charts in their own JavaScript (the data comes after the page, or a map is redrawn over
the district boundaries): tests/e2e/test_chart_options.py opens each in Chromium and reads the drawn charts'
options back; tests/quality/test_chart_sweep.py fails on any other page whose inline script calls echarts.init.

PAGE_BUILT: URL name → the model of the object the URL names (None: the page needs no object)."""

PAGE_BUILT = {
    "sources:board": None,              # online status pie, redrawn after each htmx refresh
    "sources:point-page": "sources.MonitoringPoint",  # a factor's series, fetched for the chosen period
    "projects:outfall-statistics": None,  # outfalls by longitude/latitude, fetched from the map API
    "complaints:hotspots": None,        # complaint hot spots over the boundaries
    "soil:map": None,                   # plots over the boundaries
    "approvals:risk-map": None,         # enterprises by environmental risk level over the boundaries
}

# Pages that use ECharts for something that is not a chart of data (no axes, no series to read).
NOT_CHARTS = {
    "complaints_public:public-complaints-form": "the citizen picks the place on a map",
}
