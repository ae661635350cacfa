// "Select all" checkboxes for the bulk creation of assessments.
(function () {
  "use strict";
  document.addEventListener("change", function (ev) {
    var name = ev.target.getAttribute && ev.target.getAttribute("data-zona-check-all");
    if (!name) { return; }
    var form = ev.target.closest("form") || document;
    form.querySelectorAll("input[type=checkbox][name='" + name + "']").forEach(function (box) {
      box.checked = ev.target.checked;
    });
  });
})();
