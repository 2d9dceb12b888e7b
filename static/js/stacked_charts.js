// Draw an ECharts stacked bar chart into every element with
// data-stacked-chart="<id of a json_script>" holding {labels, series: [{name, values}]}.
// Each chart has a table with the same figures beside it; the chart is a picture of it.
(function () {
  "use strict";

  var COLOURS = ["#a8071a", "#1d4f91", "#6b4a00", "#1d5e2c", "#5b2a86"];
  var HIGH_CONTRAST = ["#ffff00", "#00ffff", "#ffffff", "#ff80ff", "#80ff80"];

  function draw() {
    if (!window.echarts) return;
    var highContrast = document.documentElement.classList.contains("contrast-high");
    var text = highContrast ? "#ffffff" : "#1b1b1b";
    var colours = highContrast ? HIGH_CONTRAST : COLOURS;
    var charts = [];
    document.querySelectorAll("[data-stacked-chart]").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-stacked-chart"));
      if (!source) return;
      var data = JSON.parse(source.textContent);
      var chart = window.echarts.init(element, null, { renderer: "canvas" });
      chart.setOption({
        aria: { enabled: false },
        animation: false,
        color: colours,
        textStyle: { color: text, fontSize: 14 },
        legend: { top: 0, textStyle: { color: text } },
        grid: { left: 48, right: 16, top: 48, bottom: 72 },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        xAxis: {
          type: "category",
          data: data.labels,
          axisLabel: { color: text, interval: 0, rotate: 20 },
          axisLine: { lineStyle: { color: text } }
        },
        yAxis: {
          type: "value",
          minInterval: 1,
          axisLabel: { color: text },
          splitLine: { lineStyle: { color: highContrast ? "#666666" : "#dddddd" } }
        },
        series: data.series.map(function (series) {
          return { name: series.name, type: "bar", stack: "total", data: series.values };
        })
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
