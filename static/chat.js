/* clinicbot chat UI, shared by the full page (/) and the widget frame (/widget/frame).
   Sends messages to /api/chat and renders answers. Everything from the server or
   the user is inserted as text; the only markup kept from the server is <mark> in
   snippets, rebuilt node by node. The conversation lives in sessionStorage so it
   survives navigation within the visit and is gone when the tab closes. In the
   frame it talks to the loader (static/widget.js) with namespaced postMessage. */
(function () {
  "use strict";

  var NS = "clinicbot";
  var MAX_ITEMS = 60;
  var config = JSON.parse(document.getElementById("chat-config").textContent);
  var channel = config.channel || "web";
  var storageKey = NS + ".chat.v1." + channel;
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var starters = document.getElementById("starters");
  var restart = document.getElementById("restart");
  var closeButton = document.getElementById("close");
  var typing = document.getElementById("typing");
  var scroller = document.querySelector(".chat-main");
  var shell = document.querySelector(".chat-shell");
  var sendButton = form.querySelector("button[type=submit]");
  var parentOrigin = config.parentOrigin || null;
  var inFrame = window.parent !== window && !!parentOrigin;
  var visible = !inFrame;
  var unread = 0;
  var busy = false;
  var storageOk = probeStorage();
  var state = load() || fresh();

  /* ---------- state ---------- */

  function newId() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function fresh() {
    return { conversationId: newId(), context: null, items: [] };
  }

  /* Browsers that block third-party storage (Chrome incognito, strict modes) throw on
     sessionStorage inside the widget's iframe; the frame then asks the loader to keep
     the conversation in the host tab's sessionStorage instead (still gone when the tab closes). */
  function probeStorage() {
    try {
      window.sessionStorage.setItem(NS + ".probe", "1");
      window.sessionStorage.removeItem(NS + ".probe");
      return true;
    } catch (e) {
      return false;
    }
  }

  function parseState(raw) {
    try {
      var saved = typeof raw === "string" ? JSON.parse(raw) : null;
      if (saved && typeof saved.conversationId === "string" && /^[A-Za-z0-9_-]{1,100}$/.test(saved.conversationId) &&
          Array.isArray(saved.items)) {
        if (typeof saved.context !== "string") saved.context = null;
        return saved;
      }
    } catch (e) { /* corrupt: start a new conversation */ }
    return null;
  }

  function load() {
    if (!storageOk) return null;
    return parseState(window.sessionStorage.getItem(storageKey));
  }

  function save() {
    if (state.items.length > MAX_ITEMS) state.items = state.items.slice(-MAX_ITEMS);
    var raw = JSON.stringify(state);
    if (!storageOk) { post("state", { state: raw }); return; }
    try {
      window.sessionStorage.setItem(storageKey, raw);
    } catch (e) { /* storage full: the conversation still works, it just won't survive navigation */ }
  }

  function forget() {
    if (!storageOk) { post("state", { state: null }); return; }
    try { window.sessionStorage.removeItem(storageKey); } catch (e) { /* nothing stored */ }
  }

  function restore(saved) {
    state = saved;
    if (!state.items.length) return;
    /* A restored conversation is not news: keep the live region quiet while it is redrawn. */
    log.setAttribute("aria-live", "off");
    state.items.forEach(renderItem);
    starters.hidden = true;
    window.setTimeout(function () { log.setAttribute("aria-live", "polite"); }, 0);
  }

  /* ---------- colours: an accent from the embed, kept readable ---------- */

  function rgb(hex) {
    return [1, 3, 5].map(function (i) { return parseInt(hex.substr(i, 2), 16); });
  }
  function hex(c) {
    return "#" + c.map(function (v) { return ("0" + Math.round(Math.max(0, Math.min(255, v))).toString(16)).slice(-2); }).join("");
  }
  function luminance(c) {
    var l = c.map(function (v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
  }
  /* Darken until white text on it reaches 4.5:1 (WCAG AA), whatever colour the clinic picked. */
  function readable(c) {
    for (var i = 0; i < 40 && 1.05 / (luminance(c) + 0.05) < 4.6; i++) c = c.map(function (v) { return v * 0.92; });
    return c;
  }
  function applyAccent(accent) {
    if (!accent || !/^#[0-9a-fA-F]{6}$/.test(accent)) return;
    var c = readable(rgb(accent));
    var root = document.documentElement.style;
    root.setProperty("--accent", hex(c));
    root.setProperty("--accent-dark", hex(c.map(function (v) { return v * 0.72; })));
    root.setProperty("--accent-soft", hex(c.map(function (v) { return v + (255 - v) * 0.89; })));
  }

  /* ---------- rendering ---------- */

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function safeUrl(href) {
    if (!href) return null;
    try {
      var url = new URL(href, window.location.href);
      return (url.protocol === "https:" || url.protocol === "http:" || url.protocol === "tel:") ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  /* Keep only text and <mark> from the server's snippet HTML. */
  function markedSnippet(html, plain) {
    var p = el("p", "card-snippet");
    if (!html) { p.textContent = plain || ""; return p; }
    var doc = new DOMParser().parseFromString("<div>" + html + "</div>", "text/html");
    doc.body.firstChild.childNodes.forEach(function (node) {
      if (node.nodeType === 1 && node.tagName === "MARK") p.appendChild(el("mark", null, node.textContent));
      else p.appendChild(document.createTextNode(node.textContent || ""));
    });
    return p;
  }

  function scrollToEnd(node) {
    if (node && node.classList.contains("msg-bot") && node.offsetHeight > scroller.clientHeight * 0.6) {
      /* A long answer is read from its top, not its last card. */
      scroller.scrollTop = node.offsetTop - scroller.offsetTop - 8;
    } else {
      scroller.scrollTop = scroller.scrollHeight;
    }
  }

  function addMessage(role, content) {
    var wrap = el("div", "msg msg-" + role);
    var bubble = el("div", "bubble");
    if (typeof content === "string") bubble.appendChild(el("p", null, content));
    else bubble.appendChild(content);
    wrap.appendChild(bubble);
    log.appendChild(wrap);
    scrollToEnd(wrap);
    askForHeight();
    return wrap;
  }

  function link(className, text, href, newTab) {
    var url = safeUrl(href);
    if (!url) return null;
    var a = el("a", className, text);
    a.href = url;
    if (newTab) { a.target = "_blank"; a.rel = "noopener noreferrer"; }
    return a;
  }

  function renderCard(result) {
    var card = el("article", "card");
    card.appendChild(el("p", "card-post", result.post_title));
    var heading = result.section_heading || "Introduction";
    if (result.parent_heading) heading = result.parent_heading + " › " + heading;
    card.appendChild(el("h3", "card-heading", heading));
    card.appendChild(markedSnippet(result.snippet_html, result.snippet));
    var a = link("card-link", "Read this section", result.section_url || result.post_url, true);
    if (a) {
      a.setAttribute("aria-label", "Read this section: " + heading + " (opens in a new tab)");
      a.appendChild(el("span", "card-link-arrow", " ↗")).setAttribute("aria-hidden", "true");
      card.appendChild(a);
    }
    return card;
  }

  function optionParts(option) {
    if (typeof option === "string") return { label: option, message: option };
    if (option && typeof option === "object") {
      var label = option.label || option.text || option.value || "";
      return { label: String(label), message: String(option.message || option.value || label) };
    }
    return { label: "", message: "" };
  }

  function disableOldOptions() {
    log.querySelectorAll(".followup .quick").forEach(function (b) { b.disabled = true; });
  }

  function renderFollowUp(followUp) {
    var fu = el("div", "followup");
    var question = el("p", "followup-q", followUp.question || "");
    question.id = "fu-" + newId();
    fu.appendChild(question);
    var opts = el("div", "options");
    opts.setAttribute("role", "group");
    opts.setAttribute("aria-labelledby", question.id);
    followUp.options.forEach(function (option) {
      var parts = optionParts(option);
      if (!parts.label) return;
      var b = el("button", "quick", parts.label);
      b.type = "button";
      b.addEventListener("click", function () {
        if (busy) return;
        b.classList.add("quick-picked");
        send(parts.message);
      });
      opts.appendChild(b);
    });
    fu.appendChild(opts);
    return fu;
  }

  function renderAnswer(answer) {
    disableOldOptions();
    var box = el("div", "answer");
    var level = answer.triage && answer.triage.level;
    if (level === "emergency" || level === "urgent") {
      /* First thing in the answer, so it is the first thing seen and heard. */
      var t = el("div", "triage triage-" + level);
      var title = el("p", "triage-title");
      title.appendChild(el("span", "triage-icon", "!")).setAttribute("aria-hidden", "true");
      title.appendChild(el("strong", null, level === "emergency" ? "This needs urgent medical attention" : "Please get this checked soon"));
      t.appendChild(title);
      t.appendChild(el("p", null, answer.triage.message || answer.reply));
      if (level === "emergency" && answer.cta) {
        var call = link("btn-emergency", answer.cta.text, answer.cta.url, false);
        if (call) t.appendChild(call);
        (answer.cta.numbers || []).slice(1).forEach(function (n) {
          var more = link("btn-emergency btn-emergency-alt", n.label + ": call " + n.phone, n.url, false);
          if (more) t.appendChild(more);
        });
      }
      box.appendChild(t);
    }
    if (level !== "emergency") {
      var reply = answer.reply || "";
      if (level === "urgent" && answer.triage.message && reply.indexOf(answer.triage.message) === 0) {
        reply = reply.slice(answer.triage.message.length).trim();
      }
      if (reply) box.appendChild(el("p", "reply", reply));
      if (answer.results && answer.results.length) {
        var cards = el("div", "cards");
        answer.results.forEach(function (r) { cards.appendChild(renderCard(r)); });
        box.appendChild(cards);
      }
      if (answer.follow_up && Array.isArray(answer.follow_up.options) && answer.follow_up.options.length) {
        box.appendChild(renderFollowUp(answer.follow_up));
      }
      if (answer.cta) {
        var cta = el("div", "cta");
        var book = link("btn-cta", answer.cta.text, answer.cta.url, true);
        if (book) cta.appendChild(book);
        if (answer.cta.phone) {
          var tel = link("btn-call", "Call " + answer.cta.phone, "tel:" + answer.cta.phone.replace(/[^0-9+]/g, ""), false);
          if (tel) cta.appendChild(tel);
        }
        if (cta.childNodes.length) box.appendChild(cta);
      }
    }
    if (answer.disclaimer) box.appendChild(el("p", "answer-notice", answer.disclaimer));
    var wrap = addMessage("bot", box);
    wrap.classList.add(level === "emergency" ? "msg-emergency" : "msg-answer");
    wrap.querySelector(".bubble").classList.add("bubble-wide");
    return wrap;
  }

  function renderItem(item) {
    if (item.role === "user") addMessage("user", item.text);
    else if (item.role === "bot" && item.answer) renderAnswer(item.answer);
  }

  function setBusy(value) {
    busy = value;
    sendButton.disabled = value;
    log.setAttribute("aria-busy", value ? "true" : "false");
    typing.hidden = !value;
    if (value) scroller.scrollTop = scroller.scrollHeight;
  }

  /* ---------- talking to the API ---------- */

  function send(text) {
    text = (text || "").trim();
    if (!text || busy) return;
    if (text.length > config.maxChars) {
      addMessage("bot", el("p", "error-msg", "That message is too long — please keep it under " + config.maxChars + " characters."));
      return;
    }
    setBusy(true);
    starters.hidden = true;
    addMessage("user", text);
    state.items.push({ role: "user", text: text });
    save();
    var body = { message: text, conversation_id: state.conversationId, channel: channel };
    if (state.context) body.context = state.context;
    var conversationAtSend = state.conversationId;
    fetch(config.api, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, body: data }; });
    }).then(function (result) {
      if (conversationAtSend !== state.conversationId) return; /* started over meanwhile */
      if (!result.ok) {
        var message = (result.body && result.body.error && result.body.error.message) || "Something went wrong.";
        addMessage("bot", el("p", "error-msg", message));
      } else {
        var answer = result.body;
        state.context = typeof answer.context === "string" ? answer.context : null;
        state.items.push({ role: "bot", answer: answer });
        save();
        renderAnswer(answer);
        if (!visible) { unread += 1; post("unread", { count: unread }); }
      }
    }).catch(function () {
      addMessage("bot", el("p", "error-msg", "We couldn't reach the server. Please check your connection and try again."));
    }).then(function () {
      setBusy(false);
      if (visible && !matchMedia("(pointer: coarse)").matches) input.focus();
    });
  }

  /* Tell the loader how tall the panel needs to be, so a fresh chat is not a tall empty box;
     the loader caps it (the panel never grows past its maximum, phones stay full screen). */
  var lastHeight = 0;
  function askForHeight() {
    if (!inFrame) return;
    var main = scroller.getBoundingClientRect();
    var bottom = main.top;
    Array.prototype.forEach.call(scroller.children, function (child) {
      if (child.offsetParent !== null) bottom = Math.max(bottom, child.getBoundingClientRect().bottom);
    });
    var content = bottom - main.top + scroller.scrollTop + parseFloat(getComputedStyle(scroller).paddingBottom);
    var height = Math.ceil(shell.clientHeight - scroller.clientHeight + content);
    if (height > lastHeight) { lastHeight = height; post("resize", { height: height }); }
  }

  function startOver() {
    while (log.children.length > 1) log.removeChild(log.lastChild);
    forget();
    state = fresh();
    starters.hidden = false;
    input.value = "";
    autosize();
    input.focus();
  }

  /* ---------- the loader (widget frame only) ---------- */

  function post(type, data) {
    if (!inFrame) return;
    var message = { ns: NS, v: 1, type: type };
    if (data) Object.keys(data).forEach(function (k) { message[k] = data[k]; });
    window.parent.postMessage(JSON.stringify(message), parentOrigin);
  }

  function onParentMessage(event) {
    if (event.origin !== parentOrigin || event.source !== window.parent) return;
    var message;
    try { message = typeof event.data === "string" ? JSON.parse(event.data) : null; } catch (e) { return; }
    if (!message || message.ns !== NS || typeof message.type !== "string") return;
    if (message.type === "open") {
      visible = true;
      unread = 0;
      if (message.focus) input.focus({ preventScroll: true });
      scroller.scrollTop = scroller.scrollHeight;
    } else if (message.type === "close") {
      visible = false;
    } else if (message.type === "restore" && !storageOk && !busy && !state.items.length) {
      var saved = parseState(message.state);
      if (saved) restore(saved);
    }
  }

  /* On phones the panel covers the whole page, so Tab cycles inside it like a dialog. */
  function keepFocusInside(event) {
    var focusable = Array.prototype.filter.call(
      document.querySelectorAll("button:not([disabled]), a[href], textarea, input"),
      function (node) { return node.offsetParent !== null; });
    if (!focusable.length) return;
    var first = focusable[0];
    var last = focusable[focusable.length - 1];
    if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
    else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
  }

  /* ---------- wiring ---------- */

  function autosize() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 160) + "px";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim() || busy) return;
    input.value = "";
    autosize();
    send(text);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  input.addEventListener("input", autosize);
  starters.querySelectorAll(".chip").forEach(function (chip) {
    chip.addEventListener("click", function () { send(chip.textContent); });
  });
  // Booking and call clicks feed the clinic's click-through report (POST /api/event); never delays the link.
  log.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("a.btn-cta, a.btn-call") : null;
    if (!target || !navigator.sendBeacon) return;
    var body = JSON.stringify({ kind: "cta_click", channel: channel, conversation_id: state.conversationId,
                                url: target.href });
    navigator.sendBeacon(config.eventApi || "/api/event", new Blob([body], { type: "application/json" }));
  });
  restart.addEventListener("click", startOver);

  applyAccent(config.accent);
  restore(state);
  /* The composer ships disabled: typing before this script runs would submit the form natively
     (the message in a URL). From here on the script handles sending. */
  input.disabled = false;
  sendButton.disabled = false;

  if (inFrame) {
    document.documentElement.classList.add("in-frame");
    window.addEventListener("message", onParentMessage);
    if (closeButton) closeButton.addEventListener("click", function () { post("close"); });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); post("close"); }
      else if (event.key === "Tab" && window.innerWidth < 600) keepFocusInside(event);
    });
    post("ready", { needsState: !storageOk, title: document.title });
    askForHeight();
  } else if (window.visualViewport && shell) {
    /* Keep the composer above an on-screen keyboard on the full page. */
    var fit = function () { shell.style.height = window.visualViewport.height + "px"; };
    window.visualViewport.addEventListener("resize", fit);
    fit();
  }
})();
