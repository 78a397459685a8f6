/* clinicbot DOM helpers shared by the chat (chat.js: full page and widget frame), the
   kiosk (kiosk.js) and the staff console (staff.js), so the one rule for server text lives
   in one place: it is inserted as text, and the only markup kept is <mark> in snippets,
   rebuilt node by node. Loaded before those scripts (defer keeps document order). */
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  /* A <p> of the server's snippet HTML reduced to text and <mark>; the plain snippet without HTML. */
  function markedSnippet(html, plain, className) {
    var p = el("p", className);
    if (!html) { p.textContent = plain || ""; return p; }
    var doc = new DOMParser().parseFromString("<div>" + html + "</div>", "text/html");
    doc.body.firstChild.childNodes.forEach(function (node) {
      if (node.nodeType === 1 && node.tagName === "MARK") p.appendChild(el("mark", null, node.textContent));
      else p.appendChild(document.createTextNode(node.textContent || ""));
    });
    return p;
  }

  window.clinicbotDom = Object.freeze({ el: el, markedSnippet: markedSnippet });
})();
