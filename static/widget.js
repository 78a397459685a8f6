/* clinicbot website widget loader.
   Embed: <script src="https://BOT_HOST/widget.js" async></script>
   Options (data- attributes on that script tag): data-position="right|left",
   data-accent="#0b6e6e", data-greeting="Hi! ...", data-open="true", data-label="Ask us", data-lang="es"
   (the chat's language until the visitor picks one; default: the browser's).
   Adds one element to the host page (<clinicbot-widget>), whose shadow root holds a
   launcher button and the chat iframe served from the bot's own origin. Host CSS
   cannot reach inside the shadow root, the host element's own styles are pinned
   inline with !important, and nothing here styles the host page. Messages with the
   frame are namespaced JSON, posted to the bot's origin only and accepted only from
   the frame's window at that origin. No requests go anywhere but the bot's origin. */
(function () {
  "use strict";

  var NS = "clinicbot";
  /* The loader's own strings in each language, filled in by the server (web/widget.py) from the catalogs. */
  var MESSAGES = {} /* clinicbot:messages */;
  if (window.__clinicbotWidget) return; /* a second include does nothing */
  window.__clinicbotWidget = true;

  var script = document.currentScript;
  if (!script) {
    var all = document.querySelectorAll("script[src]");
    for (var i = all.length - 1; i >= 0; i--) {
      if (/\/widget(-[0-9a-f]+)?\.js(\?|#|$)/.test(all[i].src)) { script = all[i]; break; }
    }
  }
  if (!script || !document.documentElement.attachShadow || !window.JSON) return;
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start); /* included in <head> without async/defer */

  function start() {
    var botOrigin = new URL(script.src, window.location.href).origin;
    var data = script.dataset;
    var position = data.position === "left" ? "left" : "right";
    var accent = /^#[0-9a-fA-F]{6}$/.test(data.accent || "") ? data.accent : "#0b6e6e";
    var lang = pickLanguage(data.lang);
    var label = (data.label || _("Ask us")).slice(0, 40);
    var greeting = (data.greeting || "").slice(0, 300);
    var stateKey = NS + ".widget.open";
    var chatKey = NS + ".widget.chat";
    var langKey = NS + ".widget.lang";
    var frame = null;
    var frameReady = false;
    var isOpen = false;
    var pendingFocus = false;

    /* data-lang if the bot speaks it, else the first of the browser's languages it speaks, else English. */
    function pickLanguage(wanted) {
      var all = [wanted].concat(navigator.languages || [navigator.language]);
      for (var n = 0; n < all.length; n++) {
        var code = String(all[n] || "").toLowerCase().split("-")[0];
        if (code === "en" || Object.prototype.hasOwnProperty.call(MESSAGES, code)) return code;
      }
      return "en";
    }

    function _(text, values) {
      var table = MESSAGES[lang] || {};
      var out = Object.prototype.hasOwnProperty.call(table, text) ? table[text] : text;
      return out.replace(/%\((\w+)\)s/g, function (all, name) { return values && name in values ? String(values[name]) : all; });
    }

    function openLabel(count) {
      if (!count) return _("%(label)s: open chat", { label: label });
      return count === 1 ? _("%(label)s: open chat, 1 new answer", { label: label })
        : _("%(label)s: open chat, %(count)s new answers", { label: label, count: count });
    }

    /* Darken the accent until white text on it reaches 4.5:1 (the launcher label is white). */
    function readable(hex) {
      var c = [1, 3, 5].map(function (i) { return parseInt(hex.substr(i, 2), 16); });
      function lum(v) {
        var l = v.map(function (x) { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
        return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
      }
      for (var n = 0; n < 40 && 1.05 / (lum(c) + 0.05) < 4.6; n++) c = c.map(function (x) { return x * 0.92; });
      return "rgb(" + c.map(Math.round).join(",") + ")";
    }

    var CSS = [
      ":host{all:initial!important;display:block!important}",
      "*{box-sizing:border-box}",
      ".cb{position:fixed;z-index:2147483000;bottom:20px;" + position + ":20px;font:16px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;color:#1c2430;-webkit-text-size-adjust:100%}",
      ".launcher{all:unset;box-sizing:border-box;display:inline-flex;align-items:center;gap:10px;min-height:56px;min-width:56px;padding:0 22px 0 18px;border-radius:999px;background:var(--accent);color:#fff;font:600 16px/1 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;cursor:pointer;box-shadow:0 6px 20px rgba(16,24,40,.22),0 2px 6px rgba(16,24,40,.12);transition:transform .15s ease,box-shadow .15s ease;position:relative}",
      ".launcher:hover{transform:translateY(-1px);box-shadow:0 10px 26px rgba(16,24,40,.26),0 2px 6px rgba(16,24,40,.12)}",
      ".launcher:focus-visible{outline:3px solid #1a73e8;outline-offset:3px}",
      ".launcher svg{width:24px;height:24px;flex:none;fill:currentColor}",
      ".launcher .x{display:none}",
      ".open .launcher{padding:0;width:56px;justify-content:center}",
      ".open .launcher .label,.open .launcher .chat{display:none}",
      ".open .launcher .x{display:block}",
      ".badge{position:absolute;top:-4px;" + (position === "left" ? "left" : "right") + ":-4px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;background:#b3261e;color:#fff;font:700 13px/22px system-ui,sans-serif;text-align:center;border:2px solid #fff}",
      ".badge[hidden]{display:none}",
      ".panel{position:absolute;bottom:72px;" + position + ":0;width:400px;max-width:calc(100vw - 32px);height:min(var(--panel-h,680px),calc(100vh - 120px));border-radius:16px;overflow:hidden;background:#fff;box-shadow:0 16px 48px rgba(16,24,40,.28),0 2px 8px rgba(16,24,40,.12);opacity:0;transform:translateY(12px) scale(.98);transform-origin:bottom " + position + ";transition:opacity .18s ease,transform .18s ease,height .2s ease;visibility:hidden}",
      ".open .panel{opacity:1;transform:none;visibility:visible}",
      ".panel iframe{display:block;width:100%;height:100%;border:0;margin:0;padding:0;background:#fff;color-scheme:light}",
      "@media (max-width:599.98px){.cb{bottom:16px;" + position + ":16px}.cb.open:not(.is-down){inset:0;bottom:auto;height:var(--vvh,100%);top:var(--vvt,0)}",
      ".open:not(.is-down) .panel{position:absolute;inset:0;width:100%;max-width:none;height:100%;border-radius:0;bottom:auto}",
      ".open:not(.is-down) .launcher{display:none}}",
      ".is-down .panel{height:auto}",
      ".down{margin:0;padding:32px 24px;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1c2430;text-align:center}",
      "@media (prefers-reduced-motion:reduce){.launcher,.panel{transition:none}.launcher:hover{transform:none}}"
    ].join("\n");

    var host = document.createElement("clinicbot-widget");
    /* Pin the host element against page CSS: inline !important beats any stylesheet rule. */
    var pin = {
      all: "initial", display: "block", position: "fixed", inset: "auto", top: "0", left: "0", width: "0",
      height: "0", margin: "0", padding: "0", border: "0", overflow: "visible", visibility: "visible",
      opacity: "1", transform: "none", filter: "none", contain: "none", "pointer-events": "auto",
      clip: "auto", "clip-path": "none", zoom: "1", background: "transparent", "z-index": "2147483000"
    };
    Object.keys(pin).forEach(function (p) { host.style.setProperty(p, pin[p], "important"); });
    var root = host.attachShadow({ mode: "open" });
    if (root.adoptedStyleSheets !== undefined && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
      /* A constructed sheet works under a host CSP that forbids inline <style>. */
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } else {
      var style = document.createElement("style");
      style.textContent = CSS;
      root.appendChild(style);
    }

    var box = document.createElement("div");
    box.className = "cb";
    box.style.setProperty("--accent", readable(accent));
    var panel = document.createElement("div");
    panel.className = "panel";
    panel.id = "clinicbot-panel";
    var launcher = document.createElement("button");
    launcher.type = "button";
    launcher.className = "launcher";
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-controls", "clinicbot-panel");
    launcher.setAttribute("aria-label", openLabel(0));
    var svg = "http://www.w3.org/2000/svg";
    function icon(cls, d) {
      var s = document.createElementNS(svg, "svg");
      s.setAttribute("viewBox", "0 0 24 24");
      s.setAttribute("aria-hidden", "true");
      s.setAttribute("class", cls);
      var p = document.createElementNS(svg, "path");
      p.setAttribute("d", d);
      s.appendChild(p);
      return s;
    }
    launcher.appendChild(icon("chat", "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0-.01zm5 0a1.5 1.5 0 1 0 0-.01zm5 0a1.5 1.5 0 1 0 0-.01z"));
    launcher.appendChild(icon("x", "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z"));
    var text = document.createElement("span");
    text.className = "label";
    text.textContent = label;
    launcher.appendChild(text);
    var badge = document.createElement("span");
    badge.className = "badge";
    badge.hidden = true;
    badge.setAttribute("aria-hidden", "true");
    launcher.appendChild(badge);
    box.appendChild(panel);
    box.appendChild(launcher);
    root.appendChild(box);

    function send(type, extra) {
      if (!frame || !frame.contentWindow) return;
      var message = { ns: NS, v: 1, type: type };
      if (extra) for (var k in extra) message[k] = extra[k];
      frame.contentWindow.postMessage(JSON.stringify(message), botOrigin);
    }

    function makeFrame() {
      if (frame) return;
      var q = "origin=" + encodeURIComponent(window.location.origin) + "&accent=" + encodeURIComponent(accent);
      if (greeting) q += "&greeting=" + encodeURIComponent(greeting);
      if (data.lang) q += "&site_lang=" + encodeURIComponent(lang);
      var chosen = null;
      try { chosen = window.sessionStorage.getItem(langKey); } catch (e) { /* no storage: the frame's own memory */ }
      if (chosen && /^[a-z]{2,3}$/.test(chosen)) q += "&lang=" + chosen;
      frame = document.createElement("iframe");
      frame.src = botOrigin + "/widget/frame?" + q;
      frame.title = _("Chat with the clinic");
      frame.setAttribute("allow", "");
      frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
      frame.addEventListener("load", function () {
        /* The frame says "ready" before its load event; silence means the browser refused it
           (this site is not in CLINICBOT_WIDGET_ORIGINS) or the bot is down. */
        window.setTimeout(function () { if (!frameReady) unavailable(); }, 800);
      });
      panel.appendChild(frame);
    }

    function unavailable() {
      if (panel.querySelector(".down")) return;
      var note = document.createElement("p");
      note.className = "down";
      note.setAttribute("role", "status");
      note.textContent = _("Sorry, the chat is not available right now. Please call or contact the clinic directly.");
      panel.appendChild(note);
      box.classList.add("is-down");
      frame.style.setProperty("display", "none");
      if (window.console) {
        window.console.warn("clinicbot widget: the chat frame from " + botOrigin + " did not load. Is " +
          window.location.origin + " listed in CLINICBOT_WIDGET_ORIGINS on the bot?");
      }
    }

    function remember(open) {
      try {
        window.sessionStorage.setItem(stateKey, open ? "1" : "0");
      } catch (e) { /* storage blocked: the panel just starts closed on the next page */ }
    }

    function open(focus) {
      makeFrame();
      isOpen = true;
      box.classList.add("open");
      launcher.setAttribute("aria-expanded", "true");
      launcher.setAttribute("aria-label", _("Close chat"));
      badge.hidden = true;
      remember(true);
      fitViewport();
      if (focus) frame.focus();
      if (frameReady) send("open", { focus: !!focus, fullScreen: fullScreen() });
      else pendingFocus = !!focus;
    }

    function close(returnFocus) {
      isOpen = false;
      box.classList.remove("open");
      launcher.setAttribute("aria-expanded", "false");
      launcher.setAttribute("aria-label", openLabel(0));
      remember(false);
      send("close");
      if (returnFocus) launcher.focus();
    }

    window.addEventListener("message", function (event) {
      if (!frame || event.origin !== botOrigin || event.source !== frame.contentWindow) return;
      var message;
      try { message = typeof event.data === "string" ? JSON.parse(event.data) : null; } catch (e) { return; }
      if (!message || message.ns !== NS || typeof message.type !== "string") return;
      if (message.type === "ready") {
        frameReady = true;
        /* The chat's language (the visitor may have picked one in the frame): the launcher follows it. */
        if (typeof message.lang === "string" && message.lang !== lang && (message.lang === "en" ||
            Object.prototype.hasOwnProperty.call(MESSAGES, message.lang))) {
          lang = message.lang;
          if (!data.label) { label = _("Ask us"); text.textContent = label; }
          if (!isOpen) launcher.setAttribute("aria-label", openLabel(0));
          else launcher.setAttribute("aria-label", _("Close chat"));
        }
        if (typeof message.title === "string" && message.title) frame.title = message.title.slice(0, 120);
        if (message.needsState) {
          var kept = null;
          try { kept = window.sessionStorage.getItem(chatKey); } catch (e) { /* no storage here either */ }
          if (kept) send("restore", { state: kept });
        }
        if (isOpen) send("open", { focus: pendingFocus, fullScreen: fullScreen() });
      } else if (message.type === "lang") {
        /* The visitor picked a language in the frame: kept for the tab, like the conversation. */
        try {
          if (typeof message.lang === "string" && /^[a-z]{2,3}$/.test(message.lang)) window.sessionStorage.setItem(langKey, message.lang);
        } catch (e) { /* storage blocked: the frame's cookie or storage may still remember it */ }
      } else if (message.type === "close") {
        close(true);
      } else if (message.type === "resize") {
        /* The frame asks for the height its content needs; the panel stays within 360-680 px. */
        var height = Math.max(360, Math.min(680, parseInt(message.height, 10) || 680));
        box.style.setProperty("--panel-h", height + "px");
      } else if (message.type === "state") {
        /* Only used when the browser denies the frame its own storage (see chat.js). */
        try {
          if (typeof message.state === "string" && message.state.length < 400000) window.sessionStorage.setItem(chatKey, message.state);
          else if (message.state === null) window.sessionStorage.removeItem(chatKey);
        } catch (e) { /* storage blocked or full: the conversation just won't survive navigation */ }
      } else if (message.type === "unread" && !isOpen) {
        var count = Math.max(0, Math.min(99, parseInt(message.count, 10) || 0));
        badge.textContent = String(count);
        badge.hidden = count === 0;
        launcher.setAttribute("aria-label", openLabel(count));
      }
    });

    launcher.addEventListener("click", function () {
      if (isOpen) close(true); else open(true);
    });
    root.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && isOpen) { event.preventDefault(); close(true); }
    });

    /* The panel covers the whole page only on narrow screens (the CSS breakpoint above). The frame
       cannot tell from its own width (the floating panel is narrow too), so the loader says so. */
    var narrow = window.matchMedia ? window.matchMedia("(max-width: 599.98px)") : null;
    function fullScreen() { return !!(narrow && narrow.matches); }
    if (narrow && narrow.addEventListener) {
      narrow.addEventListener("change", function () { if (isOpen && frameReady) send("layout", { fullScreen: fullScreen() }); });
    }

    /* On phones the panel is full screen: follow the visual viewport so the
       on-screen keyboard never covers the input. */
    function fitViewport() {
      var vv = window.visualViewport;
      if (!vv) return;
      box.style.setProperty("--vvh", vv.height + "px");
      box.style.setProperty("--vvt", vv.offsetTop + "px");
    }
    if (window.visualViewport) {
      window.visualViewport.addEventListener("resize", fitViewport);
      window.visualViewport.addEventListener("scroll", fitViewport);
    }

    document.body.appendChild(host);
    if (host.showPopover) {
      /* The top layer escapes the host page's transforms, filters, overflow and z-index stacking. */
      host.setAttribute("popover", "manual");
      try { host.showPopover(); } catch (e) { /* already shown or unsupported: stays in the page */ }
    }
    /* Reopen on the next page if it was open; data-open only until the visitor has closed it once. */
    var kept = null;
    try { kept = window.sessionStorage.getItem(stateKey); } catch (e) { /* no storage */ }
    if (kept === "1" || (kept === null && data.open === "true")) open(false);
  }
})();
