/* Draws the dashboard's charts from the JSON the page carries (#dashboard-data).
   No inline script or style: Chart.js sizes canvases through the CSSOM, which a
   strict CSP allows. Every chart has a table with the same numbers under it. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof window.Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  // Colour-blind-safe (Okabe–Ito), and dashed lines so series differ without colour too.
  var colours = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00"];
  var dashes = [[], [6, 4], [2, 3]];

  function draw(canvas) {
    var chart = data[canvas.dataset.chart];
    if (!chart) return;
    var kind = canvas.dataset.chartKind;
    canvas.parentElement.classList.add("is-drawn");
    new window.Chart(canvas, {
      type: kind,
      data: {
        labels: chart.labels,
        datasets: chart.series.map(function (series, n) {
          return {
            label: series.label,
            data: series.data,
            backgroundColor: colours[n % colours.length],
            borderColor: colours[n % colours.length],
            borderDash: kind === "line" ? dashes[n % dashes.length] : undefined,
            spanGaps: true,
            pointRadius: 3
          };
        })
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: kind === "bar"
          ? { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } }
          : { y: { beginAtZero: true, title: { display: true, text: "minutes" } } },
        plugins: { legend: { position: "bottom", labels: { usePointStyle: true } } }
      }
    });
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
