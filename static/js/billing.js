// Billing: live day and week totals on the weekly timesheet (no inline script: CSP).
(function () {
  function recalc(table) {
    const rows = table.querySelectorAll("tbody [data-formset-row]:not(.d-none)");
    const totals = [0, 0, 0, 0, 0, 0, 0];
    rows.forEach(function (row) {
      row.querySelectorAll("input.hours").forEach(function (input, i) {
        const value = parseFloat(input.value);
        if (!isNaN(value) && i < 7) totals[i] += value;
      });
    });
    const cells = table.querySelectorAll("tfoot [data-day-total]");
    let week = 0;
    cells.forEach(function (cell, i) {
      cell.textContent = totals[i].toFixed(2);
      week += totals[i];
    });
    const weekCell = table.querySelector("tfoot [data-week-total]");
    if (weekCell) weekCell.textContent = week.toFixed(2);
  }
  document.addEventListener("input", function (event) {
    const table = event.target.closest("table.timesheet");
    if (table && event.target.matches("input.hours")) recalc(table);
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest("[data-formset-remove]")) return;
    // app.js hides the row first; recalc on the next tick.
    const table = document.querySelector("table.timesheet");
    if (table) window.setTimeout(function () { recalc(table); }, 0);
  });
})();
