// Render every chart whose ECharts option sits in a <script type="application/json" id="opt-…"> tag,
// and every data table whose rows sit in a json_script tag (built in the browser: long tables such as
// a year of daily AQI would make the server-side template slow).
(function () {
  function esc(v) {
    if (v === null || v === undefined || v === "") return "—";
    return String(v).replace(/[&<>"]/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]; });
  }
  // A chart with nothing to draw: no option, no series, or only empty/null data in every series.
  function isEmpty(option) {
    if (!option || typeof option !== "object" || !option.series) return !option || typeof option !== "object";
    var series = Array.isArray(option.series) ? option.series : [option.series];
    return !series.some(function (s) {
      return (s.data || []).some(function (d) {
        var v = d && typeof d === "object" && !Array.isArray(d) ? d.value : d;
        if (Array.isArray(v)) v = v[v.length - 1];
        return v !== null && v !== undefined && v !== "" && v !== "-";
      });
    });
  }
  function render() {
    document.querySelectorAll("[data-eb-chart]").forEach(function (el) {
      var src = document.getElementById(el.dataset.ebChart);
      if (!src || typeof echarts === "undefined") return;
      var option = JSON.parse(src.textContent);
      if (isEmpty(option)) {  // say so (and why, when the page knows) instead of drawing an empty box
        el.classList.add("d-flex", "align-items-center", "justify-content-center", "text-muted", "border", "rounded");
        el.textContent = el.dataset.ebEmpty || "—";
        return;
      }
      var chart = echarts.init(el);
      if (option.eb_boundaries !== undefined && window.ebGeo) {  // points over the district boundaries
        var parent = option.eb_boundaries;
        delete option.eb_boundaries;
        window.ebGeo.apply(chart, option, parent);
      } else {
        delete option.eb_boundaries;
        chart.setOption(option);
      }
      window.addEventListener("resize", function () { chart.resize(); });
    });
    document.querySelectorAll("[data-eb-table]").forEach(function (el) {
      var src = document.getElementById(el.dataset.ebTable);
      if (!src) return;
      var t = JSON.parse(src.textContent);
      var html = '<table class="table table-sm table-bordered small"><thead><tr>' +
        t.header.map(function (h) { return "<th>" + esc(h) + "</th>"; }).join("") + "</tr></thead><tbody>" +
        t.rows.map(function (r) { return "<tr>" + r.map(function (v) { return "<td>" + esc(v) + "</td>"; }).join("") + "</tr>"; }).join("") +
        "</tbody></table>";
      el.innerHTML = html;
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", render); else render();
})();
