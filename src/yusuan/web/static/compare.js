/* Compare page: reads the JSON block written by the server and draws the charts with ECharts
   (shipped in static/vendor, no network). Bars run horizontally, one line per document, so 20+
   documents stay readable; long names are cut on the axis and shown in full with the exact
   amounts (the server's decimal strings, not floats) in the tooltip. */
(function () {
  "use strict";
  var block = document.getElementById("compare-data");
  if (!block || !window.echarts) return;
  var data = JSON.parse(block.textContent);
  // 20 colours that stay apart (Tableau 20 order: strong then light of each hue)
  var PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac", "#1f77b4", "#aec7e8", "#ff7f0e", "#ffbb78", "#2ca02c", "#98df8a", "#d62728",
    "#ff9896", "#9467bd", "#c5b0d5"];
  var SEVERITY = {"error": "#c62828", "warning": "#ef6c00", "info": "#1565c0"};
  var charts = [];

  function cell(exact, extra) {
    var item = {value: exact === null || exact === undefined ? null : Number(exact), exact: exact};
    if (extra) Object.keys(extra).forEach(function (k) { item[k] = extra[k]; });
    return item;
  }

  function tooltip(unit) {
    return {
      // drawn inside the chart (rich text), not as HTML: the page's Content-Security-Policy
      // allows no inline styles, which HTML tooltips need
      trigger: "axis", axisPointer: {type: "shadow"}, confine: true, renderMode: "richText",
      formatter: function (params) {
        if (!params.length) return "";
        var out = [plain(params[0].axisValueLabel || params[0].name)];
        params.forEach(function (p) {
          var exact = p.data && p.data.exact;
          if (exact === null || exact === undefined) return;
          out.push(p.marker + plain(p.seriesName) + "：" + plain(String(exact)) + " " + unit);
        });
        return out.join("\n");
      }
    };
  }

  function plain(s) {  // rich-text markup characters in a name are shown as full-width ones
    return String(s).replace(/[{}|]/g, function (c) { return {"{": "｛", "}": "｝", "|": "｜"}[c]; });
  }

  function horizontal(el, docs, series, unit, stack) {
    var names = docs.map(function (d) { return d.label; });
    el.style.height = Math.max(260, 30 * docs.length * (stack ? 1 : Math.min(2, series.length)) + 140) + "px";
    return {
      color: PALETTE, animation: false, tooltip: tooltip(unit),
      legend: {type: "scroll", top: 0},
      grid: {left: 8, right: 40, top: 40, bottom: 30, containLabel: true},
      xAxis: {type: "value", name: unit},
      yAxis: {type: "category", data: names, inverse: true,
              axisLabel: {width: 260, overflow: "truncate"}, triggerEvent: true},
      series: series.map(function (s) {
        var out = {name: s.name, type: "bar", data: s.data, emphasis: {focus: "series"}};
        if (s.stack) out.stack = s.stack;
        if (s.color) out.itemStyle = {color: s.color};
        return out;
      })
    };
  }

  function keyed(docs, group, keys, stack) {
    return keys.map(function (k) {
      return {name: data.labels[group][k], stack: stack && stack(k),
              data: docs.map(function (d) { return cell(d[group][k]); })};
    });
  }

  var builders = {
    structure: function (el, docs) {
      return horizontal(el, docs, keyed(docs, "structure", ["basic", "project", "personnel", "public"],
        function (k) { return k === "basic" || k === "project" ? "支出" : "基本支出"; }), data.unit, true);
    },
    functions: function (el, docs) {
      var funcs = [];
      docs.forEach(function (d) { Object.keys(d.functions).forEach(function (k) { if (funcs.indexOf(k) < 0) funcs.push(k); }); });
      funcs.sort();
      if (!funcs.length) return null;
      return horizontal(el, docs, funcs.map(function (f) {
        return {name: f, stack: "功能", data: docs.map(function (d) { return cell(d.functions[f] === undefined ? null : d.functions[f]); })};
      }), data.unit, true);
    },
    three_public: function (el, docs) {
      var parts = ["abroad", "reception", "vehicle_purchase", "vehicle_operation", "meeting", "training"];
      var series = keyed(docs, "three_public", parts, function (k) { return k === "meeting" || k === "training" ? "会议培训" : "三公"; });
      // the 三公 total as a marker for documents that print only the total
      series.push({name: data.labels.three_public.total, data: docs.map(function (d) { return cell(d.three_public.total); })});
      return horizontal(el, docs, series, data.unit, false);
    },
    findings: function (el, docs) {
      var series = ["error", "warning", "info"].map(function (k) {
        return {name: data.labels.findings[k], stack: "发现", color: SEVERITY[k],
                data: docs.map(function (d) { return cell(String(d.findings[k])); })};
      });
      return horizontal(el, docs, series, "条", true);
    },
    trend: function (el, docs) {
      var years = [], units = [];
      docs.forEach(function (d) {
        if (d.year && years.indexOf(d.year) < 0) years.push(d.year);
        var u = d.unit + (d.scope ? "（" + d.scope + d.kind + "）" : "");
        if (units.indexOf(u) < 0) units.push(u);
      });
      years.sort();
      if (!years.length) return null;
      el.style.height = "420px";
      return {
        color: PALETTE, animation: false, tooltip: tooltip(data.unit),
        legend: {type: "scroll", top: 0},
        grid: {left: 8, right: 40, top: 40, bottom: 30, containLabel: true},
        xAxis: {type: "category", data: years.map(String)}, yAxis: {type: "value", name: data.unit},
        series: units.map(function (u) {
          return {name: u, type: "line", connectNulls: true, emphasis: {focus: "series"}, symbolSize: 8,
                  data: years.map(function (y) {
                    var d = docs.find(function (x) { return x.unit + (x.scope ? "（" + x.scope + x.kind + "）" : "") === u && x.year === y; });
                    return cell(d ? d.three_public.total : null);
                  })};
        })
      };
    }
  };

  document.querySelectorAll(".echart").forEach(function (el) {
    var group = data.groups[Number(el.dataset.group)];
    var option = builders[el.dataset.chart](el, group.docs);
    if (!option) {
      el.style.height = "auto";
      var p = document.createElement("p");
      p.className = "empty";
      p.textContent = "所选文件中没有这部分数据。";
      el.appendChild(p);
      return;
    }
    var chart = window.echarts.init(el, null, {renderer: "svg"});
    chart.setOption(option);
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
