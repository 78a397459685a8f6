/* clinicbot chat page: sends messages to /api/chat and renders answers.
   Everything from the server or the user is inserted as text; the only markup
   kept from the server is <mark> in snippets, rebuilt node by node. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("chat-config").textContent);
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var starters = document.getElementById("starters");
  var restart = document.getElementById("restart");
  var scroller = document.querySelector(".chat-main");
  var sendButton = form.querySelector("button[type=submit]");
  var conversationId = newId();
  var busy = false;

  function newId() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

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
      if (node.nodeType === 3) p.appendChild(document.createTextNode(node.textContent));
      else if (node.nodeType === 1 && node.tagName === "MARK") p.appendChild(el("mark", null, node.textContent));
      else p.appendChild(document.createTextNode(node.textContent || ""));
    });
    return p;
  }

  function addMessage(role, content) {
    var wrap = el("div", "msg msg-" + role);
    var bubble = el("div", "bubble");
    if (typeof content === "string") bubble.appendChild(el("p", null, content));
    else bubble.appendChild(content);
    wrap.appendChild(bubble);
    log.appendChild(wrap);
    scroller.scrollTop = scroller.scrollHeight;
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
    var a = link("card-link", "Read this section →", result.section_url || result.post_url, true);
    if (a) {
      a.setAttribute("aria-label", "Read this section: " + heading + " (opens in a new tab)");
      card.appendChild(a);
    }
    return card;
  }

  function renderAnswer(answer) {
    var box = el("div");
    var level = answer.triage && answer.triage.level;
    if (level === "emergency" || level === "urgent") {
      var t = el("div", "triage triage-" + level);
      t.setAttribute("role", "alert");
      t.appendChild(el("strong", null, level === "emergency" ? "This needs urgent medical attention" : "Please get this checked soon"));
      t.appendChild(el("p", null, answer.triage.message || answer.reply));
      if (level === "emergency" && answer.cta) {
        var call = link("btn-emergency", answer.cta.text, answer.cta.url, false);
        if (call) t.appendChild(call);
      }
      box.appendChild(t);
    }
    if (level !== "emergency") box.appendChild(el("p", null, answer.reply));
    if (answer.results && answer.results.length) {
      var cards = el("div", "cards");
      answer.results.forEach(function (r) { cards.appendChild(renderCard(r)); });
      box.appendChild(cards);
    }
    if (answer.follow_up && answer.follow_up.options) {
      var fu = el("div", "followup");
      fu.appendChild(el("p", null, answer.follow_up.question));
      var opts = el("div", "options");
      answer.follow_up.options.forEach(function (option) {
        var b = el("button", "quick", option);
        b.type = "button";
        b.addEventListener("click", function () { send(option); });
        opts.appendChild(b);
      });
      fu.appendChild(opts);
      box.appendChild(fu);
    }
    if (answer.cta && level !== "emergency") {
      var cta = el("div", "cta");
      var book = link("btn-cta", answer.cta.text, answer.cta.url, true);
      if (book) cta.appendChild(book);
      if (answer.cta.phone) {
        var tel = link("btn-call", "Call " + answer.cta.phone, "tel:" + answer.cta.phone.replace(/[^0-9+]/g, ""), false);
        if (tel) cta.appendChild(tel);
      }
      box.appendChild(cta);
    }
    box.appendChild(el("p", "answer-notice", answer.disclaimer));
    var wrap = addMessage("bot", box);
    wrap.querySelector(".bubble").classList.add("bubble-wide");
  }

  var followupContext = null;

  function send(text) {
    text = (text || "").trim();
    if (!text || busy) return;
    if (text.length > config.maxChars) {
      addMessage("bot", "That message is too long — please keep it under " + config.maxChars + " characters.");
      return;
    }
    busy = true;
    sendButton.disabled = true;
    starters.hidden = true;
    addMessage("user", text);
    var typing = addMessage("bot", el("p", "typing", "Looking through our articles…"));
    fetch(config.api, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(followupContext
        ? { message: text, conversation_id: conversationId, context: followupContext }
        : { message: text, conversation_id: conversationId }),
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      typing.remove();
      if (!result.ok) {
        var message = (result.body && result.body.error && result.body.error.message) || "Something went wrong.";
        addMessage("bot", el("p", "error-msg", message));
      } else {
        // The answer to a follow-up question is read together with the message that prompted it.
        followupContext = result.body.context || null;
        renderAnswer(result.body);
      }
    }).catch(function () {
      typing.remove();
      addMessage("bot", el("p", "error-msg", "We couldn't reach the server. Please check your connection and try again."));
    }).then(function () {
      busy = false;
      sendButton.disabled = false;
      input.focus();
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    input.value = "";
    autosize();
    send(text);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  function autosize() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 160) + "px";
  }
  input.addEventListener("input", autosize);
  starters.querySelectorAll(".chip").forEach(function (chip) {
    chip.addEventListener("click", function () { send(chip.textContent); });
  });
  restart.addEventListener("click", function () {
    while (log.children.length > 1) log.removeChild(log.lastChild);
    conversationId = newId();
    followupContext = null;
    starters.hidden = false;
    input.value = "";
    input.focus();
  });
})();
