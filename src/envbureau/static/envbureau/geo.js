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
  // The tiles of the view, drawn as one group by a custom series on the geo coordinate system. Everything is worked out
  // through api.coord, the very mapping the boundaries are drawn with (ECharts' convertFromPixel does not undo a
  // custom projection consistently), so the group follows the map when it is dragged or zoomed.
  function tileSeries(t) {
    var maxZoom = Math.max(0, Math.min(t.max_zoom === undefined ? 18 : t.max_zoom, 22));
    return {id: "eb-tiles", type: "custom", coordinateSystem: "geo", geoIndex: 0, silent: true, z: 1, data: [0],
            renderItem: function (params, api) {
              var A = [100, 20], B = [130, 50];
              var pa = api.coord(A), pb = api.coord(B), ma = mercator.project(A), mb = mercator.project(B);
              var sx = (pb[0] - pa[0]) / (mb[0] - ma[0]), sy = (pb[1] - pa[1]) / (mb[1] - ma[1]);
              if (!isFinite(sx) || !isFinite(sy) || sx <= 0) return null;
              // pixels ↔ Web Mercator (x = λ in radians, y = -ln tan(π/4 + φ/2)); a world is 2π wide
              function toPx(X, Y) { return [pa[0] + (X - ma[0]) * sx, pa[1] + (Y - ma[1]) * sy]; }
              function toM(px, py) { return [ma[0] + (px - pa[0]) / sx, ma[1] + (py - pa[1]) / sy]; }
              var z = Math.max(0, Math.min(maxZoom, Math.round(Math.log(sx * 2 * Math.PI / 256) / Math.LN2)));
              var n = Math.pow(2, z), size = 2 * Math.PI / n;  // a tile's side in Mercator units
              var c0 = toM(0, 0), c1 = toM(api.getWidth(), api.getHeight());
              var x0 = Math.max(0, Math.floor((c0[0] + Math.PI) / size)), x1 = Math.min(n - 1, Math.floor((c1[0] + Math.PI) / size));
              var y0 = Math.max(0, Math.floor((c0[1] + Math.PI) / size)), y1 = Math.min(n - 1, Math.floor((c1[1] + Math.PI) / size));
              var children = [];
              for (var x = x0; x <= x1 && children.length < 100; x++) {
                for (var y = y0; y <= y1 && children.length < 100; y++) {
                  var p0 = toPx(x * size - Math.PI, y * size - Math.PI), p1 = toPx((x + 1) * size - Math.PI, (y + 1) * size - Math.PI);
                  children.push({type: "image", silent: true, style: {
                    image: t.url.replace("{z}", z).replace("{x}", x).replace("{y}", y),
                    x: p0[0], y: p0[1], width: p1[0] - p0[0], height: p1[1] - p0[1]}});
                }
              }
              return {type: "group", children: children};
            }};
  }
  // Put the configured tiles under a geo option (before chart.setOption).
  function withTiles(option) {
    var t = tileConfig();
    if (!t || !option.geo) return option;
    var geo = Object.assign({}, option.geo, {projection: mercator, z: 3});
    // under a projection ECharts takes the view's centre in projected units
    if (geo.center) geo.center = mercator.project(geo.center);
    geo.itemStyle = Object.assign({}, geo.itemStyle || {}, {areaColor: "rgba(243,246,249,0.15)"});
    var o = Object.assign({}, option, {geo: geo});
    o.series = [tileSeries(t)].concat((option.series || []).map(function (s) { return Object.assign({z: 4}, s); }));
    if (t.attribution) {
      o.graphic = [].concat(option.graphic || [], [{type: "text", right: 4, bottom: 2, z: 10, silent: true,
        style: {text: t.attribution, fill: "#555", font: "10px sans-serif", backgroundColor: "rgba(255,255,255,0.7)"}}]);
    }
    return o;
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
      return true;
    });
  }
  return {load: load, apply: apply, withTiles: withTiles, tileConfig: tileConfig};
})();
