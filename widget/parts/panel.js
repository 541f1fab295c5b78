/*
 * MISS widget, part 4 of 6: the launcher button and the chat panel.
 *
 * miss.Widget builds both in a shadow root (mount), opens and closes the panel,
 * keeps the keyboard inside it when it fills a phone's screen, and passes clicks
 * in the conversation on. Drawing messages is in messages.js, sending in
 * conversation.js.
 */
(function (miss) {
  "use strict";

  var el = miss.el;
  var icon = miss.icon;

  function Widget(config) {
    this.config = config;
    this.t = config.labels;
    // Every sentence said to the patient; null if the config could not be read.
    this.texts = config.texts;
    this.key = miss.storageKey(config);
    this.state = miss.loadState(this.key);
    this.busy = false;
    this.generation = 0;
    this.smallScreen = window.matchMedia("(max-width: 600px), (max-height: 500px)");
  }

  Widget.prototype.save = function () {
    miss.saveState(this.key, this.state);
  };

  Widget.prototype.mount = function () {
    var t = this.t, texts = this.texts;
    this.host = el("div", { id: "miss-widget", "data-miss-widget": "" });
    var root = this.host.attachShadow({ mode: "open" });
    this.root = root;
    // Shown once its stylesheet is in (or could not load): never unstyled.
    var host = this.host;
    host.style.display = "none";
    miss.addStylesheet(root, miss.stylesheet, function () {
      host.style.removeProperty("display");
    });

    this.launcher = el("button", {
      type: "button", className: "mw-launcher", "aria-expanded": "false",
      "aria-controls": "mw-panel"
    }, [icon(miss.ICONS.chat), el("span", { text: t.launcher })]);

    this.newButton = el("button", {
      type: "button", className: "mw-new", text: t.newConversation, hidden: !texts
    });
    this.closeButton = el("button", {
      type: "button", className: "mw-close", "aria-label": t.close, title: t.close
    }, [icon(miss.ICONS.close)]);

    this.log = el("div", {
      className: "mw-log", id: "mw-log", role: "log", "aria-live": "polite",
      "aria-label": t.log, tabindex: "0"
    });
    this.typing = el("div", { className: "mw-typing", role: "status" });
    this.error = el("div", { className: "mw-error", role: "alert" });
    this.errorBox = el("div", { className: "mw-error-box" }, [
      this.errorText = el("p"),
      this.retryButton = el("button", { type: "button", className: "mw-retry", text: t.retry })
    ]);
    this.input = el("textarea", {
      id: "mw-input", className: "mw-input", rows: "1", placeholder: t.placeholder,
      autocomplete: "off", enterkeyhint: "send"
    });
    this.sendButton = el("button", { type: "submit", className: "mw-send", text: t.send });
    // Without its texts the widget does not chat: no conversation without the greeting.
    this.form = el("form", { className: "mw-form", hidden: !texts }, [
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
          texts && el("p", { className: "mw-subtitle", text: texts.subtitle })
        ]),
        this.newButton,
        this.closeButton
      ]),
      this.log,
      this.typing,
      this.error,
      this.form,
      texts && el("p", { className: "mw-privacy", text: texts.privacy })
    ]);
    this.panel.setAttribute("lang", this.config.lang);

    var colors = miss.palette(this.config);
    var frame = el("div", {
      className: this.config.position === "left" ? "mw mw--left" : "mw"
    }, [this.panel, this.launcher]);
    frame.style.setProperty("--mw-main", colors.main);
    frame.style.setProperty("--mw-on-main", colors.onMain);
    root.appendChild(frame);

    this.renderLog();
    this.input.value = this.state.draft;
    this.resizeInput();
    this.listen();

    document.body.appendChild(this.host);
    if (this.state.open) {
      this.open(false);
    }
  };

  Widget.prototype.listen = function () {
    var self = this;
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
    if (this.texts && this.state.messages.some(function (m) { return m.status === "failed"; })) {
      this.showError(true);
    }
    if (focus) {
      (this.texts ? this.input : this.closeButton).focus();
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

  miss.Widget = Widget;
})(window.__missWidget);
