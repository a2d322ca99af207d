/* Compare page: reads the JSON block written by the server and draws the charts. */
(function () {
  "use strict";
  var block = document.getElementById("compare-data");
  if (!block) return;
  var data = JSON.parse(block.textContent);
  if (!data.docs.length) return;
  var C = window.YusuanCharts;
  var num = function (v) { return v === null || v === undefined ? null : Number(v); };
  var labelOf = function (d) { return d.year ? d.label + "（" + d.year + "）" : d.label; };
  var plot = function (id) { return document.querySelector("#" + id + " .plot"); };
  var docs = data.docs.map(labelOf);

  function keyed(group) {
    return Object.keys(data.labels[group]).map(function (k) {
      return {name: data.labels[group][k], values: data.docs.map(function (d) { return num(d[group][k]); })};
    });
  }

  C.bar(plot("chart-structure"), {categories: docs, series: keyed("structure"), unit: data.unit});

  var funcs = [];
  data.docs.forEach(function (d) { Object.keys(d.functions).forEach(function (k) { if (funcs.indexOf(k) < 0) funcs.push(k); }); });
  funcs.sort();
  C.bar(plot("chart-functions"), {categories: funcs, unit: data.unit, series: data.docs.map(function (d, i) {
    return {name: docs[i], values: funcs.map(function (k) { return num(d.functions[k]); })};
  })});

  C.bar(plot("chart-three-public"), {categories: docs, series: keyed("three_public"), unit: data.unit});

  var years = [];
  data.docs.forEach(function (d) { if (d.year && years.indexOf(d.year) < 0) years.push(d.year); });
  years.sort();
  var units = [];
  data.docs.forEach(function (d) { if (units.indexOf(d.unit) < 0) units.push(d.unit); });
  C.line(plot("chart-trend"), {xs: years, unit: data.unit, series: units.map(function (u) {
    return {name: u, values: years.map(function (y) {
      var d = data.docs.find(function (x) { return x.unit === u && x.year === y; });
      return d ? num(d.three_public.total) : null;
    })};
  })});

  var severityColors = {"错误": "#c62828", "警告": "#ef6c00", "提示": "#1565c0"};
  var findings = keyed("findings");
  findings.forEach(function (s) { s.color = severityColors[s.name]; });
  C.bar(plot("chart-findings"), {categories: docs, series: findings, unit: "条", integer: true});
})();
