// Judgment forms: the reason code and explanation matter only for a "no";
// hide them for a "yes" (the server still requires them for a "no").
(function () {
  function sync(form) {
    const checked = form.querySelector('input[name="verdict"]:checked');
    const isNo = !checked || checked.value === "no";
    ["reason", "comment"].forEach(function (name) {
      const field = form.querySelector('[name="' + name + '"]');
      const wrapper = field && field.closest(".mb-3");
      if (wrapper) {
        wrapper.classList.toggle("reason-hidden", !isNo);
      }
    });
  }
  document.querySelectorAll("form[data-briefs-form]").forEach(function (form) {
    if (!form.querySelector('input[name="verdict"]')) {
      return;
    }
    sync(form);
    form.addEventListener("change", function () {
      sync(form);
    });
  });
})();
