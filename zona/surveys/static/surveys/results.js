// Zona survey results: ECharts drawn from the data attribute of #survey-results (no inline
// script: the CSP forbids it). Every chart has the same numbers in a table below it.
// Instrument and service texts are data typed by people: every tooltip escapes them (ECharts
// renders tooltip HTML). Numbers read the page's way: 3,47 in Indonesian, two decimals.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var root = document.getElementById("survey-results");
  if (!root || !window.echarts) { return; }
  var data = JSON.parse(root.getAttribute("data-chart"));
  var charts = [];
  var palette = ["#0d6efd", "#198754", "#d63384", "#fd7e14", "#6f42c1", "#20c997"];
  var lang = document.documentElement.lang || "id";
  var decimals = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var whole = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  var ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

  function escape(value) {
    return String(value === null || value === undefined ? "" : value).replace(/[&<>"']/g, function (c) { return ESCAPES[c]; });
  }
  function number(value) {
    return value === null || value === undefined || value === "-" ? "–" : decimals.format(value);
  }
  function axisLabel(value) { return whole.format(value); }

  // "Category" then one line per series, every text escaped, every number localised.
  function axisTooltip(params) {
    var lines = [escape(params[0].axisValueLabel !== undefined ? params[0].axisValueLabel : params[0].name)];
    params.forEach(function (p) {
      lines.push(p.marker + escape(p.seriesName) + ": " + number(p.value));
    });
    return lines.join("<br>");
  }

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
          return escape(spec.codes[i]) + ": " + escape(spec.texts[i]) + "<br>" + escape(data.labels.mean) + ": " + number(params[0].value);
        }
      },
      grid: { left: 40, right: 10, top: 20, bottom: 30 },
      xAxis: { type: "category", data: spec.codes },
      yAxis: { type: "value", min: spec.min, max: spec.max, interval: 1, axisLabel: { formatter: axisLabel } },
      series: [{ type: "bar", data: spec.means, label: { show: true, position: "top", formatter: function (p) { return number(p.value); } } }]
    });
  });

  root.querySelectorAll("[data-chart-kind=services]").forEach(function (el) {
    var hasIkm = data.services.series.some(function (s) { return s.ikm; });
    var axes = [{ type: "value", name: data.labels.index, min: 0, max: 4, axisLabel: { formatter: axisLabel } }];
    if (hasIkm) { axes.push({ type: "value", name: data.labels.ikm, min: 25, max: 100, axisLabel: { formatter: axisLabel } }); }
    draw(el, {
      tooltip: { trigger: "axis", formatter: axisTooltip },
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
    var axes = [{ type: "value", name: data.labels.index, min: 0, max: 4, axisLabel: { formatter: axisLabel } }];
    if (hasIkm) { axes.push({ type: "value", name: data.labels.ikm, min: 25, max: 100, axisLabel: { formatter: axisLabel } }); }
    draw(el, {
      tooltip: { trigger: "axis", formatter: axisTooltip },
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
