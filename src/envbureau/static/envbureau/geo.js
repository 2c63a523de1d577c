// Maps over the district boundaries the platform itself serves (/api/v1/public/boundaries/): no tile server
// and nothing from the internet. Without boundaries a chart keeps its longitude/latitude axes.
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
      chart.setOption(o);
      return true;
    });
  }
  return {load: load, apply: apply};
})();
