// Drag-and-drop of many files onto an upload form, with the chosen names listed.
(function () {
  "use strict";
  function zoneOf(el) { return el && el.closest ? el.closest("[data-zona-dropzone]") : null; }
  function listFiles(zone) {
    var input = zone.querySelector("input[type=file]");
    var list = zone.querySelector("[data-zona-filelist]");
    if (!input || !list) { return; }
    list.textContent = "";
    Array.prototype.forEach.call(input.files, function (file) {
      var li = document.createElement("li");
      li.textContent = file.name + " (" + Math.max(1, Math.round(file.size / 1024)).toLocaleString() + " KB)";
      list.appendChild(li);
    });
  }
  ["dragenter", "dragover"].forEach(function (name) {
    document.addEventListener(name, function (ev) {
      var zone = zoneOf(ev.target);
      if (!zone) { return; }
      ev.preventDefault();
      zone.classList.add("is-over");
    });
  });
  document.addEventListener("dragleave", function (ev) {
    var zone = zoneOf(ev.target);
    if (zone && !zone.contains(ev.relatedTarget)) { zone.classList.remove("is-over"); }
  });
  document.addEventListener("drop", function (ev) {
    var zone = zoneOf(ev.target);
    if (!zone) { return; }
    ev.preventDefault();
    zone.classList.remove("is-over");
    var input = zone.querySelector("input[type=file]");
    if (input && ev.dataTransfer && ev.dataTransfer.files.length) {
      input.files = ev.dataTransfer.files;
      listFiles(zone);
    }
  });
  document.addEventListener("change", function (ev) {
    if (ev.target.type === "file") {
      var zone = zoneOf(ev.target);
      if (zone) { listFiles(zone); }
    }
  });
  // A plain (non-htmx) upload form: show that something is happening on big uploads.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (form.matches && form.matches("form[data-zona-upload]:not([hx-post])")) {
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; button.classList.add("disabled"); }
    }
  });
})();
