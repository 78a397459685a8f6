/* clinicbot interface strings in the page's language, for chat.js, kiosk.js and the widget frame.
   The page embeds the catalog of the scripts' strings (templates/_i18n.html, built from the gettext
   catalogs by web/i18n.py); _("English text", {name: value}) gives the translation, or the English
   text when there is none, with %(name)s placeholders filled. Loaded before the surface's script. */
(function () {
  "use strict";

  var data = { lang: document.documentElement.lang || "en", messages: {} };
  var node = document.getElementById("i18n");
  if (node) {
    try { data = JSON.parse(node.textContent); } catch (e) { /* no catalog: English */ }
  }
  var messages = data.messages || {};

  function gettext(text, values) {
    var out = Object.prototype.hasOwnProperty.call(messages, text) ? messages[text] : text;
    if (values) {
      out = out.replace(/%\((\w+)\)[sd]/g, function (all, name) {
        return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
      });
    }
    return out;
  }

  window.clinicbotI18n = Object.freeze({ lang: data.lang || "en", _: gettext });
})();
