// Worksheet autosave: one item at a time, never losing what was typed.
//
// Each item card is a form that htmx posts on the custom "zona:save" event (hx-sync queues
// saves of one card, so each carries the revision returned by the previous one). What the
// user types is also kept in localStorage until the server confirms it, so a lost connection,
// a conflict or a closed tab never loses input: the draft is restored (with the revision it
// started from, so someone else's newer answer still raises a conflict) on the next visit.
(function () {
  "use strict";
  var root = document.getElementById("zona-sheet");
  if (!root || !window.htmx) { return; }
  var DEBOUNCE_MS = 800;
  var timers = new WeakMap();
  var retries = new WeakMap();
  var dirty = new Set();
  var lang = document.documentElement.lang || "id";

  function msg(name) { return root.getAttribute("data-msg-" + name) || ""; }
  function autosaveForm(el) { return el && el.closest ? el.closest("form[data-zona-autosave]") : null; }

  function snapshot(form) {
    var data = {};
    form.querySelectorAll("input[name], textarea[name]").forEach(function (el) {
      if (el.name === "revision" || el.name === "s") { return; }
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) { data[el.name] = el.value; }
        return;
      }
      data[el.name] = el.value;
    });
    return JSON.stringify(data, Object.keys(data).sort());
  }

  function revisionInput(form) { return form.querySelector("input[name=revision]"); }

  function storeDraft(form) {
    try {
      var existing = readDraft(form);
      localStorage.setItem(form.dataset.draftKey, JSON.stringify({
        values: snapshot(form),
        // The revision the user started typing from, not the latest seen.
        revision: existing ? existing.revision : revisionInput(form).value,
        at: Date.now()
      }));
    } catch (e) { /* storage full or disabled: the server copy still exists */ }
  }
  function readDraft(form) {
    try { return JSON.parse(localStorage.getItem(form.dataset.draftKey) || "null"); } catch (e) { return null; }
  }
  function clearDraft(form) {
    try { localStorage.removeItem(form.dataset.draftKey); } catch (e) { /* ignore */ }
  }

  function setStatus(form, state, text) {
    var status = form.querySelector(".zona-status");
    if (!status) { return; }
    status.dataset.state = state;
    status.textContent = "";
    var span = document.createElement("span");
    span.className = state === "error" ? "text-danger" : "text-secondary";
    if (state === "saving") {
      var spinner = document.createElement("span");
      spinner.className = "spinner-border spinner-border-sm me-1";
      spinner.setAttribute("aria-hidden", "true");
      span.appendChild(spinner);
    }
    span.appendChild(document.createTextNode(text));
    status.appendChild(span);
  }

  function save(form) {
    clearTimeout(timers.get(form));
    timers.delete(form);
    dirty.add(form);
    setStatus(form, "saving", msg("saving"));
    htmx.trigger(form, "zona:save");
  }

  function schedule(form) {
    dirty.add(form);
    storeDraft(form);
    setStatus(form, "dirty", msg("unsaved"));
    clearTimeout(timers.get(form));
    timers.set(form, setTimeout(function () { save(form); }, DEBOUNCE_MS));
  }

  // --- the live percentage of PCT items -----------------------------------------------------
  function count(form, key) {
    var el = form.querySelector("[name='count_" + key + "']");
    if (!el || el.value.trim() === "") { return null; }
    var n = Number(el.value);
    return Number.isInteger(n) && n >= 0 ? n : NaN;
  }
  function sum(form, keys) {
    var total = 0;
    for (var i = 0; i < keys.length; i++) {
      var n = count(form, keys[i]);
      if (n === null || Number.isNaN(n)) { return n; }
      total += n;
    }
    return total;
  }
  function updatePercent(form) {
    var out = form.querySelector("[data-pct-output]");
    if (!out || !form.dataset.formula) { return; }
    var f = JSON.parse(form.dataset.formula);
    var value = null;
    if (f.kind === "ratio") {
      var num = sum(form, f.numerator || []);
      var den = sum(form, f.denominator || []);
      if (Number.isNaN(num) || Number.isNaN(den)) { value = NaN; }
      else if (num !== null && den !== null) {
        value = den === 0 ? Number(f.zero_denominator) : Math.min(1, num / den);
      }
    } else if (f.kind === "decrease") {
      var prev = count(form, f.previous);
      var cur = count(form, f.current);
      if (Number.isNaN(prev) || Number.isNaN(cur)) { value = NaN; }
      else if (prev !== null && cur !== null) {
        value = prev === 0 ? (cur === 0 ? 1 : 0) : (cur >= prev ? 0 : (prev - cur) / prev);
      }
    }
    if (value === null) { out.textContent = "—"; }
    else if (Number.isNaN(value)) { out.textContent = msg("invalid-count"); }
    else { out.textContent = (value * 100).toLocaleString(lang, { maximumFractionDigits: 1 }) + "%"; }
  }

  // --- user input ---------------------------------------------------------------------------
  document.addEventListener("change", function (ev) {
    var form = autosaveForm(ev.target);
    if (!form) { return; }
    if (ev.target.type === "radio" || ev.target.type === "checkbox") {
      var clear = form.querySelector("input[name=clear]");
      if (clear) { clear.remove(); }
      storeDraft(form);
      save(form);
    }
  });
  document.addEventListener("input", function (ev) {
    var form = autosaveForm(ev.target);
    if (!form || ev.target.type === "radio" || ev.target.type === "file") { return; }
    if (ev.target.name && ev.target.name.indexOf("count_") === 0) { updatePercent(form); }
    schedule(form);
  });
  document.addEventListener("focusout", function (ev) {
    var form = autosaveForm(ev.target);
    if (form && timers.has(form)) { save(form); }
  });
  document.addEventListener("click", function (ev) {
    var target = ev.target.closest ? ev.target.closest("button") : null;
    if (!target) { return; }
    var form = autosaveForm(target);
    if (target.hasAttribute("data-zona-clear") && form) {
      form.querySelectorAll("input[type=radio]").forEach(function (r) { r.checked = false; });
      if (!form.querySelector("input[name=clear]")) {
        var hidden = document.createElement("input");
        hidden.type = "hidden"; hidden.name = "clear"; hidden.value = "1";
        form.appendChild(hidden);
      }
      storeDraft(form);
      save(form);
    } else if (target.hasAttribute("data-zona-keep-mine") && form) {
      // Overwrite deliberately: start from the revision the other person saved.
      revisionInput(form).value = target.getAttribute("data-revision");
      var draft = readDraft(form);
      if (draft) { draft.revision = revisionInput(form).value; localStorage.setItem(form.dataset.draftKey, JSON.stringify(draft)); }
      save(form);
    } else if (target.hasAttribute("data-zona-take-theirs") && form) {
      clearDraft(form);
      dirty.delete(form);
      htmx.ajax("GET", form.dataset.cardUrl, { target: form, swap: "outerHTML" });
    } else if (target.hasAttribute("data-zona-empty")) {
      var box = document.querySelector(target.getAttribute("data-zona-empty"));
      if (box) { box.textContent = ""; }
    } else if (target.hasAttribute("data-zona-empty-parent")) {
      var preview = target.closest(".zona-preview");
      if (preview) { preview.textContent = ""; }
    }
  });

  // --- server answers -----------------------------------------------------------------------
  document.body.addEventListener("htmx:beforeSwap", function (ev) {
    var status = ev.detail.xhr.status;
    // Refusals, invalid input and conflicts come with a message fragment to show.
    if (status === 400 || status === 403 || status === 409) {
      ev.detail.shouldSwap = true;
      ev.detail.isError = false;
    }
  });
  document.body.addEventListener("htmx:beforeRequest", function (ev) {
    var form = ev.detail.elt;
    if (form && form.matches && form.matches("form[data-zona-autosave]")) {
      form.dataset.sent = snapshot(form);
    }
  });
  document.body.addEventListener("htmx:afterRequest", function (ev) {
    var form = ev.detail.elt;
    if (!form || !form.matches || !form.matches("form[data-zona-autosave]")) { return; }
    var status = ev.detail.xhr ? ev.detail.xhr.status : 0;
    if (status >= 200 && status < 300) {
      retries.delete(form);
      var clear = form.querySelector("input[name=clear]");
      if (clear) { clear.remove(); }
      if (snapshot(form) === form.dataset.sent && !timers.has(form)) {
        clearDraft(form);
        dirty.delete(form);
      } else {
        // Typed more while saving: keep the draft from the new revision on.
        var draft = readDraft(form);
        if (draft) { draft.revision = revisionInput(form).value; localStorage.setItem(form.dataset.draftKey, JSON.stringify(draft)); }
      }
      return;
    }
    if (status === 0 || status >= 500) {
      var wait = Math.min(60000, (retries.get(form) || 2000) * 2);
      retries.set(form, wait);
      setStatus(form, "error", status === 0 ? msg("offline") : msg("failed"));
      setTimeout(function () { if (dirty.has(form)) { save(form); } }, wait);
    }
    // 400/403/409: the message fragment was swapped in; the draft stays until resolved.
  });
  document.body.addEventListener("htmx:sendError", function (ev) {
    var form = ev.detail.elt;
    if (form && form.matches && form.matches("form[data-zona-autosave]")) {
      setStatus(form, "error", msg("offline"));
    }
  });

  window.addEventListener("beforeunload", function (ev) {
    var pending = false;
    dirty.forEach(function (form) { if (document.body.contains(form)) { pending = true; } });
    if (pending) { ev.preventDefault(); ev.returnValue = ""; }
  });

  // --- restore drafts that never reached the server -----------------------------------------
  function applyDraft(form, values) {
    Object.keys(values).forEach(function (name) {
      var fields = form.querySelectorAll("[name='" + name + "']");
      fields.forEach(function (el) {
        if (el.type === "radio") { el.checked = el.value === values[name]; }
        else { el.value = values[name]; }
      });
    });
    if (!("value" in values)) {
      form.querySelectorAll("input[type=radio][name=value]").forEach(function (r) { r.checked = false; });
    }
  }
  function restoreDrafts(scope) {
    scope.querySelectorAll("form[data-zona-autosave]").forEach(function (form) {
      var draft = readDraft(form);
      if (!draft) { return; }
      if (draft.values === snapshot(form)) { clearDraft(form); return; }
      applyDraft(form, JSON.parse(draft.values));
      revisionInput(form).value = draft.revision;
      updatePercent(form);
      setStatus(form, "saving", msg("restored"));
      save(form);
    });
  }
  // htmx wires the forms on DOMContentLoaded; restore (and save) only after that.
  function afterHtmx() { setTimeout(function () { restoreDrafts(document); }, 0); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", afterHtmx); }
  else { afterHtmx(); }
  document.body.addEventListener("htmx:load", function (ev) {
    var el = ev.detail.elt;
    if (el && el.matches && el.matches("form[data-zona-autosave]")) { updatePercent(el); }
  });

  // --- the evidence dialog: upload progress -------------------------------------------------
  document.body.addEventListener("htmx:xhr:progress", function (ev) {
    var form = ev.detail.elt;
    if (!form || !form.matches || !form.matches("[data-zona-upload]")) { return; }
    var bar = form.querySelector("[data-zona-progress]");
    if (!bar || !ev.detail.total) { return; }
    bar.classList.remove("d-none");
    bar.firstElementChild.style.width = Math.round(100 * ev.detail.loaded / ev.detail.total) + "%";
  });
})();
