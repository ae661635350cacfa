// Zona national view: ECharts drawn from the data attribute of #insight-national (no inline
// script: the CSP forbids it). Each chart has its numbers in the table below it. Agency and
// stage names are data: tooltips escape them. Numbers read the page's way.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var root = document.getElementById("insight-national");
  if (!root || !window.echarts) { return; }
  var data = JSON.parse(root.getAttribute("data-chart"));
  var charts = [];
  var palette = ["#6c757d", "#ffc107", "#fd7e14", "#dc3545", "#0d6efd", "#6610f2", "#6f42c1", "#20c997", "#198754", "#adb5bd", "#343a40"];
  var lang = document.documentElement.lang || "id";
  var whole = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
  var ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

  function escape(value) {
    return String(value === null || value === undefined ? "" : value).replace(/[&<>"']/g, function (c) { return ESCAPES[c]; });
  }
  function axisTooltip(params) {
    var lines = [escape(params[0].axisValueLabel !== undefined ? params[0].axisValueLabel : params[0].name)];
    params.forEach(function (p) { if (p.value) { lines.push(p.marker + escape(p.seriesName) + ": " + whole.format(p.value)); } });
    return lines.join("<br>");
  }
  function narrow() { return window.innerWidth < 576; }
  function draw(el, option) {
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(Object.assign({ color: palette, animation: false }, option));
    charts.push(chart);
  }

  root.querySelectorAll("[data-chart-kind=agencies]").forEach(function (el) {
    var names = data.agencies.names;
    el.style.height = Math.max(200, 80 + names.length * 26) + "px";
    draw(el, {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: axisTooltip },
      legend: { type: "scroll", top: 0 },
      grid: { left: 10, right: 20, top: 40, bottom: 10, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: names, axisLabel: { width: narrow() ? 90 : 200, overflow: "truncate", fontSize: 11 } },
      series: data.statuses.map(function (s, i) {
        return { type: "bar", stack: "n", name: s.label, data: data.agencies.counts.map(function (row) { return row[i]; }) };
      })
    });
  });

  root.querySelectorAll("[data-chart-kind=funnel]").forEach(function (el) {
    draw(el, {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: axisTooltip },
      grid: { left: 10, right: 50, top: 10, bottom: 10, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: data.funnel.stages, axisLabel: { width: narrow() ? 110 : 240, overflow: "break", fontSize: 10, lineHeight: 12 } },
      series: [{ type: "bar", name: "n", data: data.funnel.counts, itemStyle: { color: "#0d6efd" }, label: { show: true, position: "right", formatter: function (p) { return whole.format(p.value); } } }]
    });
  });

  root.querySelectorAll("[data-chart-kind=predicates]").forEach(function (el) {
    draw(el, {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: axisTooltip },
      legend: { top: 0 },
      grid: { left: 10, right: 10, top: 35, bottom: 10, containLabel: true },
      xAxis: { type: "category", data: data.predicates.years.map(String) },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { type: "bar", stack: "p", name: data.labels.wbk, data: data.predicates.wbk, itemStyle: { color: "#198754" } },
        { type: "bar", stack: "p", name: data.labels.wbbm, data: data.predicates.wbbm, itemStyle: { color: "#0d6efd" } },
        { type: "bar", name: data.labels.revoked, data: data.predicates.revoked, itemStyle: { color: "#dc3545" } }
      ]
    });
  });

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
});
