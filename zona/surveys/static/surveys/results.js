// Zona survey results: ECharts drawn from the data attribute of #survey-results (no inline
// script: the CSP forbids it). Every chart has the same numbers in a table below it.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var root = document.getElementById("survey-results");
  if (!root || !window.echarts) { return; }
  var data = JSON.parse(root.getAttribute("data-chart"));
  var charts = [];
  var palette = ["#0d6efd", "#198754", "#d63384", "#fd7e14", "#6f42c1", "#20c997"];

  function draw(el, option) {
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(Object.assign({ color: palette, animation: false }, option));
    charts.push(chart);
  }

  root.querySelectorAll("[data-chart-kind=items]").forEach(function (el) {
    var spec = data.items[parseInt(el.getAttribute("data-chart-index"), 10)];
    draw(el, {
      tooltip: {
        trigger: "axis",
        formatter: function (params) {
          var i = params[0].dataIndex;
          return spec.codes[i] + ": " + spec.texts[i] + "<br>" + data.labels.mean + ": " + (params[0].value === null ? "–" : params[0].value);
        }
      },
      grid: { left: 40, right: 10, top: 20, bottom: 30 },
      xAxis: { type: "category", data: spec.codes },
      yAxis: { type: "value", min: spec.min, max: spec.max, interval: 1 },
      series: [{ type: "bar", data: spec.means, label: { show: true, position: "top" } }]
    });
  });

  root.querySelectorAll("[data-chart-kind=services]").forEach(function (el) {
    var hasIkm = data.services.series.some(function (s) { return s.ikm; });
    var axes = [{ type: "value", name: data.labels.index, min: 0, max: 4 }];
    if (hasIkm) { axes.push({ type: "value", name: data.labels.ikm, min: 25, max: 100 }); }
    draw(el, {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 45, right: hasIkm ? 45 : 10, top: 40, bottom: 30, containLabel: true },
      xAxis: { type: "category", data: data.services.names, axisLabel: { interval: 0, width: 140, overflow: "break" } },
      yAxis: axes,
      series: data.services.series.map(function (s) {
        return { name: s.name, type: "bar", yAxisIndex: s.ikm && hasIkm ? 1 : 0, data: s.values };
      })
    });
  });

  root.querySelectorAll("[data-chart-kind=trend]").forEach(function (el) {
    var hasIkm = data.trend.series.some(function (s) { return s.ikm; });
    var axes = [{ type: "value", name: data.labels.index, min: 0, max: 4 }];
    if (hasIkm) { axes.push({ type: "value", name: data.labels.ikm, min: 25, max: 100 }); }
    draw(el, {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 45, right: hasIkm ? 45 : 10, top: 40, bottom: 30, containLabel: true },
      xAxis: { type: "category", data: data.trend.labels },
      yAxis: axes,
      series: data.trend.series.map(function (s) {
        return { name: s.name, type: "line", connectNulls: true, yAxisIndex: s.ikm && hasIkm ? 1 : 0, data: s.values, symbolSize: 8 };
      })
    });
  });

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
});
