// Draws the dashboard's charts from the JSON the server put in #dashboard-data, with the ECharts
// build shipped in the binary. Every number is also in the table under each chart; this only
// draws them. Money arrives in fen and percentages in per-mille: they are converted for display.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var palette = ["#c0392b", "#2563eb", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#65a30d", "#475569"];
  var levelColours = { "红色预警": "#dc2626", "橙色预警": "#f97316", "黄色预警": "#eab308" };

  function scale(unit, v) {
    // Negative counts are suppressed small cells ("<5", "—"): not drawn, named in the tooltip.
    if (unit === "count" && v < 0) { return null; }
    if (unit === "fen") { return v / 100; }
    if (unit === "permille") { return v / 10; }
    return v;
  }
  function suffix(unit) {
    if (unit === "fen") { return " 元"; }
    if (unit === "permille") { return "%"; }
    return "";
  }

  var charts = [];
  data.charts.forEach(function (c) {
    var box = document.querySelector('[data-chart="' + c.id + '"]');
    if (!box) { return; }
    var monthly = c.x_label === "月份";
    var axes = [{ type: "value" }];
    c.series.forEach(function (s) {
      if (s.axis === 1 && axes.length === 1) {
        axes.push({ type: "value", axisLabel: { formatter: "{value}" + suffix(s.unit) }, splitLine: { show: false } });
      }
    });
    var units = {};
    c.series.forEach(function (s) { units[s.name] = s.unit; });
    var category = { type: "category", data: c.x, axisLabel: { hideOverlap: true } };
    var option = {
      animation: false,
      color: palette,
      legend: { type: "scroll", top: 0 },
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      tooltip: {
        trigger: "axis",
        renderMode: "richText",
        valueFormatter: undefined
      },
      series: c.series.map(function (s) {
        var item = {
          name: s.name,
          type: s.kind,
          data: s.values.map(function (v) { return scale(s.unit, v); }),
          stack: s.stack || undefined
        };
        if (levelColours[s.name]) { item.itemStyle = { color: levelColours[s.name] }; }
        if (monthly) { item.yAxisIndex = s.axis; } else { item.xAxisIndex = 0; }
        return item;
      })
    };
    option.tooltip.formatter = function (params) {
      var lines = [params[0].axisValueLabel];
      params.forEach(function (p) {
        var shown = (p.value === null || p.value === undefined) ? "<5（不公开）" : p.value + suffix(units[p.seriesName]);
        lines.push(p.seriesName + "：" + shown);
      });
      return lines.join("\n");
    };
    if (monthly) {
      option.xAxis = category;
      option.yAxis = axes;
    } else {
      // Categories with long names (occupations, programs) read better as horizontal bars.
      category.inverse = true;
      category.axisLabel = { width: 150, overflow: "truncate" };
      option.yAxis = category;
      option.xAxis = { type: "value" };
    }
    var chart = window.echarts.init(box, null, { renderer: "canvas", devicePixelRatio: Math.max(2, window.devicePixelRatio || 1) });
    chart.setOption(option);
    box.setAttribute("data-rendered", String(c.series.reduce(function (n, s) { return n + s.values.length; }, 0)));
    charts.push(chart);
  });

  function resize() { charts.forEach(function (ch) { ch.resize(); }); }
  window.addEventListener("resize", resize);
  window.addEventListener("beforeprint", resize);
  window.addEventListener("afterprint", resize);
  var print = document.getElementById("print");
  if (print) { print.addEventListener("click", function () { window.print(); }); }
})();
