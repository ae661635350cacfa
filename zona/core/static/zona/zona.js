// Zona: behaviour shared by every page (no inline scripts: the CSP forbids them).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-zona-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
  document.querySelectorAll("[data-zona-confirm]").forEach(function (el) {
    el.addEventListener("click", function (ev) {
      if (!window.confirm(el.getAttribute("data-zona-confirm"))) { ev.preventDefault(); }
    });
  });
});
