// Draw the dashboards' charts: every element with data-dashboard-chart="<id of a
// json_script>" holding {type: bar | stacked | line | heatmap, labels, series: [{name,
// values}], percent, rows, cells}. The table beside each chart holds the same figures
// and is the content; the chart is a picture of it (role="img" with a label).
(function () {
  "use strict";

  var COLOURS = ["#a8071a", "#1d4f91", "#6b4a00", "#1d5e2c", "#5b2a86", "#8a3b00", "#00606b", "#4d4d4d", "#7a1f5c"];
  var HIGH_CONTRAST = ["#ffff00", "#00ffff", "#ffffff", "#ff80ff", "#80ff80", "#ffb000", "#80c0ff", "#ff8080", "#c0c0c0"];

  function option(data, text, colours, highContrast) {
    var grid = highContrast ? "#666666" : "#dddddd";
    var category = {
      type: "category",
      data: data.labels,
      axisLabel: { color: text, interval: 0, rotate: data.labels.length > 6 ? 30 : 0 },
      axisLine: { lineStyle: { color: text } }
    };
    if (data.type === "heatmap") {
      return {
        aria: { enabled: false },
        animation: false,
        textStyle: { color: text, fontSize: 14 },
        grid: { left: 140, right: 16, top: 16, bottom: 96 },
        tooltip: { position: "top" },
        xAxis: category,
        yAxis: { type: "category", data: data.rows, axisLabel: { color: text } },
        visualMap: {
          min: 0, max: 100, calculable: false, orient: "horizontal", left: "center", bottom: 0,
          textStyle: { color: text },
          inRange: { color: highContrast ? ["#000080", "#ffff00"] : ["#fde0dd", "#a8071a"] }
        },
        series: [{ type: "heatmap", data: data.cells, label: { show: data.cells.length <= 120, color: text } }]
      };
    }
    var value = {
      type: "value",
      minInterval: data.percent ? 0 : 1,
      max: data.percent ? 100 : null,
      axisLabel: { color: text, formatter: data.percent ? "{value}%" : "{value}" },
      splitLine: { lineStyle: { color: grid } }
    };
    return {
      aria: { enabled: false },
      animation: false,
      color: colours,
      textStyle: { color: text, fontSize: 14 },
      legend: data.series.length > 1 ? { top: 0, type: "scroll", textStyle: { color: text } } : undefined,
      grid: { left: 48, right: 16, top: data.series.length > 1 ? 48 : 24, bottom: 96 },
      tooltip: { trigger: "axis" },
      xAxis: category,
      yAxis: value,
      series: data.series.map(function (series) {
        return {
          name: series.name,
          type: data.type === "line" ? "line" : "bar",
          stack: data.type === "stacked" ? "total" : undefined,
          connectNulls: false,
          data: series.values
        };
      })
    };
  }

  function draw() {
    if (!window.echarts) return;
    var highContrast = document.documentElement.classList.contains("contrast-high");
    var text = highContrast ? "#ffffff" : "#1b1b1b";
    var colours = highContrast ? HIGH_CONTRAST : COLOURS;
    var charts = [];
    document.querySelectorAll("[data-dashboard-chart]").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-dashboard-chart"));
      if (!source) return;
      var data = JSON.parse(source.textContent);
      if (data.type === "heatmap") {
        element.style.height = Math.max(320, 120 + 28 * data.rows.length) + "px";
      }
      var chart = window.echarts.init(element, null, { renderer: "canvas" });
      chart.setOption(option(data, text, colours, highContrast));
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  if (document.readyState !== "loading") draw();
  else document.addEventListener("DOMContentLoaded", draw);
})();
