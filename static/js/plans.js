// Plan form: show profit as revenue − cost while typing (the server derives it too).
(function () {
  const out = document.querySelector("[data-profit]");
  if (!out) return;
  const revenue = document.getElementById("id_revenue_target");
  const cost = document.getElementById("id_cost_target");
  function update() {
    const r = parseFloat(revenue.value || "0");
    const c = parseFloat(cost.value || "0");
    out.value = isNaN(r) || isNaN(c) ? "—" : (r - c).toFixed(2);
    out.textContent = out.value;
  }
  revenue.addEventListener("input", update);
  cost.addEventListener("input", update);
})();
