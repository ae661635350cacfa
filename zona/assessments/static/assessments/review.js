// The return form: tick the items where a reviewer differs, count what is ticked, and grey
// the list out when the whole sheet goes back (the server ignores the ticks then).
(function () {
  "use strict";
  var form = document.querySelector("form[data-zona-return]");
  if (!form) { return; }
  var boxes = function () { return form.querySelectorAll("input[type=checkbox][name=items]"); };
  var counter = form.querySelector("[data-zona-return-count]");

  function refresh() {
    var whole = form.querySelector("input[name=scope][value=all]").checked;
    var ticked = 0;
    boxes().forEach(function (box) {
      box.disabled = whole;
      if (box.checked) { ticked += 1; }
    });
    if (counter) { counter.textContent = String(ticked); }
  }

  form.addEventListener("change", refresh);
  form.addEventListener("click", function (ev) {
    var button = ev.target.closest ? ev.target.closest("button") : null;
    if (!button) { return; }
    if (button.hasAttribute("data-zona-select-differing")) {
      form.querySelector("input[name=scope][value=items]").checked = true;
      boxes().forEach(function (box) { if (box.hasAttribute("data-differs")) { box.checked = true; } });
      refresh();
    } else if (button.hasAttribute("data-zona-select-none")) {
      boxes().forEach(function (box) { box.checked = false; });
      refresh();
    }
  });
  refresh();
})();
