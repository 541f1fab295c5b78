/*
 * MISS widget, part 6 of 6: talking to Rasa.
 *
 * Messages go to Rasa's REST channel (POST <server>/webhooks/rest/webhook) one at
 * a time, in order; a failed one stays in the conversation, marked "Not sent",
 * until it is sent again. Replies (text, buttons, a source quote, the triage
 * tier) become bot messages. "Was this helpful?" goes to /webhooks/rest/feedback.
 */
(function (miss) {
  "use strict";

  var Widget = miss.Widget;
  var REQUEST_TIMEOUT_MS = 60000;

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
    var message = { id: miss.newSender(), from: "user", text: text, status: "pending" };
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
      var buttons = Array.isArray(reply.buttons) ? reply.buttons.filter(miss.isButton) : [];
      var source = reply.custom && reply.custom.source;
      var quote = source && typeof source.quote === "string" ? source.quote : "";
      var triage = reply.custom && typeof reply.custom.triage === "string" ? reply.custom.triage : "";
      if (typeof reply.text === "string" && reply.text.trim() !== "") {
        previousBot = { id: miss.newSender(), from: "bot", text: reply.text };
        added.push(previousBot);
      } else if (typeof reply.image === "string" && miss.httpUrl(reply.image)) {
        previousBot = { id: miss.newSender(), from: "bot", text: reply.image };
        added.push(previousBot);
      }
      if (buttons.length) {
        if (!previousBot) {
          previousBot = { id: miss.newSender(), from: "bot", text: "" };
          added.push(previousBot);
        }
        previousBot.buttons = buttons.map(function (b) {
          return { title: b.title, payload: b.payload };
        });
      }
      if (quote) {
        var target = previousBot || this.lastBot();
        if (!target) {
          target = previousBot = { id: miss.newSender(), from: "bot", text: "" };
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
    this.state = { sender: miss.newSender(), messages: [], open: true, draft: this.input.value };
    this.save();
    this.showTyping(false);
    this.showError(false);
    this.renderLog();
    this.announce(this.t.newStarted);
    this.input.focus();
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
      self.announce(self.texts.feedback_thanks);
    }, function () {
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
      if (hadFocus) {
        button.focus();
      }
      self.announce(self.texts.feedback_error);
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
})(window.__missWidget);
