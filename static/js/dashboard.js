// Role dashboard charts: data from <script type="application/json" id="dashboard-charts">
// (json_script), drawn with the vendored Chart.js. No inline script or style (strict CSP);
// each chart also has its table under it.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-charts");
  if (!source || typeof Chart === "undefined") return;
  var charts = JSON.parse(source.textContent);
  var palette = ["#0d6efd", "#198754", "#ffc107", "#fd7e14", "#dc3545", "#6f42c1", "#20c997"];
  charts.forEach(function (spec) {
    var canvas = document.querySelector('[data-chart-canvas="' + spec.key + '"]');
    if (!canvas) return;
    var stacked = spec.kind === "stacked";
    new Chart(canvas, {
      type: spec.kind === "line" ? "line" : "bar",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (d, i) {
          return { label: d.label, data: d.data, backgroundColor: palette[i % palette.length],
                   borderColor: palette[i % palette.length] };
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: spec.datasets.length > 1 } },
        scales: { x: { stacked: stacked }, y: { stacked: stacked, beginAtZero: true } },
      },
    });
    canvas.dataset.drawn = "1";
  });
})();
