// Zona agency dashboard: ECharts drawn from the data attribute of #insight-agency (no inline
// script: the CSP forbids it). Every chart has its numbers in a table beside it. Unit, area
// and tier names are data typed by people: tooltips escape them.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var root = document.getElementById("insight-agency");
  if (!root || !window.echarts) { return; }
  var data = JSON.parse(root.getAttribute("data-chart"));
  var charts = [];
  var palette = ["#6c757d", "#0d6efd", "#fd7e14", "#6f42c1", "#198754", "#d63384", "#20c997"];
  var lang = document.documentElement.lang || "id";
  var decimals = new Intl.NumberFormat(lang, { minimumFractionDigits: 0, maximumFractionDigits: 2 });
  var ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

  function escape(value) {
    return String(value === null || value === undefined ? "" : value).replace(/[&<>"']/g, function (c) { return ESCAPES[c]; });
  }
  function number(value) {
    return value === null || value === undefined || value === "-" ? "–" : decimals.format(value);
  }
  function axisTooltip(params) {
    var lines = [escape(params[0].axisValueLabel !== undefined ? params[0].axisValueLabel : params[0].name)];
    params.forEach(function (p) { lines.push(p.marker + escape(p.seriesName) + ": " + number(p.value)); });
    return lines.join("<br>");
  }
  function narrow() { return window.innerWidth < 576; }
  function draw(el, option) {
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(Object.assign({ color: palette, animation: false }, option));
    charts.push(chart);
  }
  function legend(names) {
    return { type: "scroll", bottom: 0, data: names, formatter: function (n) { return n; }, tooltip: { show: false } };
  }

  root.querySelectorAll("[data-chart-kind=heatmap]").forEach(function (el) {
    var h = data.heatmap;
    if (!h.units.length || !h.areas.length) { return; }
    draw(el, {
      tooltip: {
        position: "top",
        formatter: function (p) {
          return escape(h.units[p.value[1]]) + "<br>" + escape(h.areas[p.value[0]]) + ": " + number(p.value[2]) + "%";
        }
      },
      grid: { left: 10, right: 10, top: 10, bottom: 60, containLabel: true },
      xAxis: { type: "category", data: h.areas, splitArea: { show: true }, axisLabel: { interval: 0, rotate: narrow() ? 60 : 20, fontSize: 10, width: 110, overflow: "truncate" } },
      yAxis: { type: "category", data: h.units, inverse: true, splitArea: { show: true }, axisLabel: { fontSize: 10, width: narrow() ? 90 : 180, overflow: "truncate" } },
      visualMap: { min: 0, max: 100, calculable: false, orient: "horizontal", left: "center", bottom: 0, itemHeight: 120, inRange: { color: ["#f8d7da", "#fff3cd", "#d1e7dd", "#198754"] }, formatter: function (v) { return Math.round(v) + "%"; } },
      series: [{
        type: "heatmap",
        data: h.values.map(function (v) { return [v[0], v[1], v[2] === null ? "-" : v[2]]; }),
        label: { show: !narrow(), fontSize: 9, formatter: function (p) { return p.value[2] === "-" ? "" : Math.round(p.value[2]); } }
      }]
    });
  });

  root.querySelectorAll("[data-chart-kind=histogram]").forEach(function (el) {
    var h = data.histogram;
    // Each minimum's label on its own line, so two minimums in neighbouring bands stay legible.
    var lines = h.step ? h.thresholds.map(function (t, i) {
      return {
        xAxis: Math.min(h.bins.length - 1, Math.floor(t.bound / h.step)), name: t.title,
        label: { formatter: t.title + " ≥ " + number(t.bound), fontSize: 9, position: "end", distance: [0, 3 + 12 * (i % 2)] }
      };
    }) : [];
    var series = h.series.map(function (s, i) {
      var item = { name: s.name, type: "bar", data: s.values };
      if (i === h.series.length - 1 && lines.length) {
        item.markLine = { symbol: "none", lineStyle: { type: "dashed", color: "#b02a37" }, data: lines };
      }
      return item;
    });
    draw(el, {
      tooltip: { trigger: "axis", formatter: axisTooltip },
      legend: legend(h.series.map(function (s) { return s.name; })),
      grid: { left: 10, right: 20, top: 30, bottom: 40, containLabel: true },
      xAxis: { type: "category", data: h.bins, axisLabel: { fontSize: 9, rotate: narrow() ? 45 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: series
    });
  });

  root.querySelectorAll("[data-chart-kind=gap]").forEach(function (el) {
    var g = data.gap;
    if (!g.series.length) { return; }
    draw(el, {
      tooltip: { trigger: "axis", formatter: axisTooltip },
      legend: legend(g.series.map(function (s) { return s.name; })),
      grid: { left: 10, right: 20, top: 10, bottom: 40, containLabel: true },
      xAxis: { type: "value" },
      yAxis: { type: "category", inverse: true, data: g.areas, axisLabel: { width: narrow() ? 90 : 150, overflow: "truncate", fontSize: 10 } },
      series: g.series.map(function (s) { return { name: s.name, type: "bar", data: s.values }; })
    });
  });

  root.querySelectorAll("[data-chart-kind=funnel]").forEach(function (el) {
    var f = data.funnel;
    draw(el, {
      tooltip: { trigger: "axis", formatter: axisTooltip },
      legend: legend(f.series.map(function (s) { return s.name; })),
      grid: { left: 10, right: 20, top: 10, bottom: 40, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: f.stages, axisLabel: { width: narrow() ? 110 : 190, overflow: "truncate", fontSize: 10 } },
      series: f.series.map(function (s) { return { name: s.name, type: "bar", data: s.values }; })
    });
  });

  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) { window.cancelAnimationFrame(pending); }
    pending = window.requestAnimationFrame(function () { charts.forEach(function (c) { c.resize(); }); });
  });
});
