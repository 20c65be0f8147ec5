// Draws the dashboard's charts from the JSON the page carries; the tables under them hold the
// same figures, so nothing is lost without JavaScript or for a screen reader. Every chart fills
// a box of fixed height (.chart-box) and follows its width; on a phone it keeps fewer ticks and
// shorter labels. A score on too few answers is drawn faded and hatched (bars) or dashed and
// hollow (lines), never left out; its tooltip says "too few to judge" in the page's language.
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || !window.Chart) { return; }
  var charts = JSON.parse(source.textContent);
  var Chart = window.Chart;
  var styles = getComputedStyle(document.documentElement);
  var brand = styles.getPropertyValue("--brand").trim() || "#1f5fad";
  var danger = "#b02a37";
  var ink = "#495057";
  var grid = "rgba(0, 0, 0, 0.08)";
  var narrow = window.matchMedia("(max-width: 575.98px)").matches;

  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = narrow ? 11 : 12;
  Chart.defaults.color = ink;
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.responsive = true;

  // Diagonal stripes of a colour on white: a bar that stands on too few answers.
  function hatch(colour) {
    var tile = document.createElement("canvas");
    tile.width = tile.height = 8;
    var pen = tile.getContext("2d");
    pen.fillStyle = "#ffffff";
    pen.fillRect(0, 0, 8, 8);
    pen.strokeStyle = colour;
    pen.globalAlpha = 0.45;
    pen.lineWidth = 2;
    pen.beginPath();
    pen.moveTo(0, 8); pen.lineTo(8, 0);
    pen.moveTo(-2, 2); pen.lineTo(2, -2);
    pen.moveTo(6, 10); pen.lineTo(10, 6);
    pen.stroke();
    return pen.createPattern(tile, "repeat");
  }

  function shorten(text, most) {
    return text.length > most ? text.slice(0, most - 1) + "…" : text;
  }

  // A legend of the given entries (the series, and what a faded or red mark means).
  function legend(items) {
    return {
      display: true,
      position: "bottom",
      labels: { boxWidth: 14, generateLabels: function () { return items; } },
      onClick: null
    };
  }

  function entry(text, fill, stroke, dash) {
    return { text: text, fillStyle: fill, strokeStyle: stroke || fill, lineWidth: stroke ? 1 : 0, lineDash: dash || [] };
  }

  // Whether a chart has a value drawn faded: one on too few answers.
  function hasFaded(chart) {
    return chart.enough.some(function (ok, index) { return !ok && chart.values[index] !== null; });
  }

  function tooltip(chart, format) {
    return {
      callbacks: {
        title: function (items) {
          var index = items[0].dataIndex;
          return chart.titles ? chart.titles[index] : chart.labels[index];
        },
        label: function (item) {
          var value = item.raw === null ? "–" : format(item.raw);
          return chart.name + ": " + value;
        },
        afterLabel: function (item) { return chart.notes ? chart.notes[item.dataIndex] : ""; }
      }
    };
  }

  // One chart of one series on the canvas `id`, if the page has it: the series' labels and
  // values with the dataset's own look, and the chart's options.
  function draw(id, type, chart, look, options) {
    var canvas = document.getElementById(id);
    if (!canvas) { return; }
    var dataset = Object.assign({ label: chart.name, data: chart.values }, look);
    new Chart(canvas, { type: type, data: { labels: chart.labels, datasets: [dataset] }, options: options });
  }

  function journey(chart) {
    var box = document.querySelector(".chart-rows");
    if (box) {
      // Tall enough for every touchpoint's bar and its name, however many there are.
      box.style.height = Math.max(12, 2.4 * chart.labels.length + 5) + "rem";
    }
    var faded = hatch(brand);
    var colours = chart.values.map(function (value, index) {
      if (!chart.enough[index]) { return faded; }
      return chart.weakest[index] ? danger : brand;
    });
    draw("chart-touchpoints", "bar", chart, {
      backgroundColor: colours,
      borderColor: chart.values.map(function (v, i) { return chart.enough[i] ? colours[i] : brand; }),
      borderWidth: chart.enough.map(function (ok) { return ok ? 0 : 1; }),
      maxBarThickness: 28,
      minBarLength: 3
    }, {
      indexAxis: "y",
      scales: {
        x: {
          min: -100, max: 100,
          ticks: { stepSize: narrow ? 50 : 25 },
          grid: { color: function (c) { return c.tick && c.tick.value === 0 ? ink : grid; } }
        },
        y: {
          grid: { display: false },
          ticks: {
            autoSkip: false,
            callback: function (value) { return shorten(this.getLabelForValue(value), narrow ? 18 : 28); }
          }
        }
      },
      plugins: {
        legend: legend([entry(chart.name, brand)]
          .concat(chart.weakest.indexOf(true) !== -1 ? [entry(chart.weakestName, danger)] : [])
          .concat(hasFaded(chart) ? [entry(chart.tooFew, faded, brand)] : [])),
        tooltip: tooltip(chart, function (v) { return v.toFixed(1); })
      }
    });
  }

  function weekly(id, chart, options) {
    chart.enough = chart.enough || chart.values.map(function () { return true; });
    var weak = function (index) { return !chart.enough[index]; };
    draw(id, "line", chart, {
      borderColor: options.colour,
      backgroundColor: chart.values.map(function (v, i) { return weak(i) ? "#ffffff" : options.colour; }),
      pointBorderColor: options.colour,
      pointRadius: 4,
      pointHoverRadius: 6,
      borderWidth: 2,
      spanGaps: true,
      segment: {
        borderDash: function (c) { return weak(c.p0DataIndex) || weak(c.p1DataIndex) ? [5, 4] : undefined; }
      }
    }, {
      scales: {
        x: { grid: { display: false }, ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: narrow ? 4 : 8 } },
        y: options.y
      },
      plugins: {
        legend: legend([entry(chart.name, options.colour, options.colour)]
          .concat(hasFaded(chart) ? [entry(chart.tooFew, "#ffffff", options.colour, [4, 3])] : [])),
        tooltip: tooltip(chart, options.format)
      }
    });
  }

  function backlog(chart) {
    var last = chart.values.length - 1;
    draw("chart-backlog", "bar", chart, {
      // The oldest cases are the ones a manager chases: the last bar stands out.
      backgroundColor: chart.values.map(function (v, i) { return i === last ? danger : brand; }),
      maxBarThickness: 48
    }, {
      scales: {
        x: {
          grid: { display: false },
          ticks: {
            maxRotation: 0,
            autoSkip: false,
            // "over 14 days" as "over 14" over "days" where the bars are narrow, so the labels
            // never collide
            callback: function (value) {
              var label = this.getLabelForValue(value);
              var cut = label.lastIndexOf(" ");
              var tight = this.chart.width / this.chart.data.labels.length < 110;
              return tight && cut > 0 ? [label.slice(0, cut), label.slice(cut + 1)] : label;
            }
          }
        },
        y: { beginAtZero: true, grace: "10%", ticks: { precision: 0, maxTicksLimit: 5 }, grid: { color: grid } }
      },
      plugins: { legend: { display: false }, tooltip: tooltip(chart, String) }
    });
  }

  journey(charts.journey);
  weekly("chart-nps-trend", charts.npsTrend, {
    colour: brand,
    format: function (v) { return v.toFixed(1); },
    y: { min: -100, max: 100, ticks: { stepSize: 50 }, grid: { color: grid } }
  });
  weekly("chart-closure-trend", charts.closureTrend, {
    colour: "#1e7b34",
    format: function (v) { return v.toFixed(1) + " %"; },
    y: {
      min: 0, max: 100,
      ticks: { stepSize: 25, callback: function (v) { return v + " %"; } },
      grid: { color: grid }
    }
  });
  backlog(charts.backlog);
})();
