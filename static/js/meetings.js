// Meetings: copy the calendar feed address; show "send the agenda" only for a contact.
document.addEventListener("click", function (event) {
  const button = event.target.closest("[data-copy-target]");
  if (!button) {
    return;
  }
  const input = document.getElementById(button.dataset.copyTarget);
  input.select();
  if (navigator.clipboard) {
    navigator.clipboard.writeText(input.value);
  }
});

document.addEventListener("DOMContentLoaded", function () {
  const contact = document.getElementById("id_contact");
  const receives = document.getElementById("div_id_receives_agenda");
  if (!contact || !receives) {
    return;
  }
  const toggle = function () {
    receives.classList.toggle("d-none", !contact.value);
  };
  contact.addEventListener("change", toggle);
  toggle();
});

// New presentation: the brief and creative-work choices are the chosen client's only,
// so choosing another client reloads the form with that client's choices.
document.addEventListener("DOMContentLoaded", function () {
  const form = document.querySelector("[data-meetings-form]");
  const client = form && form.querySelector("select#id_client");
  if (!client || !form.querySelector("#id_brief")) {
    return;
  }
  client.addEventListener("change", function () {
    const url = new URL(window.location.href);
    url.searchParams.set("client", client.value);
    window.location.assign(url.toString());
  });
});
