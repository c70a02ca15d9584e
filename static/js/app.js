// Small behaviours, no inline script (CSP): confirm before destructive posts,
// and formset rows that can be added and removed.
document.addEventListener("submit", function (event) {
  const form = event.target;
  const message = form.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// Formsets: <div data-formset="prefix"> holds rows [data-formset-row], a
// <template data-formset-empty> with __prefix__, and a [data-formset-add] button.
document.addEventListener("click", function (event) {
  const add = event.target.closest("[data-formset-add]");
  if (add) {
    const box = document.querySelector('[data-formset="' + add.dataset.formsetAdd + '"]');
    const total = document.getElementById("id_" + add.dataset.formsetAdd + "-TOTAL_FORMS");
    const template = box.querySelector("template[data-formset-empty]");
    const index = parseInt(total.value, 10);
    const html = template.innerHTML.replace(/__prefix__/g, String(index));
    box.querySelector("[data-formset-rows]").insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    event.preventDefault();
  }
  const remove = event.target.closest("[data-formset-remove]");
  if (remove) {
    const row = remove.closest("[data-formset-row]");
    const del = row.querySelector('input[type="checkbox"][name$="-DELETE"]');
    if (del) {
      del.checked = true;
      row.classList.add("d-none");
    } else {
      row.remove();
    }
    event.preventDefault();
  }
});
