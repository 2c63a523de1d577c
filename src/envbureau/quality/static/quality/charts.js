// Render every chart whose ECharts option sits in a <script type="application/json" id="opt-…"> tag.
(function () {
  function render() {
    document.querySelectorAll("[data-eb-chart]").forEach(function (el) {
      var src = document.getElementById(el.dataset.ebChart);
      if (!src || typeof echarts === "undefined") return;
      var chart = echarts.init(el);
      chart.setOption(JSON.parse(src.textContent));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", render); else render();
})();
