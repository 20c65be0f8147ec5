// Draws the dashboard's charts from the JSON the page carries; the tables beside them hold the
// same figures, so nothing is lost without JavaScript or for a screen reader.
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || !window.Chart) { return; }
  var charts = JSON.parse(source.textContent);
  var colours = ["#0b5fff", "#1e7b34", "#b3261e", "#f5a400"];

  function datasets(series, type) {
    return series.map(function (item, index) {
      return {
        label: item.label,
        data: item.data,
        yAxisID: item.axis === "rate" ? "rate" : "y",
        borderColor: colours[index],
        backgroundColor: type === "bar" ? colours[index] : "transparent",
        spanGaps: true
      };
    });
  }

  function draw(id, type, chart, scales) {
    var canvas = document.getElementById(id);
    if (!canvas || !chart.labels.length) { return; }
    new window.Chart(canvas, {
      type: type,
      data: { labels: chart.labels, datasets: datasets(chart.series, type) },
      options: { responsive: true, animation: false, scales: scales }
    });
  }

  draw("chart-trend", "line", charts.trend, {
    y: { position: "left", suggestedMin: -100, suggestedMax: 100 },
    rate: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } }
  });
  draw("chart-touchpoints", "bar", charts.touchpoints, { y: { suggestedMin: -100, suggestedMax: 100 } });
  draw("chart-backlog", "bar", charts.backlog, { y: { beginAtZero: true, ticks: { precision: 0 } } });
})();
