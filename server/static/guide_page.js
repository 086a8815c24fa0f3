// The guide page's funding chart: a horizontal bar per programme, from the JSON block the page carries.
(function () {
  "use strict";
  var holder = document.getElementById("funding-chart");
  var data = document.getElementById("funding-data");
  if (!holder || !data || typeof echarts === "undefined") {
    return;
  }
  var rows = JSON.parse(data.textContent).slice().reverse();
  var english = document.documentElement.lang === "en";
  var chart = echarts.init(holder, null, { renderer: "svg" });
  chart.setOption({
    grid: { left: 8, right: 24, top: 8, bottom: 40, containLabel: true },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    xAxis: { type: "value", name: english ? "10k yuan" : "万元", nameLocation: "middle", nameGap: 28, axisLabel: { formatter: function (v) { return (v / 1e4).toLocaleString(); } } },
    yAxis: {
      type: "category",
      data: rows.map(function (r) { return r.label; }),
      axisLabel: { width: 160, overflow: "truncate" },
    },
    series: [{ type: "bar", data: rows.map(function (r) { return r.yuan; }), itemStyle: { color: "#b3261e" } }],
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
