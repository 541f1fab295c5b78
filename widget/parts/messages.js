/*
 * MISS widget, part 5 of 6: drawing the conversation.
 *
 * The opening message (from the served texts, with the clinic's name and a link
 * to call the emergency number), each message with its source quote, reply
 * buttons and "Was this helpful?", a message's sending status, the typing
 * indicator and the error box.
 */
(function (miss) {
  "use strict";

  var el = miss.el;
  var Widget = miss.Widget;

  Widget.prototype.renderLog = function () {
    var log = this.log;
    while (log.firstChild) {
      log.removeChild(log.firstChild);
    }
    if (!this.texts) {
      log.appendChild(this.unavailable());
      return;
    }
    log.appendChild(this.greeting());
    this.state.messages.forEach(function (m) {
      log.appendChild(this.messageNode(m));
    }, this);
    this.scrollToEnd();
  };

  /* The one line shown when the widget's texts could not be read. */
  Widget.prototype.unavailable = function () {
    return el("div", { className: "mw-msg mw-msg--bot mw-greeting", id: "mw-greeting" }, [
      el("div", { className: "mw-bubble" }, [el("p", { text: this.t.unavailable })])
    ]);
  };

  Widget.prototype.greeting = function () {
    var texts = this.texts, c = this.config;
    var clinic = c.clinicName
      ? miss.fill(texts.clinic, { clinic_name: c.clinicName }) : texts.clinic_unknown;
    var emergency = c.emergencyNumber
      ? el("a", { href: "tel:" + c.emergencyNumber.replace(/[^0-9+]/g, ""), text: c.emergencyNumber })
      : document.createTextNode(texts.emergency_unknown);
    var parts = texts.greeting_emergency.split("{emergency}");
    var node = el("div", { className: "mw-msg mw-msg--bot mw-greeting", id: "mw-greeting" }, [
      el("div", { className: "mw-bubble" }, [
        el("p", { text: miss.fill(texts.greeting_who, { clinic: clinic }) }),
        el("p", { text: texts.greeting_what }),
        el("p", { className: "mw-emergency" }, [
          el("strong", {}, [parts[0], emergency, parts[1] || ""])
        ]),
        el("p", { text: texts.greeting_ask })
      ])
    ]);
    if (c.suggestions.length) {
      node.appendChild(this.buttonGroup(c.suggestions, this.t.suggestions));
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
    text.appendChild(miss.richText(m.text || "", t.link));
    bubble.appendChild(text);
    var node = el("div", {
      className: "mw-msg mw-msg--" + m.from, "data-id": m.id
    }, [bubble]);
    if (m.source && m.source.quote) {
      bubble.appendChild(el("details", { className: "mw-source" }, [
        el("summary", { text: this.texts.source }),
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
      return el("p", { className: "mw-feedback mw-feedback--done",
        text: this.texts.feedback_thanks });
    }
    return el("div", { className: "mw-feedback", role: "group", "aria-label": t.feedbackAsk }, [
      el("span", { className: "mw-feedback-ask", "aria-hidden": "true", text: t.feedbackAsk }),
      el("button", { type: "button", className: "mw-feedback-btn", "data-feedback": "yes",
        "aria-label": t.feedbackYesLabel, text: t.feedbackYes }),
      el("button", { type: "button", className: "mw-feedback-btn", "data-feedback": "no",
        "aria-label": t.feedbackNoLabel, text: t.feedbackNo })
    ]);
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

  /* The alert region stays in the page; its content is added so that it is announced.
     tooFast: the server's rate limit (HTTP 429), not a failure to reach it. */
  Widget.prototype.showError = function (on, tooFast) {
    var shown = this.errorBox.parentNode === this.error;
    if (on) {
      this.errorText.textContent = tooFast ? this.texts.too_fast : this.texts.error;
    }
    if (on && !shown) {
      this.error.appendChild(this.errorBox);
      this.scrollToEnd();
    } else if (!on && shown) {
      this.error.removeChild(this.errorBox);
    }
  };
})(window.__missWidget);
