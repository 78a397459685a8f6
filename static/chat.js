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
  var fullScreen = false;  // the widget panel covers the screen (phones): set by the loader
  var busy = false;
  var storageOk = probeStorage();
  var state = load() || fresh();
  /* The interface language (web/i18n.py): sent with each request, so a message that reads as neither
     language ("ok") is answered in it; the switch's choice is remembered for the conversation. */
  var uiLang = window.clinicbotI18n.lang;
  var LANG_KEY = NS + ".lang";
  if (rememberedLanguage()) return;

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
    showStarters(false);
    window.setTimeout(function () { log.setAttribute("aria-live", "polite"); }, 0);
  }

  /* ---------- language switch ---------- */

  function stored(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }

  /* The page came without an explicit ?lang= but the visitor chose another language earlier (the widget
     frame cannot rely on a cookie on another site): reload once in that language. */
  function rememberedLanguage() {
    if (/[?&]lang=/.test(window.location.search)) return false;
    var choice = stored(LANG_KEY);
    var target = choice && choice !== uiLang ? document.querySelector(".lang-link[data-lang=\"" + choice + "\"]") : null;
    if (!target) return false;
    window.location.replace(target.href);
    return true;
  }

  function rememberChoice(event) {
    var link = event.target.closest ? event.target.closest(".lang-link") : null;
    if (!link) return;
    /* In the widget the loader keeps the choice too: a browser may deny this frame its storage. */
    post("lang", { lang: link.getAttribute("data-lang") });
    try { window.localStorage.setItem(LANG_KEY, link.getAttribute("data-lang")); } catch (e) { /* the link still works */ }
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

  var el = window.clinicbotDom.el;  /* static/dom.js */
  var _ = window.clinicbotI18n._;  /* static/i18n.js: the page's language */

  function safeUrl(href) {
    if (!href) return null;
    try {
      var url = new URL(href, window.location.href);
      return (url.protocol === "https:" || url.protocol === "http:" || url.protocol === "tel:" || url.protocol === "sms:") ? url.href : null;
    } catch (e) {
      return null;
    }
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

  /* A Spanish answer points to the clinic's English posts: say so, in Spanish, on each card. */
  function articleLang(result, lang, className) {
    if (lang !== "es" || !result.article_lang || result.article_lang === lang) return null;
    var note = el("p", className, "artículo en inglés");
    note.setAttribute("lang", "es");
    return note;
  }

  /* The visible words this file adds to a card (the reason itself comes from the server, in the answer's language). */
  var LABELS = { more: _("Also in this article:"), intro: _("Introduction") };

  function sectionTitle(section) {
    var heading = section.section_heading || LABELS.intro;
    return section.parent_heading ? section.parent_heading + " › " + heading : heading;
  }

  function renderCard(result, lang) {
    var card = el("article", "card");
    var note = articleLang(result, lang, "card-lang");
    if (note) card.appendChild(note);
    card.appendChild(el("p", "card-post", result.post_title));
    var heading = sectionTitle(result);
    card.appendChild(el("h3", "card-heading", heading));
    if (result.reason) {
      var why = el("p", "card-reason", result.reason);
      if (lang) why.setAttribute("lang", lang);
      card.appendChild(why);
    }
    card.appendChild(window.clinicbotDom.markedSnippet(result.snippet_html, result.snippet, "card-snippet"));
    var a = link("card-link", _("Read this section"), result.section_url || result.post_url, true);
    if (a) {
      a.setAttribute("aria-label", _("Read this section: %(heading)s (opens in a new tab)", { heading: heading }));
      a.appendChild(el("span", "card-link-arrow", " ↗")).setAttribute("aria-hidden", "true");
      card.appendChild(a);
    }
    var more = (result.more_sections || []).filter(function (s) { return safeUrl(s.section_url); });
    if (more.length) {
      /* The post's other matching sections: one card per post, its best section first. */
      var label = el("p", "card-more-label", LABELS.more);
      label.id = "more-" + newId();
      card.appendChild(label);
      var list = el("ul", "card-more");
      list.setAttribute("aria-labelledby", label.id);
      more.forEach(function (section) {
        var item = el("li");
        var title = sectionTitle(section);
        var go = link("card-more-link", title, section.section_url, true);
        go.setAttribute("aria-label", title + " (opens in a new tab)");
        item.appendChild(go);
        list.appendChild(item);
      });
      card.appendChild(list);
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

  function renderFollowUp(followUp, lang) {
    var fu = el("div", "followup");
    if (lang) fu.setAttribute("lang", lang);
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
    var lines = answer.cta && Array.isArray(answer.cta.numbers) && answer.cta.numbers.length ? answer.cta.numbers : null;
    /* Emergency, crisis, abuse, pregnancy and learned-screen answers lead with the lines to call, never the booking link. */
    var actionFirst = level === "emergency" || (level === "urgent" && !!lines);
    if (level === "emergency" || level === "urgent") {
      /* First thing in the answer, so it is the first thing seen and heard: the action, then the button, then why. */
      var es = answer.triage.lang === "es";
      var t = el("div", "triage triage-" + level);
      t.setAttribute("role", "alert");
      if (answer.triage.lang) t.setAttribute("lang", answer.triage.lang);
      var title = el("p", "triage-title");
      title.appendChild(el("span", "triage-icon", "!")).setAttribute("aria-hidden", "true");
      var fallback = level === "emergency" ? _("This needs urgent medical attention") : _("Please get this checked soon");
      title.appendChild(el("strong", null, answer.triage.title || fallback));
      t.appendChild(title);
      if (actionFirst && answer.cta) {
        var actions = el("div", "triage-actions");
        /* The title already names the action; the button says what it dials ("Call 988"). */
        var call = link("btn-emergency", lines ? lines[0].text : answer.cta.text, answer.cta.url, false);
        if (call) actions.appendChild(call);
        if (lines && lines[0].sms_url) {
          var sms = link("btn-emergency btn-emergency-alt", (es ? "Enviar mensaje al " : "Text ") + lines[0].phone, lines[0].sms_url, false);
          if (sms) actions.appendChild(sms);
        }
        (lines || []).slice(1).forEach(function (n) {
          var more = link("btn-emergency btn-emergency-alt", n.label + (es ? ": llamar al " : ": call ") + n.phone, n.url, false);
          if (more) actions.appendChild(more);
        });
        t.appendChild(actions);
      }
      t.appendChild(el("p", "triage-text", answer.triage.message || answer.reply));
      box.appendChild(t);
    }
    if (!actionFirst) {
      var reply = answer.reply || "";
      if (level === "urgent" && answer.triage.message && reply.indexOf(answer.triage.message) === 0) {
        reply = reply.slice(answer.triage.message.length).trim();
      }
      if (reply) box.appendChild(el("p", "reply", reply));
      /* The clarifying question comes before the cards: answering it narrows them down. */
      if (answer.follow_up && Array.isArray(answer.follow_up.options) && answer.follow_up.options.length) {
        box.appendChild(renderFollowUp(answer.follow_up, answer.lang));
      }
      if (answer.results && answer.results.length) {
        var cards = el("div", "cards");
        answer.results.forEach(function (r) { cards.appendChild(renderCard(r, answer.lang)); });
        box.appendChild(cards);
      }
      if (answer.cta) {
        var cta = el("div", "cta");
        var book = link("btn-cta", answer.cta.text, answer.cta.url, true);
        if (book) cta.appendChild(book);
        if (answer.cta.phone) {
          var tel = link("btn-call", _("Call %(phone)s", { phone: answer.cta.phone }), "tel:" + answer.cta.phone.replace(/[^0-9+]/g, ""), false);
          if (tel) cta.appendChild(tel);
        }
        if (cta.childNodes.length) box.appendChild(cta);
      }
      if (callbackAllowed()) {
        var row = box.querySelector(".cta") || box.appendChild(el("div", "cta"));
        row.appendChild(callbackButton());
      }
    }
    /* The blog notice is in the footer, always in view, not under every answer; a red-flag answer keeps
       its one line ("This is not a diagnosis"), in the answer's language. */
    var redFlag = level === "emergency" || level === "urgent";
    if (redFlag && answer.triage.notice) {
      var notice = el("p", "answer-notice", answer.triage.notice);
      if (answer.triage.lang) notice.setAttribute("lang", answer.triage.lang);
      box.appendChild(notice);
    }
    if (actionFirst) withdrawCallback();
    var wrap = addMessage("bot", box);
    wrap.classList.add(actionFirst ? "msg-emergency" : "msg-answer");
    wrap.querySelector(".bubble").classList.add("bubble-wide");
    return wrap;
  }

  function renderItem(item) {
    if (item.role === "user") addMessage("user", item.text);
    else if (item.role === "bot" && item.answer) renderAnswer(item.answer);
    else if (item.role === "note" && item.text) addMessage("bot", el("p", "callback-done", item.text));
  }

  /* ---------- call-back requests (POST /api/callback) ---------- */

  var callbackPanel = null;
  var callbackOpener = null;
  var CALLBACK_FIELDS = {
    consent_required: "consent", missing_contact: "phone", invalid_phone: "phone", invalid_email: "email",
    missing_name: "name", invalid_name: "name", invalid_message: "message", invalid_preferred_time: "time"
  };
  /* Visitor wording for the codes a person can fix; any other code shows the server's own message. */
  var CALLBACK_WORDING = {
    consent_required: _("Please tick the box to agree that the clinic may contact you about this request."),
    missing_name: _("Please tell us your name."),
    missing_contact: _("Please give a phone number or an email address so we can reach you."),
    invalid_phone: _("That phone number doesn't look right: please use 7 to 15 digits."),
    invalid_email: _("That email address doesn't look right: please check it.")
  };

  /* Never next to emergency guidance: once the conversation has screened as an emergency, the
     visitor is told to call for help, not offered a wait for the clinic to ring back. */
  function callbackAllowed() {
    return !state.items.some(function (item) {
      var t = item.role === "bot" && item.answer && item.answer.triage;
      /* A crisis or abuse answer at level urgent is still about someone's safety now. */
      return !!t && (t.level === "emergency" || ["crisis", "abuse", "child_abuse", "child_abuse_report"].indexOf(t.kind) !== -1);
    });
  }

  /* A button, not a link: it opens the form in place. */
  function callbackButton() {
    var b = el("button", "btn-callback", _("Ask us to call you back"));
    b.type = "button";
    b.setAttribute("aria-controls", "callback");
    b.setAttribute("aria-expanded", "false");
    b.addEventListener("click", function () { openCallback(b); });
    return b;
  }

  /* An emergency answer takes every call-back offer off the page, open form included. */
  function withdrawCallback() {
    closeCallback(false);
    log.querySelectorAll(".btn-callback").forEach(function (b) { b.parentNode.removeChild(b); });
  }

  /* One labelled control; the label's "for" is what makes it readable and clickable. */
  function field(form, id, labelText, type, options) {
    var wrap = el("div", "callback-field" + (options.wide ? " callback-field-wide" : ""));
    var label = el("label", null, labelText);
    label.htmlFor = id;
    if (options.hint) label.appendChild(el("span", "callback-optional", " " + options.hint));
    var control = el(type === "textarea" ? "textarea" : "input");
    control.id = id;
    control.name = id.replace("cb-", "");
    if (type !== "textarea") control.type = type;
    else control.rows = 3;
    control.maxLength = options.max;
    if (options.autocomplete) control.setAttribute("autocomplete", options.autocomplete);
    if (options.inputmode) control.setAttribute("inputmode", options.inputmode);
    if (options.placeholder) control.placeholder = options.placeholder;
    wrap.appendChild(label);
    wrap.appendChild(control);
    form.appendChild(wrap);
    return control;
  }

  /* The inline form, built on demand outside the live log so opening it is not read out as news. */
  function buildCallbackPanel() {
    var panel = el("section", "callback");
    panel.id = "callback";
    var heading = el("h2", "callback-title", _("Ask us to call you back"));
    heading.id = "callback-title";
    panel.setAttribute("aria-labelledby", heading.id);
    panel.appendChild(heading);
    panel.appendChild(el("p", "callback-intro",
      _("Leave a phone number or an email and the clinic will get in touch. We use these details only for this request.")));
    var form = el("form", "callback-form");
    form.noValidate = true;
    form.setAttribute("autocomplete", "on");
    var inputs = {
      name: field(form, "cb-name", _("Your name"), "text", { max: 100, autocomplete: "name" }),
      phone: field(form, "cb-phone", _("Phone"), "tel", { max: 25, autocomplete: "tel", inputmode: "tel",
                                                            hint: _("(or email)") }),
      email: field(form, "cb-email", _("Email"), "email", { max: 254, autocomplete: "email",
                                                              hint: _("(or phone)") }),
      time: field(form, "cb-time", _("Best time to reach you"), "text", { max: 200, hint: _("(optional)"), wide: true,
                                                                          placeholder: _("e.g. weekday mornings") }),
      message: field(form, "cb-message", _("Anything you'd like us to know"), "textarea",
                     { max: 2000, hint: _("(optional)"), wide: true })
    };
    var consentRow = el("div", "callback-consent");
    var consent = el("input");
    consent.type = "checkbox";
    consent.id = "cb-consent";
    consent.name = "consent";
    var consentLabel = el("label", null, _("I agree that the clinic may contact me about this request"));
    consentLabel.htmlFor = consent.id;
    consentRow.appendChild(consent);
    consentRow.appendChild(consentLabel);
    form.appendChild(consentRow);
    inputs.consent = consent;
    var error = el("p", "callback-error");
    error.id = "callback-error";
    error.setAttribute("role", "alert");
    form.appendChild(error);
    var actions = el("div", "callback-actions");
    var submit = el("button", "btn-cta callback-submit", _("Send request"));
    submit.type = "submit";
    var cancel = el("button", "btn-call callback-cancel", _("Cancel"));
    cancel.type = "button";
    actions.appendChild(submit);
    actions.appendChild(cancel);
    form.appendChild(actions);
    panel.appendChild(form);

    cancel.addEventListener("click", function () { closeCallback(true); });
    form.addEventListener("keydown", function (event) {
      /* Escape closes the form, not the whole widget panel. */
      if (event.key === "Escape") { event.preventDefault(); event.stopPropagation(); closeCallback(true); }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      submitCallback(form, inputs, error, submit);
    });
    return panel;
  }

  /* One form at a time; opening from another answer's button reuses it. */
  function openCallback(opener) {
    if (!callbackAllowed()) return;
    callbackOpener = opener;
    log.querySelectorAll(".btn-callback").forEach(function (b) { b.setAttribute("aria-expanded", "false"); });
    if (!callbackPanel) {
      callbackPanel = buildCallbackPanel();
      log.parentNode.insertBefore(callbackPanel, log.nextSibling);
    }
    opener.setAttribute("aria-expanded", "true");
    callbackPanel.scrollIntoView({ block: "nearest" });
    askForHeight();
    document.getElementById("cb-name").focus();
  }

  /* Focus goes back to the button that opened the form, so keyboard users keep their place. */
  function closeCallback(restoreFocus) {
    if (!callbackPanel) return;
    callbackPanel.parentNode.removeChild(callbackPanel);
    callbackPanel = null;
    log.querySelectorAll(".btn-callback").forEach(function (b) { b.setAttribute("aria-expanded", "false"); });
    if (restoreFocus) {
      if (callbackOpener && callbackOpener.isConnected) callbackOpener.focus();
      else input.focus();
    }
    callbackOpener = null;
  }

  /* Every wrong field at once: one line per problem in the role=alert area, each field marked invalid and
     pointing at its own line, and focus on the first. ``fields`` is the server's error.fields, if any. */
  function showCallbackError(inputs, error, message, code, fields) {
    Object.keys(inputs).forEach(function (key) {
      inputs[key].removeAttribute("aria-invalid");
      inputs[key].removeAttribute("aria-describedby");
    });
    var problems = (fields && fields.length) ? fields : [{ code: code, message: message }];
    var lines = problems.map(function (p) { return CALLBACK_WORDING[p.code] || p.message; });
    var text = lines.join(" ");
    var fill = function () {
      error.textContent = "";
      problems.forEach(function (p, i) {
        var line = el("span", "callback-error-line", lines[i]);
        line.id = error.id + "-" + i;
        error.appendChild(line);
        var target = inputs[CALLBACK_FIELDS[p.code]];
        if (target && !target.hasAttribute("aria-invalid")) {
          target.setAttribute("aria-invalid", "true");
          target.setAttribute("aria-describedby", line.id);
        }
      });
    };
    if (error.textContent === text) {
      /* The same words again: clear first so screen readers announce the repeat. */
      error.textContent = "";
      window.setTimeout(fill, 60);
    } else {
      fill();
    }
    var first = inputs[CALLBACK_FIELDS[problems[0].code]];
    if (first) first.focus();
    /* Keep the message and the send button in sight after focus scrolled to the field. */
    var actions = error.parentNode.querySelector(".callback-actions");
    if (actions) actions.scrollIntoView({ block: "nearest" });
  }

  /* The server refused because this is an emergency: show its instruction as an emergency answer. */
  function callbackEmergency(message) {
    var answer = { reply: message, triage: { level: "emergency", message: message, rule_ids: [] }, results: [] };
    if (config.emergencyNumber) {
      answer.cta = { text: _("Call %(phone)s", { phone: config.emergencyNumber }), url: "tel:" + config.emergencyNumber.replace(/[^0-9+]/g, "") };
    }
    closeCallback(false);
    state.items.push({ role: "bot", answer: answer });
    save();
    var wrap = renderAnswer(answer);
    var call = wrap.querySelector(".btn-emergency");
    if (call) call.focus();
  }

  /* The server validates (one set of rules for widget, page and kiosk); the form shows what it says. */
  function submitCallback(form, inputs, error, submit) {
    if (submit.disabled) return;
    var value = function (key) { return inputs[key].value.trim(); };
    var body = { name: value("name"), consent: inputs.consent.checked, channel: channel,
                 conversation_id: state.conversationId, lang: uiLang };
    if (value("phone")) body.phone = value("phone");
    if (value("email")) body.email = value("email");
    if (value("time")) body.preferred_time = value("time");
    if (value("message")) body.message = value("message");
    submit.disabled = true;
    form.setAttribute("aria-busy", "true");
    var conversationAtSend = state.conversationId;
    fetch(config.callbackApi || "/api/callback", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, body: data }; });
    }).then(function (result) {
      if (conversationAtSend !== state.conversationId) return;
      var err = result.body && result.body.error;
      if (result.status === 201) {
        var text = result.body.message || _("Thank you, we will contact you.");
        if (result.body.reference) text += " " + _("Your reference: %(reference)s.", { reference: result.body.reference });
        closeCallback(false);
        state.items.push({ role: "note", text: text });
        save();
        addMessage("bot", el("p", "callback-done", text));
        if (visible && !matchMedia("(pointer: coarse)").matches) input.focus();
      } else if (result.status === 409 && err && err.code === "emergency") {
        callbackEmergency(err.message);
      } else {
        showCallbackError(inputs, error, (err && err.message) || _("Something went wrong. Please try again."),
                          err && err.code, err && err.fields);
      }
    }).catch(function () {
      showCallbackError(inputs, error, _("We couldn't reach the server. Please check your connection and try again."));
    }).then(function () {
      submit.disabled = false;
      form.removeAttribute("aria-busy");
      askForHeight();
    });
  }

  /* "Looking through our articles…" is announced: the status region stays in the page and only its
     text comes and goes (a region that appears with its text is often not read out). */
  var typingText = typing.getAttribute("data-text") || typing.textContent;
  typing.textContent = "";
  typing.hidden = false;

  function setBusy(value) {
    busy = value;
    sendButton.disabled = value;
    log.setAttribute("aria-busy", value ? "true" : "false");
    typing.textContent = value ? typingText : "";
    typing.classList.toggle("typing-on", value);
    if (value) scroller.scrollTop = scroller.scrollHeight;
  }

  /* ---------- talking to the API ---------- */

  function send(text) {
    text = (text || "").trim();
    if (!text || busy) return;
    if (text.length > config.maxChars) {
      addMessage("bot", el("p", "error-msg", _("That message is too long — please keep it under %(max)s characters.", { max: config.maxChars })));
      return;
    }
    setBusy(true);
    showStarters(false);
    addMessage("user", text);
    state.items.push({ role: "user", text: text });
    save();
    var body = { message: text, conversation_id: state.conversationId, channel: channel, lang: uiLang };
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
        var message = (result.body && result.body.error && result.body.error.message) || _("Something went wrong.");
        addMessage("bot", el("p", "error-msg", message));
      } else {
        var answer = result.body;
        /* the server issues conversation ids: adopt the one it answered with */
        if (typeof answer.conversation_id === "string" && answer.conversation_id) state.conversationId = answer.conversation_id;
        state.context = typeof answer.context === "string" ? answer.context : null;
        state.items.push({ role: "bot", answer: answer });
        save();
        renderAnswer(answer);
        if (!visible) { unread += 1; post("unread", { count: unread }); }
      }
    }).catch(function () {
      addMessage("bot", el("p", "error-msg", _("We couldn't reach the server. Please check your connection and try again.")));
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

  /* The chips are chosen server-side from what the clinic's posts cover; there may be none. */
  function showStarters(on) {
    starters.hidden = !on || !starters.querySelector(".chip");
  }

  /* "Start over" also makes the server forget what the conversation was about, so a later
     "is it serious?" is not read with the old complaint. */
  function forgetOnServer(conversationId) {
    if (!config.forgetApi || !conversationId) return;
    fetch(config.forgetApi.replace(/ID$/, encodeURIComponent(conversationId)),
          { method: "DELETE", credentials: "same-origin", keepalive: true }).catch(function () {});
  }

  function startOver() {
    forgetOnServer(state.conversationId);
    closeCallback(false);
    while (log.children.length > 1) log.removeChild(log.lastChild);
    forget();
    state = fresh();
    showStarters(true);
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
    if (typeof message.fullScreen === "boolean") fullScreen = message.fullScreen;
    if (message.type === "open") {
      visible = true;
      document.documentElement.setAttribute("data-panel", "open");
      unread = 0;
      if (message.focus) input.focus({ preventScroll: true });
      scroller.scrollTop = scroller.scrollHeight;
    } else if (message.type === "close") {
      visible = false;
      document.documentElement.setAttribute("data-panel", "closed");
    } else if (message.type === "restore" && !storageOk && !busy && !state.items.length) {
      var saved = parseState(message.state);
      if (saved) restore(saved);
    }
  }

  /* On phones the panel covers the whole page, so Tab cycles inside it like a dialog; as a floating
     panel beside the host page it must let focus leave (the loader says which, in "open"/"layout"). */
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
  document.addEventListener("click", rememberChoice);

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
      else if (event.key === "Tab" && fullScreen) keepFocusInside(event);
    });
    post("ready", { needsState: !storageOk, title: document.title, lang: uiLang });
    askForHeight();
  } else if (window.visualViewport && shell) {
    /* Keep the composer above an on-screen keyboard on the full page. */
    var fit = function () { shell.style.height = window.visualViewport.height + "px"; };
    window.visualViewport.addEventListener("resize", fit);
    fit();
  }
})();
