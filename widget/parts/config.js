/*
 * MISS widget, part 1 of 6: its configuration.
 *
 * The embed tag's data-* attributes win over the config the widget server serves
 * (miss-widget-config.json beside the script: the Rasa server, the clinic's
 * details, suggested questions and every text the widget says to a patient, from
 * knowledge/widget.yml). LABELS are only the names of controls.
 */
(function (miss) {
  "use strict";

  var script = miss.script;

  var LABELS = {
    en: {
      launcher: "Ask our assistant",
      suggestions: "Suggested questions",
      choices: "Reply options",
      you: "You said:",
      log: "Conversation",
      bot: "Assistant said:",
      inputLabel: "Your question",
      placeholder: "Type your question",
      send: "Send",
      close: "Close chat",
      newConversation: "New conversation",
      newStarted: "New conversation started.",
      typing: "The assistant is typing",
      retry: "Try again",
      notSent: "Not sent",
      sending: "Sending",
      feedbackAsk: "Was this helpful?",
      feedbackYes: "Yes",
      feedbackNo: "No",
      feedbackYesLabel: "Yes, this answer helped",
      feedbackNoLabel: "No, this answer did not help",
      link: "(opens in a new tab)",
      // Only when the served texts could not be read: no chat without the greeting's
      // safety texts, and no clinical wording here to keep in step with them.
      unavailable: "The assistant is not available right now. Please try again later."
    }
  };

  // What the opening message and the errors need from the served texts.
  var REQUIRED_TEXTS = ["title", "subtitle", "greeting_who", "greeting_what",
    "greeting_emergency", "greeting_ask", "error", "too_fast", "source",
    "feedback_thanks", "feedback_error", "privacy", "clinic", "clinic_unknown",
    "emergency_unknown"];

  var DEFAULTS = {
    server: "",
    title: "",
    color: "#0b5394",
    colorText: "",
    lang: "en",
    clinicName: "",
    emergencyNumber: "",
    position: "right",
    suggestions: [],
    texts: null
  };

  function scriptData() {
    var d = script.dataset;
    var out = {};
    var names = ["server", "title", "color", "colorText", "lang", "clinicName",
                 "emergencyNumber", "position"];
    names.forEach(function (name) {
      if (typeof d[name] === "string" && d[name].trim() !== "") {
        out[name] = d[name].trim();
      }
    });
    return out;
  }

  function configUrl() {
    var value = script.dataset.config;
    if (value === "none") {
      return null;
    }
    try {
      return new URL(value || "miss-widget-config.json", script.src || document.baseURI).href;
    } catch (e) {
      return null;
    }
  }

  miss.loadConfig = function () {
    var url = configUrl();
    var fromScript = scriptData();
    if (!url || !window.fetch) {
      return Promise.resolve(merge({}, fromScript));
    }
    return fetch(url, { credentials: "omit", cache: "no-cache" })
      .then(function (response) {
        return response.ok ? response.json() : {};
      })
      .catch(function () {
        return {};
      })
      .then(function (fromServer) {
        return merge(fromServer && typeof fromServer === "object" ? fromServer : {}, fromScript);
      });
  };

  function merge(fromServer, fromScript) {
    var config = {};
    Object.keys(DEFAULTS).forEach(function (key) {
      config[key] = DEFAULTS[key];
      if (key in fromServer && typeof fromServer[key] === typeof DEFAULTS[key]) {
        config[key] = fromServer[key];
      }
      if (key in fromScript) {
        config[key] = fromScript[key];
      }
    });
    config.server = httpUrl(config.server) ? config.server.replace(/\/+$/, "") : "";
    config.suggestions = (config.suggestions || []).filter(isButton).slice(0, 8);
    config.labels = LABELS[config.lang] || LABELS[config.lang.split("-")[0]] || LABELS.en;
    config.texts = completeTexts(config.texts);
    config.title = config.title || (config.texts ? config.texts.title : config.labels.launcher);
    return config;
  }

  /* The served texts if every one the widget needs is there, else null. */
  function completeTexts(texts) {
    if (!texts || typeof texts !== "object") {
      return null;
    }
    var complete = REQUIRED_TEXTS.every(function (key) {
      return typeof texts[key] === "string" && texts[key].trim() !== "";
    });
    return complete ? texts : null;
  }

  function httpUrl(value) {
    try {
      var url = new URL(value);
      return url.protocol === "https:" || url.protocol === "http:";
    } catch (e) {
      return false;
    }
  }

  function isButton(b) {
    return b && typeof b.title === "string" && b.title.trim() !== "" &&
      typeof b.payload === "string" && b.payload.trim() !== "";
  }

  /* "{name}" in a text replaced by values[name]; unknown names stay as they are. */
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, key) {
      return key in values ? values[key] : m;
    });
  }

  miss.httpUrl = httpUrl;
  miss.isButton = isButton;
  miss.fill = fill;
})(window.__missWidget);
