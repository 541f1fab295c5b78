/*
 * MISS widget, part 2 of 6: building the page.
 *
 * Elements are made from text nodes only, never from HTML. Also: the two icons,
 * links in message text, the colours (WCAG AA contrast) and the stylesheet.
 */
(function (miss) {
  "use strict";

  var DEFAULT_COLOR = "#0b5394";

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

  var ICONS = {
    chat: "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm0 2v11h2v2l2.5-2H20V5H4z",
    close: "M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z"
  };

  var URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;

  /* Text with its http(s) links made clickable; everything else stays text.
     linkNote is said after each link to screen reader users. */
  function richText(text, linkNote) {
    var frag = document.createDocumentFragment();
    var value = String(text);
    var last = 0;
    value.replace(URL_PATTERN, function (match, offset) {
      var url = match.replace(/[.,;:!?)\]]+$/, "");
      frag.appendChild(document.createTextNode(value.slice(last, offset)));
      var a = el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, [url]);
      a.appendChild(el("span", { className: "mw-sr", text: " " + linkNote }));
      frag.appendChild(a);
      last = offset + url.length;
      return match;
    });
    frag.appendChild(document.createTextNode(value.slice(last)));
    return frag;
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
    var main = rgb(config.color) || rgb(DEFAULT_COLOR);
    var onMain = rgb(config.colorText);
    if (!onMain || contrast(main, onMain) < 4.5) {
      onMain = contrast(main, [255, 255, 255]) >= contrast(main, [17, 17, 17])
        ? [255, 255, 255] : [17, 17, 17];
    }
    if (contrast(main, onMain) < 4.5) {
      main = rgb(DEFAULT_COLOR);
      onMain = [255, 255, 255];
    }
    var css = function (c) { return "rgb(" + c.join(",") + ")"; };
    return { main: css(main), onMain: css(onMain) };
  }

  // ---------------------------------------------------------------- stylesheet

  /* miss-widget.css into the shadow root; ready() once it is loaded (or failed). A
     <link> loads from another origin without CORS, as the script itself does. */
  function addStylesheet(root, href, ready) {
    var link = el("link", { rel: "stylesheet", href: href });
    var called = false;
    var once = function () {
      if (!called) {
        called = true;
        ready();
      }
    };
    link.addEventListener("load", once);
    link.addEventListener("error", once);
    root.appendChild(link);
  }

  miss.el = el;
  miss.icon = icon;
  miss.ICONS = ICONS;
  miss.richText = richText;
  miss.palette = palette;
  miss.addStylesheet = addStylesheet;
})(window.__missWidget);
