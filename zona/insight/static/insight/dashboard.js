// Zona unit dashboard: ECharts drawn from the data attribute of #insight-dashboard (no inline
// script: the CSP forbids it). Every chart has its numbers in a table beside it. Area and
// layer names are data typed by people: tooltips escape them. Numbers read the page's way.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var root = document.getElementById("insight-dashboard");
  if (!root || !window.echarts) { return; }
  var data = JSON.parse(root.getAttribute("data-chart"));
  var charts = [];
  var palette = ["#6c757d", "#0d6efd", "#fd7e14", "#6f42c1", "#198754", "#d63384"];
  var lang = document.documentElement.lang || "id";
  var decimals = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
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
  function draw(el, option) {
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(Object.assign({ color: palette, animation: false }, option));
    charts.push(chart);
  }
  function narrow() { return window.innerWidth < 576; }
  // Break a label into lines of about `size` characters at spaces (a radar's axis names are
  // drawn outside the shape and would be cut at the chart's edge).
  function wrap(text, size) {
    var lines = [], line = "";
    String(text).split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > size) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) { lines.push(line); }
    return lines.join("\n");
  }

  root.querySelectorAll("[data-chart-kind=gauge]").forEach(function (el) {
    var t = data.thresholds[parseInt(el.getAttribute("data-chart-index"), 10)];
    var ratio = data.max ? t.bound / data.max : 1;
    var passed = data.total !== null && data.total >= t.bound;
    draw(el, {
      series: [{
        type: "gauge", min: 0, max: data.max, radius: "90%",
        axisLine: { lineStyle: { width: 12, color: [[ratio, "#f1aeb5"], [1, "#a3cfbb"]] } },
        pointer: { width: 4 }, splitNumber: 4,
        // The ends are left unlabelled: the figure sits between them.
        axisLabel: { distance: 14, fontSize: 10, formatter: function (v) { return v === 0 || v === data.max ? "" : Math.round(v); } },
        title: { offsetCenter: [0, "85%"], fontSize: 12 },
        detail: { offsetCenter: [0, "55%"], fontSize: 16, color: passed ? "#198754" : "#b02a37", formatter: function (v) { return number(v); } },
        data: [{ value: data.total, name: t.title + " ≥ " + number(t.bound) }]
      }]
    });
  });

  root.querySelectorAll("[data-chart-kind=radar]").forEach(function (el) {
    if (!data.radar.areas.length) { return; }
    if (data.radar.areas.length < 3) {
      // A radar needs three axes to be a shape: fewer areas are drawn as bars.
      draw(el, {
        tooltip: { trigger: "axis", formatter: function (params) { return escape(params[0].name) + ": " + number(params[0].value) + "%"; } },
        grid: { left: 10, right: 55, top: 10, bottom: 10, containLabel: true },
        xAxis: { type: "value", min: 0, max: 100 },
        yAxis: { type: "category", inverse: true, data: data.radar.areas, axisLabel: { width: narrow() ? 90 : 160, overflow: "break", fontSize: 10, lineHeight: 12 } },
        series: [{ type: "bar", data: data.radar.values, itemStyle: { color: "#0d6efd" }, label: { show: true, position: "right", formatter: function (p) { return number(p.value) + "%"; } } }]
      });
      return;
    }
    draw(el, {
      tooltip: { trigger: "item", formatter: function (p) {
        return p.value.map(function (v, i) { return escape(data.radar.areas[i]) + ": " + number(v) + "%"; }).join("<br>");
      } },
      radar: {
        radius: narrow() ? "45%" : "55%",
        indicator: data.radar.areas.map(function (name) { return { name: name, max: 100 }; }),
        axisName: { fontSize: 10, lineHeight: 12, color: "#495057", formatter: function (name) { return wrap(name, narrow() ? 12 : 18); } }
      },
      series: [{ type: "radar", areaStyle: { opacity: 0.2 }, data: [{ value: data.radar.values, name: "%" }] }]
    });
  });

  root.querySelectorAll("[data-chart-kind=layers]").forEach(function (el) {
    draw(el, {
      tooltip: { trigger: "axis", formatter: axisTooltip },
      legend: { top: 0 },
      grid: { left: 10, right: 10, top: 40, bottom: 10, containLabel: true },
      xAxis: { type: "category", data: data.layers.areas, axisLabel: { interval: 0, width: narrow() ? 50 : 110, overflow: "truncate", fontSize: 10 } },
      yAxis: { type: "value" },
      series: data.layers.series.map(function (s) { return { name: s.name, type: "bar", data: s.values }; })
    });
  });

  root.querySelectorAll("[data-chart-kind=survey]").forEach(function (el) {
    // An IKM is on 25-100, IPAK and IPKP on 0-4: the larger scale gets its own axis.
    var wide = data.survey.series.map(function (s) { return s.values.some(function (v) { return v !== null && v > 4; }); });
    var both = wide.some(Boolean) && !wide.every(Boolean);
    var axes = [{ type: "value", min: 0, max: wide.every(Boolean) ? 100 : 4 }];
    if (both) { axes.push({ type: "value", min: 25, max: 100 }); }
    draw(el, {
      tooltip: { trigger: "axis", formatter: axisTooltip },
      legend: { top: 0 },
      grid: { left: 10, right: 10, top: 40, bottom: 10, containLabel: true },
      xAxis: { type: "category", data: data.survey.labels },
      yAxis: axes,
      series: data.survey.series.map(function (s, i) {
        return { name: s.name, type: "line", connectNulls: true, yAxisIndex: both && wide[i] ? 1 : 0, data: s.values, symbolSize: 8 };
      })
    });
  });

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
});
