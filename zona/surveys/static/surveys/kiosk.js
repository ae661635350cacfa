// Zona kiosk mode: a tablet at the service point. Each response is queued on the device with
// its own idempotency key, the form resets at once for the next person, and the queue is sent
// in the background, one at a time, until the server confirms it. A response sent twice (a
// timeout after the server had stored it) is recognised by its key and stored once. The
// server paces a kiosk (one response per interval it measures itself); when it answers 429
// the response stays queued and is sent again after its Retry-After.
//
// A contact the respondent leaves is kept apart: it goes into a second queue with no key and
// no link to the answers, and is sent on its own, in random order, once no answers wait. A
// written suggestion is kept apart the same way, as an entry of its own in that queue.
(function () {
  "use strict";
  var form = document.getElementById("survey");
  if (!form || !form.hasAttribute("data-kiosk")) { return; }
  var QUEUE = form.getAttribute("data-queue");
  var REJECTED = QUEUE + ":rejected";
  var CONTACTS = QUEUE + ":contacts";
  var CONTACT_FIELDS = { contact: true, contact_name: true };
  var status = document.getElementById("kiosk-status");
  var queueText = status.querySelector("[data-kiosk-queue]");
  var onlineText = status.querySelector("[data-kiosk-online]");
  var thanks = document.getElementById("kiosk-thanks");
  var sending = false;
  var delay = 2000;
  var idleTimer = null;

  function text(name) { return status.getAttribute("data-" + name) || ""; }

  function load() {
    try { return JSON.parse(window.localStorage.getItem(QUEUE) || "[]"); } catch (e) { return []; }
  }
  function save(queue) { window.localStorage.setItem(QUEUE, JSON.stringify(queue)); }
  function loadContacts() {
    try { return JSON.parse(window.localStorage.getItem(CONTACTS) || "[]"); } catch (e) { return []; }
  }
  function saveContacts(list) { window.localStorage.setItem(CONTACTS, JSON.stringify(list)); }
  function rejected() { return parseInt(window.localStorage.getItem(REJECTED) || "0", 10); }

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function show() {
    var waiting = load().length;
    var parts = [waiting ? text("waiting").replace("{n}", waiting) : text("sent")];
    if (rejected()) { parts.push(text("rejected").replace("{n}", rejected())); }
    queueText.textContent = parts.join(" · ");
  }

  function online(ok) { onlineText.textContent = ok ? text("online") : text("offline"); }

  function checked(name) { return form.querySelector("input[name='" + name + "']:checked"); }

  function problem() {
    if (!checked("service")) { return ["f-service", text("need-service")]; }
    if (!checked("when")) { return ["f-served_when", text("need-when")]; }
    var code = form.querySelector("input[name=code]");
    if (code && !code.value.trim()) { return ["f-code", text("need-code")]; }
    if (!form.querySelector("input[name^='a-']:checked")) { return ["questions", text("need-answer")]; }
    // The server counts an instrument only with its required items: check them here, so no
    // answer is queued that the server would refuse.
    var sections = form.querySelectorAll("[data-instrument]");
    for (var i = 0; i < sections.length; i++) {
      if (!sections[i].querySelector("input[name^='a-']:checked")) { continue; }
      var required = sections[i].querySelectorAll("[data-required]");
      for (var j = 0; j < required.length; j++) {
        if (!required[j].querySelector("input:checked")) { return [required[j].id, text("need-all")]; }
      }
    }
    return null;
  }

  function reset() {
    form.reset();
    if (window.zonaSurveyScreen) { window.zonaSurveyScreen(); }
    window.scrollTo(0, 0);
  }

  function drop(key) {
    save(load().filter(function (item) { return item.k !== key; }));
  }

  function retryLater(wait) {
    sending = false;
    delay = Math.min(delay * 2, 60000);
    window.setTimeout(flush, wait ? wait * 1000 : delay);
    show();
  }

  function post(body) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = window.setTimeout(function () { if (controller) { controller.abort(); } }, 15000);
    return window.fetch(form.action, {
      method: "POST",
      body: body,
      headers: { "Accept": "application/json" },
      credentials: "same-origin",
      signal: controller ? controller.signal : undefined
    }).then(function (response) { window.clearTimeout(timer); return response; },
      function (error) { window.clearTimeout(timer); throw error; });
  }

  // One waiting contact, picked at random, sent alone (only when no answers wait).
  function flushContact() {
    var list = loadContacts();
    if (!list.length || sending) { return; }
    sending = true;
    var index = Math.floor(Math.random() * list.length);
    var body = new URLSearchParams();
    body.append("kiosk", form.querySelector("input[name=kiosk]").value);
    body.append("contact_only", "1");
    list[index].forEach(function (pair) { body.append(pair[0], pair[1]); });
    post(body).then(function (response) {
      online(true);
      sending = false;
      if (response.ok || (response.status >= 400 && response.status < 500 && response.status !== 429 && response.status !== 403)) {
        var rest = loadContacts();
        rest.splice(index, 1);
        saveContacts(rest);
        window.setTimeout(flush, 1000 + Math.random() * 5000);
      }
    }).catch(function () { online(false); sending = false; });
  }

  function flush() {
    if (sending) { return; }
    var queue = load();
    show();
    if (!queue.length) { flushContact(); return; }
    sending = true;
    var item = queue[0];
    var body = new URLSearchParams();
    item.d.forEach(function (pair) { body.append(pair[0], pair[1]); });
    post(body).then(function (response) {
      online(true);
      if (response.ok) {
        drop(item.k);
        delay = 2000;
        sending = false;
        flush();
      } else if (response.status === 403) {
        // The kiosk link was retired: keep the answers; the new link on this tablet sends them.
        sending = false;
        queueText.textContent = text("retired");
      } else if (response.status === 429 || response.status >= 500) {
        retryLater(parseInt(response.headers.get("Retry-After") || "0", 10));
      } else {
        // Refused for good (the survey closed, the form changed): count it, do not retry forever.
        drop(item.k);
        window.localStorage.setItem(REJECTED, String(rejected() + 1));
        sending = false;
        flush();
      }
    }).catch(function () {
      online(false);
      retryLater();
    });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var found = problem();
    if (found) {
      window.alert(found[1]);
      var target = document.getElementById(found[0]);
      if (target) { target.scrollIntoView(); }
      return;
    }
    var entries = [];
    var contact = [];
    var suggestion = "";
    new FormData(form).forEach(function (value, name) {
      if (CONTACT_FIELDS[name]) {
        if (String(value).trim()) { contact.push([name, value]); }
      } else if (name === "suggestion") {
        suggestion = String(value).trim();
      } else if (name !== "key" && name !== "t") {
        entries.push([name, value]);
      }
    });
    var key = newKey();
    entries.push(["key", key]);
    var queue = load();
    queue.push({ k: key, d: entries });
    save(queue);
    if (contact.some(function (pair) { return pair[0] === "contact"; })) {
      var contacts = loadContacts();
      // A random place in the queue: its order says nothing about the answers' order.
      contacts.splice(Math.floor(Math.random() * (contacts.length + 1)), 0, contact);
      saveContacts(contacts);
    }
    if (suggestion) {
      var apart = loadContacts();
      apart.splice(Math.floor(Math.random() * (apart.length + 1)), 0, [["suggestion", suggestion]]);
      saveContacts(apart);
    }
    reset();
    thanks.hidden = false;
    window.setTimeout(function () { thanks.hidden = true; }, 4000);
    flush();
  });

  // "No, I was not served": thank them, then get ready for the next person.
  form.addEventListener("change", function (ev) {
    if (ev.target.name === "served" && ev.target.value === "no") {
      window.setTimeout(reset, 6000);
    }
    // A half-filled form left behind is cleared after five idle minutes.
    if (idleTimer) { window.clearTimeout(idleTimer); }
    idleTimer = window.setTimeout(reset, 300000);
  });

  window.addEventListener("online", flush);
  window.setInterval(flush, 30000);
  online(navigator.onLine !== false);
  flush();
})();
