// Render every chart whose ECharts option sits in a <script type="application/json" id="opt-…"> tag,
// and every data table whose rows sit in a json_script tag (built in the browser: long tables such as
// a year of daily AQI would make the server-side template slow).
(function () {
  function esc(v) {
    if (v === null || v === undefined || v === "") return "—";
    return String(v).replace(/[&<>"]/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]; });
  }
  function render() {
    document.querySelectorAll("[data-eb-chart]").forEach(function (el) {
      var src = document.getElementById(el.dataset.ebChart);
      if (!src || typeof echarts === "undefined") return;
      var chart = echarts.init(el);
      var option = JSON.parse(src.textContent);
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
