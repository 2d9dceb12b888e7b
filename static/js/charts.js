// Draw an ECharts bar chart into every element with data-chart="<id of a json_script>".
// Each chart has a table with the same figures beside it; the chart is a picture of it.
(function () {
  "use strict";

  function draw() {
    if (!window.echarts) return;
    var highContrast = document.documentElement.classList.contains("contrast-high");
    var text = highContrast ? "#ffffff" : "#1b1b1b";
    var bar = highContrast ? "#ffff00" : "#a8071a";
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-chart"));
      if (!source) return;
      var data = JSON.parse(source.textContent);
      var chart = window.echarts.init(element, null, { renderer: "canvas" });
      chart.setOption({
        aria: { enabled: false },
        animation: false,
        textStyle: { color: text, fontSize: 14 },
        grid: { left: 48, right: 16, top: 24, bottom: 96 },
        tooltip: { trigger: "axis" },
        xAxis: {
          type: "category",
          data: data.labels,
          axisLabel: {
            color: text,
            interval: 0,
            rotate: data.labels.length > 6 || data.labels.some(function (l) { return l.length > 6; }) ? 30 : 0
          },
          axisLine: { lineStyle: { color: text } }
        },
        yAxis: {
          type: "value",
          minInterval: 1,
          axisLabel: { color: text },
          splitLine: { lineStyle: { color: highContrast ? "#666666" : "#dddddd" } }
        },
        series: [{
          type: "bar",
          data: data.values,
          itemStyle: { color: bar },
          label: { show: true, position: "top", color: text }
        }]
      });
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  if (document.readyState !== "loading") draw();
  else document.addEventListener("DOMContentLoaded", draw);
})();
