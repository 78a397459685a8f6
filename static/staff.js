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
