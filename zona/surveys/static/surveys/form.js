// Zona public survey form. Works without this file; with it, the questions appear only after
// the respondent says they were served, and a second tap on "send" does nothing.
(function () {
  "use strict";
  var form = document.getElementById("survey");
  if (!form) { return; }
  var more = document.getElementById("screen-more");
  var questions = document.getElementById("questions");
  var notEligible = document.getElementById("not-eligible");

  function served() {
    var checked = form.querySelector("input[name=served]:checked");
    return checked ? checked.value : "";
  }

  function update() {
    var value = served();
    more.hidden = value !== "yes";
    questions.hidden = value !== "yes";
    notEligible.hidden = value !== "no";
  }

  form.addEventListener("change", function (ev) {
    if (ev.target.name === "served") { update(); }
  });
  update();
  // Going Back after sending: the browser may bring the page back with its choices restored
  // (after this script ran) or from its page cache with "send" disabled. Show what is chosen.
  window.addEventListener("pageshow", function () {
    update();
    var button = document.getElementById("send");
    if (button && button.disabled) {
      button.disabled = false;
      button.textContent = button.getAttribute("data-label") || button.textContent;
    }
  });
  window.addEventListener("load", update);

  if (!form.hasAttribute("data-kiosk")) {
    form.addEventListener("submit", function () {
      var button = document.getElementById("send");
      // The form's idempotency key already makes a second send harmless; this spares the wait.
      window.setTimeout(function () {
        button.setAttribute("data-label", button.textContent);
        button.disabled = true;
        button.textContent = button.getAttribute("data-sending") || button.textContent;
      }, 0);
    });
  }

  var errors = document.getElementById("errors");
  if (errors) { errors.focus(); }
  window.zonaSurveyScreen = update;
})();
