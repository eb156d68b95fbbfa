// Small improvements only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to the error summary after a failed submit so screen readers announce it.
  const summary = document.querySelector(".form-errors");
  if (summary) summary.focus();
  // The skip link and the error summary's links move the focus without adding a #fragment to
  // the address: a form posts to its page's address, the answer would inherit the fragment and
  // the browser would then pull the focus away from the next error summary.
  document.querySelectorAll(".skip-link, .form-errors a[href^='#']").forEach((link) => {
    link.addEventListener("click", (event) => {
      const target = document.getElementById(link.hash.slice(1));
      if (!target) return;
      event.preventDefault();
      target.focus();
      // Show a field's label or question too, not only the box.
      const label = target.labels && target.labels[0];
      const legend = target.closest("fieldset") && target.closest("fieldset").querySelector("legend");
      const caption = target.type === "checkbox" || target.type === "radio" ? legend : label;
      if (caption) caption.scrollIntoView({ block: "nearest" });
    });
  });
  // Copy buttons for subscribe links and tokens.
  document.querySelectorAll("[data-copy]").forEach((button) => {
    button.addEventListener("click", () => {
      const target = document.getElementById(button.dataset.copy);
      if (target && navigator.clipboard) navigator.clipboard.writeText(target.value || target.textContent);
    });
  });
  // Confirm destructive actions once: here in a dialog; without JavaScript the server asks
  // on a page of its own (web/confirm.py). A yes here tells the server not to ask again.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
        return;
      }
      if (!form.querySelector("input[name=confirmed]")) {
        const yes = document.createElement("input");
        yes.type = "hidden";
        yes.name = "confirmed";
        yes.value = "yes";
        form.append(yes);
      }
    });
  });
});
