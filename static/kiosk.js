/* clinicbot waiting-room kiosk.
   A shared, touch-only tablet: region taps (or typed text) become one message to the
   same /api/chat as the website, answers are shown as cards whose links open a QR code
   instead of navigating, and after an idle warning everything is wiped: DOM, inputs,
   storage, cookies, the staff token and any request in flight. Nothing is ever put in
   the URL or the history, so Back cannot bring a previous person's answers back.
   Server text is inserted as text; only <mark> from snippets is rebuilt node by node. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("kiosk-config").textContent);
  var KIOSK_PATH = window.location.pathname;

  function $(id) { return document.getElementById(id); }

  var screens = { start: $("k-start"), question: $("k-question"), typing: $("k-typing"), answer: $("k-answer") };
  var ui = {
    main: $("k-main"), back: $("k-back"), restart: $("k-restart"), regions: $("k-regions"),
    clinicMessage: $("k-clinic-message"), type: $("k-type"), step: $("k-step"),
    questionText: $("k-question-text"), options: $("k-options"), text: $("k-text"), send: $("k-send"),
    answerStep: $("k-answer-step"), answerTitle: $("k-answer-title"), answerBody: $("k-answer-body"),
    qr: $("k-qr"), qrTitle: $("k-qr-title"), qrWhat: $("k-qr-what"), qrImg: $("k-qr-img"),
    qrPhone: $("k-qr-phone"), qrClose: $("k-qr-close"), status: $("k-status"),
    idle: $("k-idle"), countdown: $("k-countdown"), countdownBar: $("k-countdown-bar"),
    stillHere: $("k-still-here"), clearNow: $("k-clear-now"),
    staff: $("k-staff"), pin: $("k-pin"), pinDisplay: $("k-pin-display"), pinError: $("k-pin-error"),
    keypad: $("k-keypad"), pinClear: $("k-pin-clear"), pinOk: $("k-pin-ok"), pinCancel: $("k-pin-cancel"),
    settings: $("k-settings"), setIdle: $("k-set-idle"), idleDown: $("k-idle-down"), idleUp: $("k-idle-up"),
    setRegions: $("k-set-regions"), setMessage: $("k-set-message"), settingsError: $("k-settings-error"),
    settingsClose: $("k-settings-close"), settingsSave: $("k-settings-save")
  };

  /* Everything that belongs to the current visitor lives here and nowhere else. */
  var session = null;
  var generation = 0;           /* bumped at every reset: late answers of an old session are dropped */
  var inflight = null;          /* AbortController of the request in flight */
  var lastActivity = Date.now();
  var warningLeft = 0;
  var staffToken = null;        /* staff authority: memory only, dropped at every reset */
  var staffView = null;
  var pinDigits = "";

  function newSession() {
    return { screen: "start", region: null, answers: [], history: [] };
  }

  var el = window.clinicbotDom.el;  /* static/dom.js */

  function button(className, text, onTap) {
    var b = el("button", className, text);
    b.type = "button";
    b.addEventListener("click", onTap);
    return b;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  /* ------------------------------------------------------------------ screens */

  function show(name, focusTarget) {
    Object.keys(screens).forEach(function (key) { screens[key].hidden = key !== name; });
    session.screen = name;
    ui.back.hidden = name === "start" || session.history.length === 0;
    ui.restart.hidden = name === "start";
    ui.main.scrollTop = 0;
    window.scrollTo(0, 0);
    if (focusTarget) focusTarget.focus({ preventScroll: true });
  }

  function go(name, render) {
    session.history.push({ screen: session.screen, region: session.region, answers: session.answers.slice() });
    render();
  }

  function back() {
    var previous = session.history.pop();
    if (!previous) { renderStart(); return; }
    abortInflight();
    session.region = previous.region;
    session.answers = previous.answers;
    if (previous.screen === "question") renderQuestion();
    else if (previous.screen === "typing") renderTyping();
    else renderStart();
  }

  function renderStart() {
    clear(ui.regions);
    config.regions.forEach(function (region) {
      var b = button("k-btn k-region", region.label, function () { chooseRegion(region); });
      b.setAttribute("data-region", region.id);
      ui.regions.appendChild(b);
    });
    ui.clinicMessage.textContent = config.message || "";
    ui.clinicMessage.hidden = !config.message;
    session.history = [];
    show("start");
  }

  function chooseRegion(region) {
    go("question", function () {
      session.region = region;
      session.answers = [];
      if (region.follow_ups.length) renderQuestion();
      else ask(composeQuery(region, []), region.label);
    });
  }

  function renderQuestion() {
    var region = session.region;
    var n = session.answers.length;
    var followUp = region.follow_ups[n];
    ui.step.textContent = region.label + " \u00b7 question " + (n + 1) + " of " + region.follow_ups.length;
    ui.questionText.textContent = followUp.question;
    clear(ui.options);
    followUp.options.forEach(function (option, i) {
      var b = button("k-btn k-option", option.label, function () { answer(i); });
      b.setAttribute("data-option", String(i));
      ui.options.appendChild(b);
    });
    var unsure = button("k-btn k-option k-option-unsure", "Not sure / skip", function () { answer(null); });
    unsure.setAttribute("data-option", "skip");
    ui.options.appendChild(unsure);
    show("question", ui.questionText);
  }

  function answer(choice) {
    go("question", function () {
      session.answers = session.answers.concat([choice]);
      var region = session.region;
      if (session.answers.length < region.follow_ups.length) { renderQuestion(); return; }
      var message = composeQuery(region, session.answers);
      if (!message) { renderTyping(); return; }
      ask(message, titleFor(region, session.answers));
    });
  }

  /* Same rule as bot.kiosk_regions.compose_query: region words, then each chosen answer's words. */
  function composeQuery(region, answers) {
    var parts = [region.words];
    answers.forEach(function (choice, i) {
      if (choice !== null && region.follow_ups[i]) parts.push(region.follow_ups[i].options[choice].words);
    });
    return parts.filter(function (p) { return p; }).join(" ");
  }

  function titleFor(region, answers) {
    var picked = [];
    answers.forEach(function (choice, i) {
      if (choice !== null) picked.push(region.follow_ups[i].options[choice].label);
    });
    return [region.label].concat(picked).join(" \u00b7 ");
  }

  function renderTyping() {
    show("typing", ui.text);
  }

  function startTyping() {
    go("typing", function () { session.region = null; session.answers = []; renderTyping(); });
  }

  function sendTyped() {
    var message = ui.text.value.trim();
    if (!message) { ui.text.focus(); return; }
    go("answer", function () { ask(message, "What you told us"); });
  }

  /* ------------------------------------------------------------------ answers */

  function abortInflight() {
    if (inflight) { inflight.abort(); inflight = null; }
  }

  /* The visible words this file adds to an answer (reasons and questions come from the server). */
  var LABELS = { more: "Also in this article:", intro: "Introduction", loading: "Finding the right articles\u2026" };

  /* "Finding the right articles…" is announced: the status region stays in the page, its text comes and goes. */
  function announce(text) {
    ui.status.textContent = text || "";
  }

  function ask(message, title, context) {
    abortInflight();
    var mine = generation;
    var controller = new AbortController();
    inflight = controller;
    ui.answerStep.textContent = "Your answer";
    ui.answerTitle.textContent = title;
    screens.answer.classList.remove("k-answer-emergency");
    clear(ui.answerBody);
    ui.answerBody.appendChild(el("p", "k-loading", LABELS.loading));
    announce(LABELS.loading);
    show("answer", ui.answerTitle);
    var body = { message: message.slice(0, config.maxChars), channel: "kiosk" };
    if (context) body.context = context;
    fetch(config.api, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
      signal: controller.signal
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      if (mine !== generation || inflight !== controller) return;
      inflight = null;
      announce("");
      if (!result.ok) { renderProblem(result.data && result.data.error ? result.data.error.message : null); return; }
      renderAnswer(result.data);
    }).catch(function (err) {
      if (mine !== generation || (err && err.name === "AbortError")) return;
      inflight = null;
      announce("");
      renderProblem(null);
    });
  }

  function renderProblem(message) {
    clear(ui.answerBody);
    ui.answerBody.appendChild(el("p", "k-reply", message || "Sorry, something went wrong. Please ask at the front desk."));
    ui.answerBody.appendChild(bookingCard());
  }

  function renderAnswer(data) {
    clear(ui.answerBody);
    var level = data.triage && data.triage.level;
    var lines = data.cta && Array.isArray(data.cta.numbers) && data.cta.numbers.length ? data.cta.numbers : null;
    if (level === "emergency" || (level === "urgent" && lines)) {
      /* The action is the first thing on the red screen: the title names it, the call button follows, then why. */
      var es = data.triage.lang === "es";
      ui.answerStep.textContent = es ? "Importante" : "Important";
      ui.answerTitle.textContent = data.triage.title || "Please get help now";
      screens.answer.classList.add("k-answer-emergency");
      var box = el("div", "k-emergency");
      box.setAttribute("role", "alert");
      if (data.triage.lang) box.setAttribute("lang", data.triage.lang);
      var actions = el("div", "k-emergency-actions");
      var number = data.cta && data.cta.phone ? data.cta.phone : config.emergencyNumber;
      /* The title already names the action; the button says what it dials ("Call 988"). */
      var label = lines ? lines[0].text : (data.cta && data.cta.text ? data.cta.text : "Call " + number);
      var call = el("a", "k-emergency-call", label);
      call.href = data.cta && data.cta.url ? data.cta.url : "tel:" + String(number).replace(/[^0-9+]/g, "");
      actions.appendChild(call);
      if (lines && lines[0].sms_url) {
        var sms = el("a", "k-emergency-call k-emergency-alt", (es ? "Enviar mensaje al " : "Text ") + lines[0].phone);
        sms.href = lines[0].sms_url;
        actions.appendChild(sms);
      }
      (lines || []).slice(1).forEach(function (n) {
        var more = el("a", "k-emergency-call k-emergency-alt", n.label + (es ? ": llamar al " : ": call ") + n.phone);
        more.href = n.url;
        actions.appendChild(more);
      });
      box.appendChild(actions);
      box.appendChild(el("p", "k-emergency-text", data.triage.message || data.reply));
      box.appendChild(el("p", "k-emergency-desk", es ? "Está en la clínica: avise en la recepción ahora mismo."
                                                     : "You are in the clinic: tell the front desk right away."));
      if (data.triage.notice) box.appendChild(el("p", "k-emergency-notice", data.triage.notice));
      ui.answerBody.appendChild(box);
      return;
    }
    if (level === "urgent" && data.triage.message) {
      var urgent = el("div", "k-urgent");
      urgent.setAttribute("role", "alert");
      urgent.appendChild(el("p", "k-urgent-title", "Please see a doctor today"));
      urgent.appendChild(el("p", null, data.triage.message));
      ui.answerBody.appendChild(urgent);
    }
    var lead = level === "urgent" ? "You can also read these while you wait:" : data.reply;
    if (!data.results || !data.results.length) lead = data.reply;
    ui.answerBody.appendChild(el("p", "k-reply", lead));
    var asksWhere = data.follow_up && (!data.results || !data.results.length);
    var hasOptions = data.follow_up && Array.isArray(data.follow_up.options) && data.follow_up.options.length;
    if (hasOptions) {
      /* A clarifying question comes before any card; a tapped option is the next message, read with this one. */
      ui.answerBody.appendChild(followUp(data.follow_up, data.context, data.lang));
    } else if (asksWhere) {
      ui.answerBody.appendChild(el("p", "k-reply k-reply-question", data.follow_up.question));
    }
    if (asksWhere) {
      /* "It hurts", with nowhere named: the start screen's body areas (with their own questions) are one tap away. */
      var areas = button(hasOptions ? "k-btn k-btn-secondary k-wide" : "k-btn k-btn-primary k-wide", "Show me the body areas", function () { go("start", renderStart); });
      areas.id = "k-areas";
      ui.answerBody.appendChild(areas);
    }
    if (data.results && data.results.length) {
      var list = el("ol", "k-results");
      data.results.forEach(function (result) { list.appendChild(resultCard(result, data.lang)); });
      ui.answerBody.appendChild(list);
    }
    ui.answerBody.appendChild(bookingCard());
    if (asksWhere) return;  /* the body areas are already offered above */
    var again = button("k-btn k-btn-secondary k-wide", "Look at another area", fullReset);
    again.id = "k-again";
    ui.answerBody.appendChild(again);
  }

  function followUp(data, context, lang) {
    var box = el("div", "k-followup");
    if (lang) box.setAttribute("lang", lang);
    var question = el("p", "k-reply k-reply-question", data.question);
    question.id = "k-followup-q";
    box.appendChild(question);
    var options = el("div", "k-options k-followup-options");
    options.setAttribute("role", "group");
    options.setAttribute("aria-labelledby", question.id);
    data.options.forEach(function (option) {
      var text = typeof option === "string" ? option : String((option && (option.label || option.message)) || "");
      if (!text) return;
      options.appendChild(button("k-btn k-option", text, function () {
        go("answer", function () { ask(text, text, context); });
      }));
    });
    box.appendChild(options);
    return box;
  }

  function sectionTitle(section) {
    var heading = section.section_heading || LABELS.intro;
    return section.parent_heading ? section.parent_heading + " \u203a " + heading : heading;
  }

  function resultCard(result, lang) {
    var li = el("li", "k-card");
    li.setAttribute("data-post-slug", result.post_slug || "");
    /* A Spanish answer points to the clinic's English posts: say so, in Spanish. */
    if (lang === "es" && result.article_lang && result.article_lang !== lang) {
      var note = el("p", "k-card-lang", "artículo en inglés");
      note.setAttribute("lang", "es");
      li.appendChild(note);
    }
    li.appendChild(el("p", "k-card-post", result.post_title));
    var heading = sectionTitle(result);
    li.appendChild(el("h2", "k-card-heading", heading));
    if (result.reason) {
      var why = el("p", "k-card-reason", result.reason);
      if (lang) why.setAttribute("lang", lang);
      li.appendChild(why);
    }
    li.appendChild(window.clinicbotDom.markedSnippet(result.snippet_html, result.snippet, "k-card-snippet"));
    var open = button("k-btn k-btn-primary k-card-qr", "Read on my phone", function () {
      openQr(result.section_url, result.post_title + " \u2014 " + heading, null);
    });
    open.setAttribute("aria-label", "Read on my phone: \u201c" + heading + "\u201d (shows a QR code)");
    li.appendChild(open);
    var more = result.more_sections || [];
    if (more.length) {
      /* The post's other matching sections, each handed to the phone like the card itself. */
      li.appendChild(el("p", "k-card-more-label", LABELS.more));
      var list = el("div", "k-card-more");
      more.forEach(function (section) {
        var title = sectionTitle(section);
        var b = button("k-btn k-btn-secondary k-card-more-qr", title, function () {
          openQr(section.section_url, result.post_title + " \u2014 " + title, null);
        });
        b.setAttribute("aria-label", title + " (shows a QR code)");
        list.appendChild(b);
      });
      li.appendChild(list);
    }
    return li;
  }

  function bookingCard() {
    var booking = config.booking || {};
    var card = el("div", "k-booking");
    card.appendChild(el("p", "k-booking-title", "Want one of our physical therapists to take a look?"));
    if (booking.phone) card.appendChild(el("p", "k-booking-phone", "Call " + booking.phone + " or ask at the front desk."));
    else card.appendChild(el("p", "k-booking-phone", "Ask at the front desk."));
    if (booking.url) {
      var b = button("k-btn k-btn-cta", (booking.text || "Book an appointment") + " on my phone", function () {
        openQr(booking.url, booking.text || "Book an appointment", booking.phone);
      });
      b.id = "k-book";
      card.appendChild(b);
    }
    return card;
  }

  /* ------------------------------------------------------------------ QR hand-off */

  var overlayReturnFocus = null;
  var app = $("k-app");

  /* While a dialog is open the page behind it can be neither tapped nor reached by keyboard. */
  function syncInert() {
    app.inert = [ui.qr, ui.pin, ui.settings, ui.idle].some(function (overlay) { return !overlay.hidden; });
  }

  function openOverlay(overlay, focusTarget) {
    overlayReturnFocus = document.activeElement;
    overlay.hidden = false;
    syncInert();
    if (focusTarget) focusTarget.focus({ preventScroll: true });
  }

  function closeOverlay(overlay) {
    overlay.hidden = true;
    syncInert();
    if (overlayReturnFocus && document.body.contains(overlayReturnFocus)) overlayReturnFocus.focus({ preventScroll: true });
    overlayReturnFocus = null;
  }

  function openQr(url, what, phone) {
    ui.qrWhat.textContent = what;
    ui.qrPhone.textContent = phone ? "Or call " + phone + "." : "";
    ui.qrPhone.hidden = !phone;
    ui.qrImg.alt = "QR code that opens \u201c" + what + "\u201d on your phone";
    ui.qrImg.setAttribute("data-url", url);
    ui.qrImg.src = config.qrUrl + "?url=" + encodeURIComponent(url);
    openOverlay(ui.qr, ui.qrTitle);
  }

  function closeQr() {
    ui.qrImg.removeAttribute("src");
    ui.qrImg.removeAttribute("data-url");
    ui.qrImg.alt = "";
    closeOverlay(ui.qr);
  }

  /* ------------------------------------------------------------------ idle reset */

  function activity() {
    if (!ui.idle.hidden) return;       /* during the warning only "I'm still here" counts */
    lastActivity = Date.now();
  }

  function dirty() {
    return session.screen !== "start" || !ui.qr.hidden || !ui.pin.hidden || !ui.settings.hidden ||
      ui.text.value !== "" || staffToken !== null;
  }

  function tick() {
    if (!ui.idle.hidden) {
      warningLeft -= 1;
      paintCountdown();
      if (warningLeft <= 0) fullReset();
      return;
    }
    if (!dirty()) { lastActivity = Date.now(); return; }
    if (Date.now() - lastActivity >= config.idleSeconds * 1000) showWarning();
  }

  function paintCountdown() {
    ui.countdown.textContent = String(Math.max(0, warningLeft));
    ui.countdownBar.max = config.warningSeconds;
    ui.countdownBar.value = Math.max(0, warningLeft);
  }

  function showWarning() {
    warningLeft = config.warningSeconds;
    paintCountdown();
    ui.idle.hidden = false;
    syncInert();
    ui.stillHere.focus({ preventScroll: true });
  }

  function stillHere() {
    ui.idle.hidden = true;
    syncInert();
    lastActivity = Date.now();
  }

  function wipeStorage() {
    try { window.localStorage.clear(); } catch (e) { /* storage disabled: nothing to clear */ }
    try { window.sessionStorage.clear(); } catch (e) { /* storage disabled: nothing to clear */ }
    document.cookie.split(";").forEach(function (pair) {
      var name = pair.split("=")[0].trim();
      if (!name) return;
      document.cookie = name + "=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/";
      document.cookie = name + "=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=" + KIOSK_PATH;
    });
  }

  /* The next person gets exactly what a fresh page load gives. */
  function fullReset() {
    generation += 1;
    abortInflight();
    announce("");
    staffToken = null;
    staffView = null;
    pinDigits = "";
    paintPin();
    ui.pinError.hidden = true;
    ui.settingsError.hidden = true;
    clear(ui.setRegions);
    ui.setMessage.value = "";
    ui.setIdle.value = "";
    [ui.qr, ui.pin, ui.settings, ui.idle].forEach(function (overlay) { overlay.hidden = true; });
    syncInert();
    ui.qrImg.removeAttribute("src");
    ui.qrImg.removeAttribute("data-url");
    ui.qrImg.alt = "";
    ui.qrWhat.textContent = "";
    ui.qrPhone.textContent = "";
    clear(ui.options);
    clear(ui.answerBody);
    ui.step.textContent = "";
    ui.questionText.textContent = "";
    ui.answerTitle.textContent = "";
    screens.answer.classList.remove("k-answer-emergency");
    ui.text.value = "";
    overlayReturnFocus = null;
    wipeStorage();
    if (window.location.search || window.location.hash || window.history.state !== null) {
      window.history.replaceState(null, "", KIOSK_PATH);
    }
    session = newSession();
    lastActivity = Date.now();
    renderStart();
    if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
    refreshConfig();
  }

  /* Staff may have changed the settings from another session: pick them up between visitors. */
  function refreshConfig() {
    var mine = generation;
    fetch(config.configUrl, { credentials: "omit", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (fresh) {
        if (!fresh || mine !== generation || session.screen !== "start") return;
        applyConfig(fresh);
        renderStart();
      })
      .catch(function () { /* offline for a moment: keep the settings we have */ });
  }

  function applyConfig(fresh) {
    config.idleSeconds = fresh.idleSeconds;
    config.warningSeconds = fresh.warningSeconds;
    config.message = fresh.message;
    config.regions = fresh.regions;
  }

  /* ------------------------------------------------------------------ staff */

  function paintPin() {
    ui.pinDisplay.textContent = pinDigits ? pinDigits.replace(/./g, "\u25cf ") : "Enter PIN";
  }

  function pinProblem(text) {
    ui.pinError.textContent = text;
    ui.pinError.hidden = false;
  }

  function openPin() {
    pinDigits = "";
    paintPin();
    ui.pinError.hidden = true;
    openOverlay(ui.pin, ui.pinOk);
  }

  function submitPin() {
    if (pinDigits.length < 4) { pinProblem("Enter at least 4 digits."); return; }
    var pin = pinDigits;
    pinDigits = "";
    paintPin();
    var mine = generation;
    fetch(config.unlockUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ pin: pin }),
      credentials: "omit",
      cache: "no-store"
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      if (mine !== generation) return;
      if (!result.ok) { pinProblem(result.data && result.data.error ? result.data.error.message : "Could not check the PIN."); return; }
      staffToken = result.data.token;
      ui.pin.hidden = true;
      syncInert();
      openSettings(result.data);
    }).catch(function () {
      if (mine === generation) pinProblem("Could not reach the server. Try again.");
    });
  }

  function openSettings(view) {
    staffView = view;
    ui.setIdle.min = view.limits.min_idle_seconds;
    ui.setIdle.max = view.limits.max_idle_seconds;
    ui.setIdle.value = view.settings.idle_seconds;
    ui.setMessage.maxLength = view.limits.max_message_chars;
    ui.setMessage.value = view.settings.message || "";
    clear(ui.setRegions);
    var shown = {};
    view.settings.regions.forEach(function (id) { shown[id] = true; });
    view.regions.forEach(function (region) {
      var label = el("label", "k-check");
      var box = el("input");
      box.type = "checkbox";
      box.value = region.id;
      box.checked = !!shown[region.id];
      label.appendChild(box);
      label.appendChild(el("span", null, region.label));
      ui.setRegions.appendChild(label);
    });
    ui.settingsError.hidden = true;
    openOverlay(ui.settings, ui.setIdle);
  }

  function stepIdle(delta) {
    var value = parseInt(ui.setIdle.value, 10) || 60;
    var min = staffView ? staffView.limits.min_idle_seconds : 5;
    var max = staffView ? staffView.limits.max_idle_seconds : 1800;
    ui.setIdle.value = String(Math.min(max, Math.max(min, value + delta)));
  }

  function closeSettings() {
    staffToken = null;
    staffView = null;
    clear(ui.setRegions);
    closeOverlay(ui.settings);
  }

  function saveSettings() {
    var regions = [];
    ui.setRegions.querySelectorAll("input[type=checkbox]").forEach(function (box) { if (box.checked) regions.push(box.value); });
    var body = { idle_seconds: parseInt(ui.setIdle.value, 10), regions: regions, message: ui.setMessage.value };
    var mine = generation;
    fetch(config.settingsUrl, {
      method: "PUT",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-Kiosk-Staff": staffToken || "" },
      body: JSON.stringify(body),
      credentials: "omit",
      cache: "no-store"
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      if (mine !== generation) return;
      if (!result.ok) {
        ui.settingsError.textContent = result.data && result.data.error ? result.data.error.message : "Could not save.";
        ui.settingsError.hidden = false;
        return;
      }
      if (result.data.config) applyConfig(result.data.config);
      closeSettings();
      fullReset();
    }).catch(function () {
      if (mine !== generation) return;
      ui.settingsError.textContent = "Could not reach the server. Try again.";
      ui.settingsError.hidden = false;
    });
  }

  /* ------------------------------------------------------------------ wiring */

  ui.back.addEventListener("click", back);
  ui.restart.addEventListener("click", fullReset);
  ui.type.addEventListener("click", startTyping);
  ui.send.addEventListener("click", sendTyped);
  ui.text.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); sendTyped(); }
  });
  ui.qrClose.addEventListener("click", closeQr);
  ui.qr.addEventListener("click", function (event) { if (event.target === ui.qr) closeQr(); });
  ui.stillHere.addEventListener("click", stillHere);
  ui.clearNow.addEventListener("click", fullReset);
  ui.staff.addEventListener("click", openPin);
  ui.keypad.addEventListener("click", function (event) {
    var digit = event.target.getAttribute && event.target.getAttribute("data-digit");
    if (digit === null || digit === undefined) return;
    ui.pinError.hidden = true;
    if (pinDigits.length < 12) pinDigits += digit;
    paintPin();
  });
  ui.pinClear.addEventListener("click", function () { pinDigits = ""; paintPin(); });
  ui.pinOk.addEventListener("click", submitPin);
  ui.pinCancel.addEventListener("click", function () { pinDigits = ""; paintPin(); closeOverlay(ui.pin); });
  ui.idleDown.addEventListener("click", function () { stepIdle(-5); });
  ui.idleUp.addEventListener("click", function () { stepIdle(5); });
  ui.settingsClose.addEventListener("click", closeSettings);
  ui.settingsSave.addEventListener("click", saveSettings);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    if (!ui.qr.hidden) closeQr();
    else if (!ui.pin.hidden) closeOverlay(ui.pin);
    else if (!ui.settings.hidden) closeSettings();
  });

  ["pointerdown", "touchstart", "keydown", "input", "wheel"].forEach(function (type) {
    document.addEventListener(type, activity, { capture: true, passive: true });
  });
  ui.main.addEventListener("scroll", activity, { passive: true });

  /* A tablet must not be escaped: no long-press menus, no link or drag navigation. */
  document.addEventListener("contextmenu", function (event) { event.preventDefault(); });
  document.addEventListener("dragstart", function (event) { event.preventDefault(); });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (link) event.preventDefault();
  }, true);

  /* Leaving or coming back (back/forward cache) starts a fresh session. */
  window.addEventListener("pagehide", fullReset);
  window.addEventListener("pageshow", function (event) { if (event.persisted) fullReset(); });

  session = newSession();
  if (window.location.search || window.location.hash) window.history.replaceState(null, "", KIOSK_PATH);
  renderStart();
  window.setInterval(tick, 1000);
})();
