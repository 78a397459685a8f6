/* Front-desk console: copy buttons. Plain JS, no inline handlers (CSP). Corrections are submitted with the
   form's own button, never on change, so keyboard users are not thrown to a reloaded page (WCAG 3.2.2). */
(function () {
  "use strict";

  function status(button, text) {
    var box = button.parentNode.querySelector(".copy-status");
    if (box) { box.textContent = text; }
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  function copy(button) {
    var textEl = document.getElementById(button.getAttribute("data-copy-text"));
    var htmlId = button.getAttribute("data-copy-html");
    var htmlEl = htmlId ? document.getElementById(htmlId) : null;
    var text = textEl ? textEl.value : "";
    var done = function () { status(button, "Copied."); };
    var failed = function () {
      if (fallbackCopy(text)) { done(); } else { status(button, "Copy failed: select the text and press Ctrl+C."); }
    };
    if (navigator.clipboard && window.ClipboardItem && htmlEl) {
      var item = new ClipboardItem({
        "text/plain": new Blob([text], { type: "text/plain" }),
        "text/html": new Blob([htmlEl.innerHTML], { type: "text/html" })
      });
      navigator.clipboard.write([item]).then(done, function () {
        navigator.clipboard.writeText(text).then(done, failed);
      });
    } else if (navigator.clipboard) {
      navigator.clipboard.writeText(text).then(done, failed);
    } else {
      failed();
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.copy");
    if (button) { copy(button); }
  });
}());

/* Live alerts: every console page polls the desk's alert list and shows each emergency answer a visitor was
   given (kiosk, widget, chat page) until someone acknowledges it. Short polling, not server-sent events: an
   open stream would hold a gunicorn thread per console. */
(function () {
  "use strict";

  var box = document.getElementById("live-alerts");
  if (!box || !window.fetch) { return; }
  var list = box.querySelector(".live-alert-list");
  var news = document.getElementById("live-alerts-news");
  var tokenMeta = document.querySelector('meta[name="csrf-token"]');
  var seen = {};
  var delay = 4000;
  var timer = null;

  var el = window.clinicbotDom.el;  /* static/dom.js */

  function localTime(iso) {
    var when = new Date(iso);
    if (isNaN(when.getTime())) { return iso; }
    var options = { hour: "2-digit", minute: "2-digit" };
    if (new Date().toDateString() !== when.toDateString()) { options.day = "numeric"; options.month = "short"; }
    return when.toLocaleString([], options);
  }

  function acknowledge(alert, item, button) {
    button.disabled = true;
    fetch(box.getAttribute("data-ack-url").replace(/\/0\/ack$/, "/" + alert.id + "/ack"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": tokenMeta ? tokenMeta.content : "" }
    }).then(function (response) {
      if (!response.ok) { throw new Error("ack " + response.status); }
      return response.json();
    }).then(function () {
      if (item.parentNode) { item.parentNode.removeChild(item); }
      box.hidden = !list.children.length;
    }).catch(function () {
      button.disabled = false;
      var status = item.querySelector(".live-alert-status");
      if (status) { status.textContent = "Could not record that; please try again."; }
    });
  }

  function card(alert) {
    var item = el("li", "live-alert");
    item.setAttribute("data-alert-id", String(alert.id));
    var head = el("p", "live-alert-head");
    head.appendChild(el("strong", "live-alert-channel", alert.channel_label));
    head.appendChild(document.createTextNode(" · "));
    var time = el("time", "live-alert-time", localTime(alert.at));
    time.setAttribute("datetime", alert.at);
    head.appendChild(time);
    item.appendChild(head);
    item.appendChild(el("p", "live-alert-rule", alert.rules.length ? alert.rules.join("; ") : "Emergency"));
    if (alert.text) { item.appendChild(el("p", "live-alert-text", "\u201c" + alert.text + "\u201d")); }
    var actions = el("p", "live-alert-actions");
    var button = el("button", "btn btn-primary live-alert-ack", "Acknowledge");
    button.type = "button";
    button.addEventListener("click", function () { acknowledge(alert, item, button); });
    actions.appendChild(button);
    actions.appendChild(el("span", "live-alert-status"));
    item.appendChild(actions);
    return item;
  }

  function render(alerts) {
    var current = {};
    var fresh = [];
    alerts.forEach(function (alert) { current[alert.id] = true; });
    Array.prototype.slice.call(list.children).forEach(function (item) {
      if (!current[item.getAttribute("data-alert-id")]) { list.removeChild(item); }
    });
    alerts.slice().reverse().forEach(function (alert) {
      if (list.querySelector('[data-alert-id="' + alert.id + '"]')) { return; }
      list.insertBefore(card(alert), list.firstChild);
      if (!seen[alert.id]) { fresh.push(alert); }
      seen[alert.id] = true;
    });
    box.hidden = !list.children.length;
    if (fresh.length && news) {
      news.textContent = "Emergency on the " + fresh[0].channel_label.toLowerCase() + " at " + localTime(fresh[0].at) + ".";
    }
  }

  function poll() {
    fetch(box.getAttribute("data-url"), { credentials: "same-origin", cache: "no-store",
                                          headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.redirected || response.status === 401) { throw new Error("signed out"); }
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data && data.alerts) {
          if (data.poll_seconds) { delay = data.poll_seconds * 1000; }
          render(data.alerts);
        }
        timer = setTimeout(poll, delay);
      })
      .catch(function (err) {
        if (err && err.message === "signed out") { return; }
        timer = setTimeout(poll, delay * 2);
      });
  }

  poll();
  window.addEventListener("pagehide", function () { if (timer) { clearTimeout(timer); } });
}());
