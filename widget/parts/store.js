/*
 * MISS widget, part 3 of 6: the conversation kept in sessionStorage.
 *
 * This tab only, never localStorage: it goes when the tab closes. One entry per
 * Rasa server: { sender, messages, open, draft }.
 */
(function (miss) {
  "use strict";

  function storageKey(config) {
    return "miss-widget:" + (config.server || location.origin);
  }

  function loadState(key) {
    var state = null;
    try {
      state = JSON.parse(window.sessionStorage.getItem(key) || "null");
    } catch (e) {
      state = null;
    }
    if (!state || typeof state !== "object" || !Array.isArray(state.messages)) {
      state = { sender: "", messages: [], open: false, draft: "" };
    }
    state.sender = typeof state.sender === "string" && state.sender ? state.sender : newSender();
    state.draft = typeof state.draft === "string" ? state.draft : "";
    state.messages = state.messages.filter(function (m) {
      return m && (m.from === "user" || m.from === "bot");
    });
    // A send cut short by a reload may or may not have arrived: offer to retry it.
    state.messages.forEach(function (m) {
      if (m.from === "user" && (m.status === "sending" || m.status === "pending")) {
        m.status = "failed";
      }
    });
    return state;
  }

  function saveState(key, state) {
    try {
      window.sessionStorage.setItem(key, JSON.stringify(state));
    } catch (e) {
      /* storage full or disabled: the conversation lives until the page closes */
    }
  }

  /* A random id: the conversation's sender id ("web-..."), and each message's. */
  function newSender() {
    var bytes = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return "web-" + Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  miss.storageKey = storageKey;
  miss.loadState = loadState;
  miss.saveState = saveState;
  miss.newSender = newSender;
})(window.__missWidget);
