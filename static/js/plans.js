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

// Once a row is added, the "no rows yet" hint of that formset goes away.
document.addEventListener("click", function (event) {
  const add = event.target.closest("[data-formset-add]");
  if (!add) return;
  const box = document.querySelector('[data-formset="' + add.dataset.formsetAdd + '"]');
  const hint = box && box.querySelector(".plan-empty-hint");
  if (hint) hint.classList.add("d-none");
});
