/* yusuan charts: a small hand-written SVG chart module (no dependencies, no network).
 * Every label is set with textContent, never innerHTML, so document text cannot inject markup.
 *   YusuanCharts.bar(el, {categories: [..], series: [{name, values: [number|null], color?}], unit, integer})
 *   YusuanCharts.line(el, {xs: [..], series: [{name, values: [number|null]}], unit})
 */
(function (global) {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var COLORS = ["#2d6cdf", "#e4572e", "#29a36a", "#f3a712", "#8e44ad", "#17becf", "#7f7f7f", "#bcbd22",
                "#d62728", "#1f77b4", "#ff7f0e", "#2ca02c"];

  function node(tag, attrs, parent, text) {
    var el = document.createElementNS(NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    if (text !== undefined) el.textContent = text;
    if (parent) parent.appendChild(el);
    return el;
  }

  function colorOf(series, i) { return series.color || COLORS[i % COLORS.length]; }

  function niceMax(v) {
    if (!(v > 0)) return 1;
    var p = Math.pow(10, Math.floor(Math.log10(v)));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) if (steps[i] * p >= v) return steps[i] * p;
    return 10 * p;
  }

  function fmt(v) {
    if (v === null || v === undefined) return "—";
    return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2).replace(/\.?0+$/, "");
  }

  function frame(el, width, height, maxValue, unit, integer) {
    var svg = node("svg", {viewBox: "0 0 " + width + " " + height, width: width, height: height,
                           role: "img", "class": "yusuan-chart"});
    var m = {left: 120, right: 20, top: 20, bottom: 90};
    var h = height - m.top - m.bottom;
    var top = niceMax(maxValue);
    if (integer) top = Math.max(4, Math.ceil(top / 4) * 4);  // counts: whole-number ticks
    for (var i = 0; i <= 4; i++) {
      var y = m.top + h - (h * i) / 4;
      node("line", {x1: m.left, x2: width - m.right, y1: y, y2: y, "class": "grid"}, svg);
      node("text", {x: m.left - 6, y: y + 4, "text-anchor": "end"}, svg, fmt((top * i) / 4));
    }
    node("line", {x1: m.left, x2: m.left, y1: m.top, y2: m.top + h, "class": "axis"}, svg);
    node("line", {x1: m.left, x2: width - m.right, y1: m.top + h, y2: m.top + h, "class": "axis"}, svg);
    if (unit) node("text", {x: 4, y: 12}, svg, unit);
    var heading = el.parentNode && el.parentNode.querySelector("h2");
    if (heading) svg.setAttribute("aria-label", heading.textContent);  // the chart's name for screen readers
    el.textContent = "";
    el.appendChild(svg);
    return {svg: svg, m: m, h: h, w: width - m.left - m.right, top: top};
  }

  function legend(el, series) {
    var box = document.createElement("p");
    box.className = "legend";
    series.forEach(function (s, i) {
      var sw = document.createElement("span");
      sw.className = "swatch";
      sw.style.background = colorOf(s, i);  // CSSOM, allowed by the CSP (a style attribute is not)
      box.appendChild(sw);
      box.appendChild(document.createTextNode(s.name));
    });
    el.appendChild(box);
  }

  function maxOf(series) {
    var max = 0;
    series.forEach(function (s) { s.values.forEach(function (v) { if (v > max) max = v; }); });
    return max;
  }

  function empty(el) {
    el.textContent = "";
    var p = document.createElement("p");
    p.className = "empty";
    p.textContent = "没有可绘制的数据（所选文件未解析出相应的表）。";
    el.appendChild(p);
  }

  function hasData(series) {
    return series.some(function (s) { return s.values.some(function (v) { return v !== null && v !== undefined; }); });
  }

  function bar(el, spec) {
    if (!spec.categories.length || !hasData(spec.series)) return empty(el);
    var width = Math.max(560, Math.min(1300, 140 + spec.categories.length * (24 + 18 * spec.series.length)));
    var f = frame(el, width, 360, maxOf(spec.series), spec.unit, spec.integer);
    var groupW = f.w / spec.categories.length;
    var barW = Math.max(3, Math.min(28, (groupW - 10) / spec.series.length));
    spec.categories.forEach(function (cat, ci) {
      var x0 = f.m.left + ci * groupW + (groupW - barW * spec.series.length) / 2;
      spec.series.forEach(function (s, si) {
        var v = s.values[ci];
        if (v === null || v === undefined) return;
        var bh = (f.h * v) / f.top;
        var r = node("rect", {x: x0 + si * barW, y: f.m.top + f.h - bh, width: barW - 1, height: Math.max(bh, 0),
                              fill: colorOf(s, si), "class": "bar"}, f.svg);
        node("title", {}, r, s.name + " · " + cat + "：" + fmt(v) + (spec.unit ? " " + spec.unit : ""));
      });
      var label = cat.length > 12 ? cat.slice(0, 12) + "…" : cat;
      var tx = f.m.left + ci * groupW + groupW / 2, ty = f.m.top + f.h + 14;
      node("text", {x: tx, y: ty, "text-anchor": "end", transform: "rotate(-30 " + tx + " " + ty + ")"}, f.svg, label);
    });
    legend(el, spec.series);
  }

  function line(el, spec) {
    if (!spec.xs.length || !hasData(spec.series)) return empty(el);
    var f = frame(el, 640, 300, maxOf(spec.series), spec.unit);
    var step = spec.xs.length > 1 ? f.w / (spec.xs.length - 1) : 0;
    var xAt = function (i) { return f.m.left + (spec.xs.length > 1 ? i * step : f.w / 2); };
    spec.xs.forEach(function (x, i) {
      node("text", {x: xAt(i), y: f.m.top + f.h + 16, "text-anchor": "middle"}, f.svg, String(x));
    });
    spec.series.forEach(function (s, si) { s.color = colorOf(s, si); });  // fixed before the legend filters
    spec.series.forEach(function (s, si) {
      var color = colorOf(s, si), pts = [];
      s.values.forEach(function (v, i) {
        if (v === null || v === undefined) return;
        var p = [xAt(i), f.m.top + f.h - (f.h * v) / f.top];
        pts.push(p.join(","));
        var c = node("circle", {cx: p[0], cy: p[1], r: 4, fill: color, "class": "point"}, f.svg);
        node("title", {}, c, s.name + " · " + spec.xs[i] + "：" + fmt(v) + (spec.unit ? " " + spec.unit : ""));
      });
      if (pts.length > 1) node("polyline", {points: pts.join(" "), fill: "none", stroke: color, "stroke-width": 2}, f.svg);
    });
    legend(el, spec.series.filter(function (s) { return hasData([s]); }));
  }

  global.YusuanCharts = {bar: bar, line: line};
})(window);
