/*
 * MISS assistant: website chat widget.
 *
 * Embed with one tag (see the README, "Website chat widget"):
 *
 *   <script src="https://ASSISTANT-HOST/miss-widget.js" defer
 *           data-server="https://RASA-HOST" data-title="Questions about spine surgery"
 *           data-color="#0b5394" data-lang="en"></script>
 *
 * It talks to Rasa's REST channel (POST <server>/webhooks/rest/webhook), keeps
 * the conversation in sessionStorage (this tab only) and never renders text as
 * HTML: every message is built from text nodes.
 * Plain JavaScript, no dependencies, no build step.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.__missWidget) {
    return;
  }
  window.__missWidget = true;

  var STRINGS = {
    en: {
      launcher: "Ask our assistant",
      title: "Questions about spine surgery",
      subtitle: "Automated help, not a doctor or nurse",
      greetingWho:
        "Hello! I'm {clinic} automated assistant, not a clinician. That means I'm a computer. " +
        "I'm not a doctor or a nurse.",
      clinicFallback: "the clinic's",
      greetingWhat:
        "I answer general questions about minimally invasive spine surgery. My answers come " +
        "from the clinic's patient guide. I can't give advice about your own care. Please " +
        "talk about your choices with your healthcare provider.",
      greetingEmergency: "Not for emergencies. If you need urgent help, call {emergency} now.",
      emergencyFallback: "your local emergency number",
      greetingAsk: "What would you like to know?",
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
      error: "We couldn't reach the assistant. Your message is kept; please try again.",
      tooFast: "You sent many messages quickly. Please wait a minute, then try again.",
      retry: "Try again",
      notSent: "Not sent",
      sending: "Sending",
      source: "From our patient guide",
      feedbackAsk: "Was this helpful?",
      feedbackYes: "Yes",
      feedbackNo: "No",
      feedbackYesLabel: "Yes, this answer helped",
      feedbackNoLabel: "No, this answer did not help",
      feedbackThanks: "Thank you for telling us.",
      feedbackError: "Sorry, we could not save that. Please try again.",
      link: "(opens in a new tab)",
      privacy:
        "This chat is kept only in this browser tab until you close it. " +
        "Please don't share personal details."
    }
  };

  var DEFAULTS = {
    server: "",
    title: "",
    color: "#0b5394",
    colorText: "",
    lang: "en",
    clinicName: "",
    emergencyNumber: "",
    position: "right",
    suggestions: []
  };

  var REQUEST_TIMEOUT_MS = 60000;

  // ---------------------------------------------------------------- config

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

  function loadConfig() {
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
  }

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
    config.strings = STRINGS[config.lang] || STRINGS[config.lang.split("-")[0]] || STRINGS.en;
    config.title = config.title || config.strings.title;
    return config;
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

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, key) {
      return key in values ? values[key] : m;
    });
  }

  // ---------------------------------------------------------------- colours

  function rgb(color) {
    var m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(String(color).trim());
    if (!m) {
      return null;
    }
    var hex = m[1].length === 3 ? m[1].replace(/./g, "$&$&") : m[1];
    return [0, 2, 4].map(function (i) { return parseInt(hex.substr(i, 2), 16); });
  }

  function luminance(c) {
    var v = c.map(function (x) {
      x /= 255;
      return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  }

  function contrast(a, b) {
    var la = luminance(a), lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  /* The main colour and a text colour on it with at least WCAG AA contrast. */
  function palette(config) {
    var main = rgb(config.color) || rgb(DEFAULTS.color);
    var onMain = rgb(config.colorText);
    if (!onMain || contrast(main, onMain) < 4.5) {
      onMain = contrast(main, [255, 255, 255]) >= contrast(main, [17, 17, 17])
        ? [255, 255, 255] : [17, 17, 17];
    }
    if (contrast(main, onMain) < 4.5) {
      main = rgb(DEFAULTS.color);
      onMain = [255, 255, 255];
    }
    var css = function (c) { return "rgb(" + c.join(",") + ")"; };
    return { main: css(main), onMain: css(onMain) };
  }

  // ---------------------------------------------------------------- storage

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

  function newSender() {
    var bytes = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return "web-" + Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  // ---------------------------------------------------------------- DOM helpers

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === false || value === null || value === undefined) {
        return;
      }
      if (name === "text") {
        node.textContent = value;
      } else if (name === "className") {
        node.className = value;
      } else {
        node.setAttribute(name, value === true ? "" : String(value));
      }
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) {
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  function icon(pathData) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "24");
    svg.setAttribute("height", "24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", pathData);
    path.setAttribute("fill", "currentColor");
    svg.appendChild(path);
    return svg;
  }

  var CHAT_ICON = "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm0 2v11h2v2l2.5-2H20V5H4z";
  var CLOSE_ICON = "M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z";

  var URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;

  /* Text with its http(s) links made clickable; everything else stays text. */
  function richText(text, strings) {
    var frag = document.createDocumentFragment();
    var value = String(text);
    var last = 0;
    value.replace(URL_PATTERN, function (match, offset) {
      var url = match.replace(/[.,;:!?)\]]+$/, "");
      frag.appendChild(document.createTextNode(value.slice(last, offset)));
      var a = el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, [url]);
      a.appendChild(el("span", { className: "mw-sr", text: " " + strings.link }));
      frag.appendChild(a);
      last = offset + url.length;
      return match;
    });
    frag.appendChild(document.createTextNode(value.slice(last)));
    return frag;
  }

  // ---------------------------------------------------------------- widget

  function Widget(config) {
    this.config = config;
    this.t = config.strings;
    this.key = storageKey(config);
    this.state = loadState(this.key);
    this.busy = false;
    this.generation = 0;
    this.smallScreen = window.matchMedia("(max-width: 600px), (max-height: 500px)");
  }

  Widget.prototype.save = function () {
    try {
      window.sessionStorage.setItem(this.key, JSON.stringify(this.state));
    } catch (e) {
      /* storage full or disabled: the conversation lives until the page closes */
    }
  };

  Widget.prototype.mount = function () {
    var t = this.t;
    var self = this;
    this.host = el("div", { id: "miss-widget", "data-miss-widget": "" });
    var root = this.host.attachShadow({ mode: "open" });
    this.root = root;
    addStyles(root, palette(this.config), this.config.position);

    this.launcher = el("button", {
      type: "button", className: "mw-launcher", "aria-expanded": "false",
      "aria-controls": "mw-panel"
    }, [icon(CHAT_ICON), el("span", { text: t.launcher })]);

    this.newButton = el("button", { type: "button", className: "mw-new", text: t.newConversation });
    this.closeButton = el("button", {
      type: "button", className: "mw-close", "aria-label": t.close, title: t.close
    }, [icon(CLOSE_ICON)]);

    this.log = el("div", {
      className: "mw-log", id: "mw-log", role: "log", "aria-live": "polite",
      "aria-label": t.log, tabindex: "0"
    });
    this.typing = el("div", { className: "mw-typing", role: "status" });
    this.error = el("div", { className: "mw-error", role: "alert" });
    this.errorBox = el("div", { className: "mw-error-box" }, [
      this.errorText = el("p", { text: t.error }),
      this.retryButton = el("button", { type: "button", className: "mw-retry", text: t.retry })
    ]);
    this.input = el("textarea", {
      id: "mw-input", className: "mw-input", rows: "1", placeholder: t.placeholder,
      autocomplete: "off", enterkeyhint: "send"
    });
    this.sendButton = el("button", { type: "submit", className: "mw-send", text: t.send });
    this.form = el("form", { className: "mw-form" }, [
      el("label", { for: "mw-input", className: "mw-sr", text: t.inputLabel }),
      this.input,
      this.sendButton
    ]);

    this.panel = el("section", {
      id: "mw-panel", className: "mw-panel", role: "dialog", "aria-modal": "false",
      "aria-labelledby": "mw-title", "aria-describedby": "mw-greeting", hidden: true
    }, [
      el("div", { className: "mw-header" }, [
        el("div", { className: "mw-heading" }, [
          el("h2", { id: "mw-title", text: this.config.title }),
          el("p", { className: "mw-subtitle", text: t.subtitle })
        ]),
        this.newButton,
        this.closeButton
      ]),
      this.log,
      this.typing,
      this.error,
      this.form,
      el("p", { className: "mw-privacy", text: t.privacy })
    ]);
    this.panel.setAttribute("lang", this.config.lang);

    root.appendChild(el("div", { className: "mw" }, [this.panel, this.launcher]));
    this.renderLog();
    this.input.value = this.state.draft;
    this.resizeInput();

    this.launcher.addEventListener("click", function () { self.toggle(); });
    this.closeButton.addEventListener("click", function () { self.close(); });
    this.newButton.addEventListener("click", function () { self.reset(); });
    this.retryButton.addEventListener("click", function () {
      self.retry();
      self.input.focus();
    });
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.submit();
    });
    this.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        self.submit();
      }
    });
    this.input.addEventListener("input", function () {
      self.state.draft = self.input.value;
      self.resizeInput();
      self.save();
    });
    this.panel.addEventListener("keydown", function (event) { self.onKeydown(event); });
    this.log.addEventListener("click", function (event) { self.onLogClick(event); });
    var onResize = function () { self.updateMode(); };
    if (this.smallScreen.addEventListener) {
      this.smallScreen.addEventListener("change", onResize);
    }

    document.body.appendChild(this.host);
    if (this.state.open) {
      this.open(false);
    }
  };

  Widget.prototype.updateMode = function () {
    var full = this.smallScreen.matches && !this.panel.hidden;
    this.panel.setAttribute("aria-modal", full ? "true" : "false");
    this.host.toggleAttribute("data-fullscreen", full);
  };

  Widget.prototype.toggle = function () {
    if (this.panel.hidden) {
      this.open(true);
    } else {
      this.close();
    }
  };

  Widget.prototype.open = function (focus) {
    this.panel.hidden = false;
    this.launcher.setAttribute("aria-expanded", "true");
    this.state.open = true;
    this.save();
    this.updateMode();
    this.scrollToEnd();
    if (this.state.messages.some(function (m) { return m.status === "failed"; })) {
      this.showError(true);
    }
    if (focus) {
      this.input.focus();
    }
  };

  Widget.prototype.close = function () {
    this.panel.hidden = true;
    this.launcher.setAttribute("aria-expanded", "false");
    this.state.open = false;
    this.save();
    this.updateMode();
    this.launcher.focus();
  };

  Widget.prototype.onKeydown = function (event) {
    if (event.key === "Escape") {
      event.preventDefault();
      this.close();
      return;
    }
    // Full-screen on a phone: keep Tab inside the panel.
    if (event.key === "Tab" && this.panel.getAttribute("aria-modal") === "true") {
      var focusable = Array.prototype.filter.call(
        this.panel.querySelectorAll("button, textarea, a[href], summary, [tabindex='0']"),
        function (node) { return !node.disabled && node.offsetParent !== null; });
      if (!focusable.length) {
        return;
      }
      var first = focusable[0], last = focusable[focusable.length - 1];
      var active = this.root.activeElement;
      if (event.shiftKey && active === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && active === last) {
        event.preventDefault();
        first.focus();
      }
    }
  };

  Widget.prototype.onLogClick = function (event) {
    var feedback = event.target.closest ? event.target.closest("button[data-feedback]") : null;
    if (feedback && this.log.contains(feedback)) {
      this.sendFeedback(feedback);
      return;
    }
    var button = event.target.closest ? event.target.closest("button[data-payload]") : null;
    if (!button || !this.log.contains(button)) {
      return;
    }
    this.send(button.getAttribute("data-title"), button.getAttribute("data-payload"));
  };

  Widget.prototype.resizeInput = function () {
    this.input.style.height = "auto";
    this.input.style.height = Math.min(this.input.scrollHeight, 160) + "px";
  };

  // -------------------------------------------------------------- sending

  Widget.prototype.submit = function () {
    var text = this.input.value.trim();
    if (!text) {
      this.input.focus();
      return;
    }
    this.send(text, null);
    this.input.value = "";
    this.state.draft = "";
    this.resizeInput();
    this.save();
    this.input.focus();
  };

  Widget.prototype.send = function (text, payload) {
    var message = { id: newSender(), from: "user", text: text, status: "pending" };
    if (payload) {
      message.payload = payload;
    }
    // Sending again also resends anything that failed before, in order.
    this.state.messages.forEach(function (m) {
      if (m.status === "failed") {
        m.status = "pending";
      }
    });
    this.state.messages.push(message);
    this.save();
    this.appendMessage(message);
    this.refreshStatuses();
    this.flush();
  };

  Widget.prototype.retry = function () {
    this.state.messages.forEach(function (m) {
      if (m.status === "failed") {
        m.status = "pending";
      }
    });
    this.save();
    this.refreshStatuses();
    this.flush();
  };

  Widget.prototype.flush = function () {
    var self = this;
    if (this.busy) {
      return;
    }
    var next = this.state.messages.filter(function (m) { return m.status === "pending"; })[0];
    if (!next) {
      this.showTyping(false);
      return;
    }
    var generation = this.generation;
    this.busy = true;
    this.showError(false);
    next.status = "sending";
    this.save();
    this.refreshStatuses();
    this.showTyping(true);
    this.post(next).then(function (replies) {
      if (generation !== self.generation) {
        return;
      }
      next.status = "sent";
      self.addReplies(replies);
    }, function (error) {
      if (generation !== self.generation) {
        return;
      }
      self.state.messages.forEach(function (m) {
        if (m.status === "sending" || m.status === "pending") {
          m.status = "failed";
        }
      });
      self.save();
      self.refreshStatuses();
      self.showTyping(false);
      self.showError(true, Boolean(error && error.tooFast));
    }).then(function () {
      if (generation === self.generation) {
        self.busy = false;
        self.save();
        self.refreshStatuses();
        self.flush();
      }
    });
  };

  Widget.prototype.post = function (message) {
    if (!this.config.server) {
      return Promise.reject(new Error("no server configured"));
    }
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller && setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS);
    return fetch(this.config.server + "/webhooks/rest/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: this.state.sender, message: message.payload || message.text }),
      credentials: "omit",
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      if (!response.ok) {
        var failure = new Error("HTTP " + response.status);
        failure.tooFast = response.status === 429;  // the server's rate limit: ask to wait
        throw failure;
      }
      return response.json();
    }).then(function (data) {
      if (!Array.isArray(data)) {
        throw new Error("unexpected reply");
      }
      return data;
    }).finally(function () {
      if (timer) {
        clearTimeout(timer);
      }
    });
  };

  /* Rasa's REST replies: text, buttons, and a source note as a separate custom item. */
  Widget.prototype.addReplies = function (replies) {
    var added = [];
    var previousBot = null;
    replies.forEach(function (reply) {
      if (!reply || typeof reply !== "object") {
        return;
      }
      var buttons = Array.isArray(reply.buttons) ? reply.buttons.filter(isButton) : [];
      var source = reply.custom && reply.custom.source;
      var quote = source && typeof source.quote === "string" ? source.quote : "";
      var triage = reply.custom && typeof reply.custom.triage === "string" ? reply.custom.triage : "";
      if (typeof reply.text === "string" && reply.text.trim() !== "") {
        previousBot = { id: newSender(), from: "bot", text: reply.text };
        added.push(previousBot);
      } else if (typeof reply.image === "string" && httpUrl(reply.image)) {
        previousBot = { id: newSender(), from: "bot", text: reply.image };
        added.push(previousBot);
      }
      if (buttons.length) {
        if (!previousBot) {
          previousBot = { id: newSender(), from: "bot", text: "" };
          added.push(previousBot);
        }
        previousBot.buttons = buttons.map(function (b) {
          return { title: b.title, payload: b.payload };
        });
      }
      if (quote) {
        var target = previousBot || this.lastBot();
        if (!target) {
          target = previousBot = { id: newSender(), from: "bot", text: "" };
          added.push(target);
        }
        target.source = { document: String(source.document || ""), quote: quote };
        if (target !== previousBot && added.indexOf(target) < 0) {
          this.rerender(target);
        }
      }
      // Emergency advice ("acute") is never followed by "Was this helpful?".
      if (triage && (previousBot || this.lastBot())) {
        (previousBot || this.lastBot()).triage = triage;
      }
    }, this);
    var self = this;
    added.forEach(function (m) {
      self.state.messages.push(m);
      self.appendMessage(m);
    });
    this.save();
  };

  Widget.prototype.lastBot = function () {
    for (var i = this.state.messages.length - 1; i >= 0; i--) {
      if (this.state.messages[i].from === "bot") {
        return this.state.messages[i];
      }
    }
    return null;
  };

  Widget.prototype.reset = function () {
    this.generation += 1;
    this.busy = false;
    this.state = { sender: newSender(), messages: [], open: true, draft: this.input.value };
    this.save();
    this.showTyping(false);
    this.showError(false);
    this.renderLog();
    this.announce(this.t.newStarted);
    this.input.focus();
  };

  // -------------------------------------------------------------- rendering

  Widget.prototype.renderLog = function () {
    var log = this.log;
    while (log.firstChild) {
      log.removeChild(log.firstChild);
    }
    log.appendChild(this.greeting());
    this.state.messages.forEach(function (m) {
      log.appendChild(this.messageNode(m));
    }, this);
    this.scrollToEnd();
  };

  Widget.prototype.greeting = function () {
    var t = this.t, c = this.config;
    var clinic = c.clinicName ? c.clinicName + "'s" : t.clinicFallback;
    var emergency = c.emergencyNumber
      ? el("a", { href: "tel:" + c.emergencyNumber.replace(/[^0-9+]/g, ""), text: c.emergencyNumber })
      : document.createTextNode(t.emergencyFallback);
    var parts = t.greetingEmergency.split("{emergency}");
    var node = el("div", { className: "mw-msg mw-msg--bot mw-greeting", id: "mw-greeting" }, [
      el("div", { className: "mw-bubble" }, [
        el("p", { text: fill(t.greetingWho, { clinic: clinic }) }),
        el("p", { text: t.greetingWhat }),
        el("p", { className: "mw-emergency" }, [
          el("strong", {}, [parts[0], emergency, parts[1] || ""])
        ]),
        el("p", { text: t.greetingAsk })
      ])
    ]);
    if (c.suggestions.length) {
      node.appendChild(this.buttonGroup(c.suggestions, t.suggestions));
    }
    return node;
  };

  Widget.prototype.buttonGroup = function (buttons, label) {
    return el("div", { className: "mw-choices", role: "group", "aria-label": label },
      buttons.map(function (b) {
        return el("button", {
          type: "button", className: "mw-choice", "data-payload": b.payload,
          "data-title": b.title, text: b.title
        });
      }));
  };

  Widget.prototype.messageNode = function (m) {
    var t = this.t;
    var bubble = el("div", { className: "mw-bubble" }, [
      el("span", { className: "mw-sr", text: (m.from === "user" ? t.you : t.bot) + " " })
    ]);
    var text = el("p", { className: "mw-text" });
    text.appendChild(richText(m.text || "", t));
    bubble.appendChild(text);
    var node = el("div", {
      className: "mw-msg mw-msg--" + m.from, "data-id": m.id
    }, [bubble]);
    if (m.source && m.source.quote) {
      bubble.appendChild(el("details", { className: "mw-source" }, [
        el("summary", { text: t.source }),
        el("blockquote", { text: m.source.quote })
      ]));
    }
    if (m.buttons && m.buttons.length) {
      node.appendChild(this.buttonGroup(m.buttons, t.choices));
    }
    if (m.from === "bot" && m.text && m.source && m.source.quote && m.triage !== "acute") {
      node.appendChild(this.feedbackNode(m));
    }
    if (m.from === "user") {
      node.appendChild(el("p", { className: "mw-status" }));
      this.applyStatus(node, m);
    }
    return node;
  };

  /* "Was this helpful? Yes / No" under an answer from the guide; once chosen, a thank-you. */
  Widget.prototype.feedbackNode = function (m) {
    var t = this.t;
    if (m.feedback === "yes" || m.feedback === "no") {
      return el("p", { className: "mw-feedback mw-feedback--done", text: t.feedbackThanks });
    }
    return el("div", { className: "mw-feedback", role: "group", "aria-label": t.feedbackAsk }, [
      el("span", { className: "mw-feedback-ask", "aria-hidden": "true", text: t.feedbackAsk }),
      el("button", { type: "button", className: "mw-feedback-btn", "data-feedback": "yes",
        "aria-label": t.feedbackYesLabel, text: t.feedbackYes }),
      el("button", { type: "button", className: "mw-feedback-btn", "data-feedback": "no",
        "aria-label": t.feedbackNoLabel, text: t.feedbackNo })
    ]);
  };

  Widget.prototype.sendFeedback = function (button) {
    var self = this;
    var node = button.closest("[data-id]");
    var id = node && node.getAttribute("data-id");
    var m = this.state.messages.filter(function (x) { return x.id === id; })[0];
    if (!m || m.feedback || button.disabled) {
      return;
    }
    var helpful = button.getAttribute("data-feedback") === "yes";
    var group = button.parentNode;
    var buttons = group.querySelectorAll("button");
    var hadFocus = this.root.activeElement === button;
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    var generation = this.generation;
    this.postFeedback(m, helpful).then(function () {
      if (generation !== self.generation) {
        return;
      }
      m.feedback = helpful ? "yes" : "no";
      self.save();
      var done = self.feedbackNode(m);
      if (group.parentNode) {
        group.parentNode.replaceChild(done, group);
      }
      // The buttons are gone: a keyboard user goes on in the text box, and hears the thanks.
      if (hadFocus) {
        self.input.focus();
      }
      self.announce(self.t.feedbackThanks);
    }, function () {
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
      if (hadFocus) {
        button.focus();
      }
      self.announce(self.t.feedbackError);
    });
  };

  Widget.prototype.postFeedback = function (m, helpful) {
    if (!this.config.server) {
      return Promise.reject(new Error("no server configured"));
    }
    return fetch(this.config.server + "/webhooks/rest/feedback", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: this.state.sender, answer: m.text, helpful: helpful }),
      credentials: "omit"
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
    });
  };

  Widget.prototype.applyStatus = function (node, m) {
    var status = node.querySelector(".mw-status");
    if (!status) {
      return;
    }
    var label = m.status === "failed" ? this.t.notSent
      : (m.status === "pending" || m.status === "sending") ? this.t.sending + "…" : "";
    status.textContent = label;
    status.hidden = !label;
    node.classList.toggle("mw-msg--failed", m.status === "failed");
  };

  Widget.prototype.refreshStatuses = function () {
    this.state.messages.forEach(function (m) {
      if (m.from !== "user") {
        return;
      }
      var node = this.log.querySelector('[data-id="' + m.id + '"]');
      if (node) {
        this.applyStatus(node, m);
      }
    }, this);
  };

  Widget.prototype.appendMessage = function (m) {
    this.log.appendChild(this.messageNode(m));
    this.scrollToEnd();
  };

  Widget.prototype.rerender = function (m) {
    var node = this.log.querySelector('[data-id="' + m.id + '"]');
    if (node) {
      node.parentNode.replaceChild(this.messageNode(m), node);
    }
  };

  /* The latest message in view; with no conversation yet, the opening message from its start. */
  Widget.prototype.scrollToEnd = function () {
    this.log.scrollTop = this.state.messages.length ? this.log.scrollHeight : 0;
  };

  Widget.prototype.showTyping = function (on) {
    var typing = this.typing;
    while (typing.firstChild) {
      typing.removeChild(typing.firstChild);
    }
    typing.classList.toggle("mw-typing--on", on);
    if (on) {
      typing.appendChild(el("span", { className: "mw-dots", "aria-hidden": "true" }, [
        el("span"), el("span"), el("span")
      ]));
      typing.appendChild(el("span", { className: "mw-typing-text", text: this.t.typing + "…" }));
    }
  };

  Widget.prototype.announce = function (text) {
    var typing = this.typing;
    typing.textContent = text;
    setTimeout(function () {
      if (typing.textContent === text) {
        typing.textContent = "";
      }
    }, 3000);
  };

  /* The alert region stays in the page; its content is added so that it is announced. */
  Widget.prototype.showError = function (on, tooFast) {
    var shown = this.errorBox.parentNode === this.error;
    if (on) {
      this.errorText.textContent = tooFast ? this.t.tooFast : this.t.error;
    }
    if (on && !shown) {
      this.error.appendChild(this.errorBox);
      this.scrollToEnd();
    } else if (!on && shown) {
      this.error.removeChild(this.errorBox);
    }
  };

  // -------------------------------------------------------------- styles

  function addStyles(root, colors, position) {
    var side = position === "left" ? "left" : "right";
    var css = [
      ":host { all: initial; }",
      ".mw { --mw-main: " + colors.main + "; --mw-on-main: " + colors.onMain + ";",
      "  --mw-text: #1b1f24; --mw-muted: #4a5260; --mw-bot: #eef1f5; --mw-border: #8a94a3;",
      "  --mw-error: #a4161a; font: 16px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto,",
      "  'Helvetica Neue', Arial, sans-serif; color: var(--mw-text); }",
      ".mw *, .mw *::before, .mw *::after { box-sizing: border-box; }",
      ".mw [hidden] { display: none !important; }",
      ".mw-sr { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px;",
      "  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }",
      ":where(.mw) button, :where(.mw) textarea { font: inherit; color: inherit; }",
      ".mw button { cursor: pointer; }",
      ".mw :focus-visible { outline: 3px solid var(--mw-text); outline-offset: 2px; }",
      ".mw-launcher { position: fixed; bottom: 20px; " + side + ": 20px; z-index: 2147483000;",
      "  display: inline-flex; align-items: center; gap: 8px; min-height: 48px;",
      "  padding: 10px 18px; border: 2px solid var(--mw-on-main); border-radius: 999px;",
      "  background: var(--mw-main); color: var(--mw-on-main); font-weight: 600;",
      "  box-shadow: 0 4px 14px rgba(0,0,0,.25); }",
      ".mw .mw-launcher:focus-visible { outline: 3px solid #111; outline-offset: 3px;",
      "  box-shadow: 0 0 0 3px #fff; }",
      ".mw-panel { position: fixed; bottom: 84px; " + side + ": 20px; z-index: 2147483001;",
      "  width: 384px; max-width: calc(100vw - 40px); height: 620px;",
      "  max-height: calc(100vh - 104px); display: flex; flex-direction: column;",
      "  background: #fff; border: 1px solid var(--mw-border); border-radius: 12px;",
      "  box-shadow: 0 10px 30px rgba(0,0,0,.25); overflow: hidden; }",
      ".mw-header { display: flex; align-items: center; gap: 8px; padding: 10px 10px 10px 16px;",
      "  background: var(--mw-main); color: var(--mw-on-main); }",
      ".mw-heading { flex: 1; min-width: 0; }",
      ".mw-header h2 { margin: 0; font-size: 1.05em; line-height: 1.3; }",
      ".mw-subtitle { margin: 0; font-size: .85em; }",
      ".mw-header button { background: transparent; color: var(--mw-on-main);",
      "  border: 1px solid var(--mw-on-main); border-radius: 6px; min-height: 40px; }",
      ".mw .mw-header :focus-visible { outline-color: var(--mw-on-main); outline-offset: -5px; }",
      ".mw-new { padding: 4px 10px; font-size: .85em; }",
      ".mw-close { width: 40px; display: inline-flex; align-items: center; justify-content: center; }",
      ".mw-log { flex: 1; overflow-y: auto; padding: 16px; display: flex; flex-direction: column;",
      "  gap: 12px; overscroll-behavior: contain; }",
      ".mw-msg { display: flex; flex-direction: column; max-width: 88%; }",
      ".mw-msg--bot { align-self: flex-start; }",
      ".mw-msg--user { align-self: flex-end; align-items: flex-end; }",
      ".mw-bubble { padding: 10px 14px; border-radius: 14px; overflow-wrap: anywhere; }",
      ".mw-bubble p { margin: 0; white-space: pre-wrap; }",
      ".mw-bubble p + p { margin-top: .5em; }",
      ".mw-msg--bot .mw-bubble { background: var(--mw-bot); border-bottom-left-radius: 4px; }",
      ".mw-msg--user .mw-bubble { background: var(--mw-main); color: var(--mw-on-main);",
      "  border-bottom-right-radius: 4px; }",
      ".mw-bubble a { color: inherit; text-decoration: underline; }",
      ".mw-msg--failed .mw-bubble { outline: 2px dashed var(--mw-error); outline-offset: 2px; }",
      ".mw-status { margin: 4px 2px 0; font-size: .8em; color: var(--mw-muted); }",
      ".mw-msg--failed .mw-status { color: var(--mw-error); font-weight: 600; }",
      ".mw-emergency strong { font-weight: 700; }",
      ".mw-source { margin-top: 8px; border-top: 1px solid var(--mw-border); padding-top: 6px;",
      "  font-size: .9em; }",
      ".mw-source summary { cursor: pointer; font-weight: 600; }",
      ".mw-source blockquote { margin: 6px 0 0; padding-left: 10px;",
      "  border-left: 3px solid var(--mw-main); font-style: italic; white-space: pre-wrap; }",
      ".mw-choices { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; }",
      ".mw-choice { padding: 6px 12px; min-height: 36px; border-radius: 999px;",
      "  border: 2px solid var(--mw-main); background: #fff; color: var(--mw-text); }",
      ".mw-choice:hover { background: var(--mw-bot); }",
      ".mw-feedback { display: flex; align-items: center; flex-wrap: wrap; gap: 6px;",
      "  margin: 6px 2px 0; font-size: .9em; color: var(--mw-muted); }",
      ".mw-feedback-btn { padding: 4px 14px; min-height: 32px; min-width: 44px;",
      "  border-radius: 999px; border: 1px solid var(--mw-muted); background: #fff;",
      "  color: var(--mw-text); }",
      ".mw-feedback-btn:hover { background: var(--mw-bot); }",
      ".mw-feedback-btn:disabled { cursor: default; opacity: .6; }",
      "p.mw-feedback--done { margin: 6px 2px 0; }",
      ".mw-typing { padding: 0 16px; min-height: 0; color: var(--mw-muted); font-size: .9em; }",
      ".mw-typing--on { display: flex; align-items: center; gap: 8px; padding: 4px 16px 8px; }",
      ".mw-dots { display: inline-flex; gap: 4px; }",
      ".mw-dots span { width: 8px; height: 8px; border-radius: 50%; background: var(--mw-muted);",
      "  animation: mw-bounce 1.2s infinite ease-in-out; }",
      ".mw-dots span:nth-child(2) { animation-delay: .15s; }",
      ".mw-dots span:nth-child(3) { animation-delay: .3s; }",
      "@keyframes mw-bounce { 0%, 80%, 100% { opacity: .3; transform: translateY(0); }",
      "  40% { opacity: 1; transform: translateY(-3px); } }",
      "@media (prefers-reduced-motion: reduce) { .mw-dots span { animation: none; } }",
      ".mw-error-box { margin: 0 12px 8px; padding: 8px 12px; border: 2px solid var(--mw-error);",
      "  border-radius: 8px; background: #fff5f5; color: var(--mw-error); display: flex;",
      "  align-items: center; gap: 10px; flex-wrap: wrap; }",
      ".mw-error-box p { margin: 0; flex: 1 1 12em; }",
      ".mw-retry { padding: 6px 14px; min-height: 36px; border-radius: 6px; border: 0;",
      "  background: var(--mw-error); color: #fff; font-weight: 600; }",
      ".mw-form { display: flex; align-items: flex-end; gap: 8px; padding: 10px 12px;",
      "  border-top: 1px solid var(--mw-border); }",
      ".mw-input { flex: 1; min-width: 0; resize: none; min-height: 44px; max-height: 160px;",
      "  padding: 10px 12px; border: 1px solid var(--mw-border); border-radius: 8px;",
      "  background: #fff; line-height: 1.4; }",
      ".mw-input::placeholder { color: var(--mw-muted); opacity: 1; }",
      ".mw-send { min-height: 44px; padding: 0 16px; border: 0; border-radius: 8px;",
      "  background: var(--mw-main); color: var(--mw-on-main); font-weight: 600; }",
      ".mw-privacy { margin: 0; padding: 0 12px 10px; font-size: .75em; color: var(--mw-muted); }",
      "@media (max-width: 600px), (max-height: 500px) {",
      "  .mw-panel { inset: 0; width: 100%; max-width: none; height: 100%; max-height: none;",
      "    border: 0; border-radius: 0; }",
      "  .mw-msg { max-width: 92%; }",
      "}",
      "@media print { .mw { display: none; } }"
    ].join("\n");
    if (root.adoptedStyleSheets !== undefined && window.CSSStyleSheet &&
        CSSStyleSheet.prototype.replaceSync) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets = [sheet];
    } else {
      root.appendChild(el("style", { text: css }));
    }
  }

  // -------------------------------------------------------------- start

  function start() {
    loadConfig().then(function (config) {
      var widget = new Widget(config);
      widget.mount();
      window.MissWidget = {
        open: function () { widget.open(true); },
        close: function () { widget.close(); }
      };
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
