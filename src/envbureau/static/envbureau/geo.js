// Maps over the district boundaries the platform itself serves (/api/v1/public/boundaries/) and, only when the
// bureau configured one (settings ENVBUREAU["MAP_TILES"], written into the page as #eb-map-tiles), under them the
// tiles of its own intranet tile server. By default nothing is fetched from anywhere but the platform.
// Without boundaries a chart keeps its longitude/latitude axes.
window.ebGeo = (function () {
  var cache = {};
  function load(parent) {
    var key = parent || "";
    if (!cache[key]) {
      cache[key] = fetch("/api/v1/public/boundaries/" + (parent ? "?parent=" + encodeURIComponent(parent) : ""),
                         {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : null; }).catch(function () { return null; });
    }
    return cache[key];
  }
  // {url: "http://tiles.bureau.local/{z}/{x}/{y}.png", attribution: "…", max_zoom: 18} or null (not configured)
  function tileConfig() {
    var el = document.getElementById("eb-map-tiles");
    if (!el) return null;
    try { var t = JSON.parse(el.textContent); return t && t.url ? t : null; } catch (e) { return null; }
  }
  var R = Math.PI / 180;
  // Web Mercator, so that the square tiles of a tile server fall exactly under the boundaries
  var mercator = {
    project: function (p) { return [p[0] * R, -Math.log(Math.tan(Math.PI / 4 + p[1] * R / 2))]; },
    unproject: function (p) { return [p[0] / R, (2 * Math.atan(Math.exp(-p[1])) - Math.PI / 2) / R]; }
  };
  function tileLon(x, z) { return x / Math.pow(2, z) * 360 - 180; }
  function tileLat(y, z) { var n = Math.PI - 2 * Math.PI * y / Math.pow(2, z); return Math.atan(Math.sinh(n)) / R; }
  function tileX(lon, z) { return Math.floor((lon + 180) / 360 * Math.pow(2, z)); }
  function tileY(lat, z) {
    var r = lat * R;
    return Math.floor((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2 * Math.pow(2, z));
  }
  // The tiles covering the chart's view at the zoom level nearest its scale (at most 100 tiles).
  function visibleTiles(chart, t) {
    var w = chart.getWidth(), h = chart.getHeight();
    var a = chart.convertFromPixel({geoIndex: 0}, [0, 0]), b = chart.convertFromPixel({geoIndex: 0}, [w, h]);
    if (!a || !b || !isFinite(a[0]) || !isFinite(b[0])) return [];
    var degPerPx = Math.abs(b[0] - a[0]) / Math.max(w, 1);
    var maxZoom = Math.max(0, Math.min(t.max_zoom || 18, 22));
    var z = Math.max(0, Math.min(maxZoom, Math.round(Math.log(360 / (256 * degPerPx)) / Math.LN2)));
    var lat0 = Math.max(Math.min(a[1], 85), -85), lat1 = Math.max(Math.min(b[1], 85), -85);
    var n = Math.pow(2, z), x0 = Math.max(tileX(a[0], z), 0), x1 = Math.min(tileX(b[0], z), n - 1);
    var y0 = Math.max(tileY(lat0, z), 0), y1 = Math.min(tileY(lat1, z), n - 1), out = [];
    for (var x = x0; x <= x1; x++) for (var y = y0; y <= y1; y++) if (out.length < 100) out.push([x, y, z]);
    return out;
  }
  function tileSeries(t, data) {
    return {id: "eb-tiles", type: "custom", coordinateSystem: "geo", geoIndex: 0, silent: true, z: 1, data: data,
            renderItem: function (params, api) {
              var x = api.value(0), y = api.value(1), z = api.value(2);
              var p0 = api.coord([tileLon(x, z), tileLat(y, z)]), p1 = api.coord([tileLon(x + 1, z), tileLat(y + 1, z)]);
              return {type: "image", silent: true, style: {
                image: t.url.replace("{z}", z).replace("{x}", x).replace("{y}", y),
                x: p0[0], y: p0[1], width: p1[0] - p0[0], height: p1[1] - p0[1]}};
            }};
  }
  // Put the configured tiles under a geo option (before chart.setOption); call follow(chart) after it.
  function withTiles(option) {
    var t = tileConfig();
    if (!t || !option.geo) return option;
    var geo = Object.assign({}, option.geo, {projection: mercator, z: 3});
    geo.itemStyle = Object.assign({}, geo.itemStyle || {}, {areaColor: "rgba(243,246,249,0.15)"});
    var o = Object.assign({}, option, {geo: geo});
    o.series = [tileSeries(t, [])].concat((option.series || []).map(function (s) { return Object.assign({z: 4}, s); }));
    if (t.attribution) {
      o.graphic = [].concat(option.graphic || [], [{type: "text", right: 4, bottom: 2, z: 10, silent: true,
        style: {text: t.attribution, fill: "#555", font: "10px sans-serif", backgroundColor: "rgba(255,255,255,0.7)"}}]);
    }
    return o;
  }
  function follow(chart) {
    var t = tileConfig();
    if (!t || !chart.getModel || !chart.getModel().getComponent("geo")) return;
    var timer = null;
    function refresh() { chart.setOption({series: [{id: "eb-tiles", data: visibleTiles(chart, t)}]}); }
    refresh();
    chart.on("georoam", function () { clearTimeout(timer); timer = setTimeout(refresh, 120); });
    window.addEventListener("resize", function () { clearTimeout(timer); timer = setTimeout(refresh, 200); });
  }
  // Turn a scatter-on-axes option into the same points over the boundaries; resolves to true when drawn so.
  function apply(chart, option, parent, geoExtra) {
    return load(parent).then(function (gj) {
      if (!gj || !gj.features || !gj.features.length || typeof echarts === "undefined") {
        chart.setOption(option);
        return false;
      }
      var name = "eb-" + (parent || "city");
      if (!echarts.getMap(name)) echarts.registerMap(name, gj);
      var o = Object.assign({}, option);
      delete o.xAxis; delete o.yAxis; delete o.dataZoom; delete o.grid;
      o.geo = Object.assign({map: name, roam: true, top: 30, bottom: 10,
                             label: {show: true, fontSize: 10, color: "#6c757d"},
                             itemStyle: {areaColor: "#f3f6f9", borderColor: "#8a99a8"},
                             emphasis: {itemStyle: {areaColor: "#e2ebf3"}, label: {show: true}}}, geoExtra || {});
      o.series = (o.series || []).map(function (s) {
        return Object.assign({}, s, {coordinateSystem: "geo", labelLayout: {hideOverlap: true}});
      });
      chart.setOption(withTiles(o));
      follow(chart);
      return true;
    });
  }
  return {load: load, apply: apply, withTiles: withTiles, follow: follow, tileConfig: tileConfig};
})();
