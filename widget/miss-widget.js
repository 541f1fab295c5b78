/*
 * MISS assistant: website chat widget.
 *
 * Embed with one tag (see the README, "Website chat widget"):
 *
 *   <script src="https://ASSISTANT-HOST/miss-widget.js" defer
 *           data-server="https://RASA-HOST" data-title="Questions about spine surgery"
 *           data-color="#0b5394" data-lang="en"></script>
 *
 * This file only starts the widget. From beside itself (its own URL) it loads its
 * parts, in this order, and its stylesheet:
 *
 *   parts/config.js        the embed tag's settings, the served config and its texts
 *   parts/dom.js           building elements from text, colours, the stylesheet
 *   parts/store.js         the conversation kept in sessionStorage (this tab only)
 *   parts/panel.js         the button and panel: opening, closing, the keyboard
 *   parts/messages.js      drawing the greeting, messages, status and errors
 *   parts/conversation.js  sending to Rasa's REST channel, replies, feedback
 *   miss-widget.css        its look, inside the widget's shadow root
 *
 * Everything the widget says to a patient (greeting, disclaimers, error texts)
 * comes from the config the widget server builds from knowledge/widget.yml; the
 * parts hold only the names of buttons and controls. Text is never rendered as
 * HTML: every message is built from text nodes.
 * Plain JavaScript, no dependencies, no build step.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.__missWidget) {
    return;
  }
  var base = script.src || document.baseURI;
  // What the parts share; only this and window.MissWidget are visible to the page.
  var miss = window.__missWidget = {
    script: script,
    stylesheet: new URL("miss-widget.css", base).href
  };

  var PARTS = ["config", "dom", "store", "panel", "messages", "conversation"];

  /* The parts run in order (async = false keeps inserted scripts in order). */
  function loadParts(done) {
    var left = PARTS.length;
    PARTS.forEach(function (name) {
      var tag = document.createElement("script");
      tag.src = new URL("parts/" + name + ".js", base).href;
      tag.async = false;
      tag.onload = function () {
        left -= 1;
        if (left === 0) {
          done();
        }
      };
      tag.onerror = function () {
        if (window.console) {
          console.error("miss-widget.js: cannot load", tag.src);
        }
      };
      document.head.appendChild(tag);
    });
  }

  function start() {
    miss.loadConfig().then(function (config) {
      var widget = new miss.Widget(config);
      widget.mount();
      window.MissWidget = {
        open: function () { widget.open(true); },
        close: function () { widget.close(); }
      };
    });
  }

  loadParts(function () {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", start);
    } else {
      start();
    }
  });
})();
