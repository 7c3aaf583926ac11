// gatewaygen portal: the theme toggle, search over the index built at
// generation time, and the try-it console. Pages read without it; nothing
// here fetches from another origin (the page's Content-Security-Policy
// forbids it anyway) and nothing builds HTML from strings.
(function () {
  "use strict";
  var root = document.documentElement.getAttribute("data-root") || "";

  // Theme: prefers-color-scheme unless the reader chose; the choice is
  // remembered when storage is available (it may not be from file://).
  function storedTheme() {
    try { return localStorage.getItem("gatewaygen-theme"); } catch (e) { return null; }
  }
  function dark() {
    var t = document.documentElement.getAttribute("data-theme");
    if (t) return t === "dark";
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  }
  var saved = storedTheme();
  if (saved === "dark" || saved === "light") document.documentElement.setAttribute("data-theme", saved);

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function setupTheme() {
    var b = document.querySelector("button.theme");
    if (!b) return;
    function show() {
      var d = dark();
      b.setAttribute("aria-pressed", d ? "true" : "false");
      b.textContent = "Dark theme";
    }
    b.hidden = false;
    show();
    b.addEventListener("click", function () {
      var next = dark() ? "light" : "dark";
      document.documentElement.setAttribute("data-theme", next);
      try { localStorage.setItem("gatewaygen-theme", next); } catch (e) { /* memory only */ }
      show();
    });
  }

  // Search: the index (search.js) is loaded on first use so that a page
  // costs nothing until the reader searches.
  function setupSearch() {
    var box = document.querySelector(".search");
    var q = document.getElementById("q");
    var list = document.getElementById("q-results");
    if (!box || !q || !list) return;
    box.hidden = false;
    var loading = false, sel = -1, hits = [];
    function load(then) {
      if (window.gatewaygenIndex) { then(); return; }
      if (loading) return;
      loading = true;
      var s = document.createElement("script");
      s.src = root + "search.js";
      s.onload = function () { then(); };
      document.head.appendChild(s);
    }
    function score(e, terms) {
      var n = 0;
      for (var i = 0; i < terms.length; i++) {
        var t = terms[i];
        if (e[5].indexOf(t) < 0) return -1;
        if (e[2].toLowerCase().indexOf(t) >= 0) n += 4;
        if (e[3].toLowerCase().indexOf(t) >= 0) n += 3;
        if (e[6] && e[6].toLowerCase().indexOf(t) >= 0) n += 3;
        if (e[4].toLowerCase().indexOf(t) >= 0) n += 2;
      }
      return n;
    }
    function render() {
      while (list.firstChild) list.removeChild(list.firstChild);
      hits.forEach(function (e, i) {
        var li = el("li");
        li.id = "q-hit-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", i === sel ? "true" : "false");
        var head = el("span");
        head.appendChild(el("span", "m m-" + e[1].toLowerCase(), e[1]));
        head.appendChild(document.createTextNode(" "));
        head.appendChild(el("code", "", e[2]));
        li.appendChild(head);
        if (e[3]) li.appendChild(el("span", "sum", e[3]));
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); go(e); });
        list.appendChild(li);
      });
      var open = hits.length > 0;
      list.hidden = !open;
      q.setAttribute("aria-expanded", open ? "true" : "false");
      if (sel >= 0) q.setAttribute("aria-activedescendant", "q-hit-" + sel);
      else q.removeAttribute("aria-activedescendant");
      var cur = document.getElementById("q-hit-" + sel);
      if (cur && cur.scrollIntoView) cur.scrollIntoView({ block: "nearest" });
    }
    function search() {
      var text = q.value.trim().toLowerCase();
      sel = -1;
      if (!text || !window.gatewaygenIndex) { hits = []; render(); return; }
      var terms = text.split(/\s+/), found = [];
      var idx = window.gatewaygenIndex;
      for (var i = 0; i < idx.length; i++) {
        var s = score(idx[i], terms);
        if (s >= 0) found.push([s, i]);
      }
      found.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
      hits = found.slice(0, 30).map(function (f) { return idx[f[1]]; });
      if (hits.length) sel = 0;
      render();
    }
    function go(e) { window.location.href = root + e[0]; }
    q.addEventListener("focus", function () { load(search); });
    q.addEventListener("input", function () { load(search); });
    q.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown" && hits.length) { sel = (sel + 1) % hits.length; render(); ev.preventDefault(); }
      else if (ev.key === "ArrowUp" && hits.length) { sel = (sel - 1 + hits.length) % hits.length; render(); ev.preventDefault(); }
      else if (ev.key === "Enter" && sel >= 0 && hits[sel]) { go(hits[sel]); ev.preventDefault(); }
      else if (ev.key === "Escape") { q.value = ""; hits = []; sel = -1; render(); }
    });
    q.addEventListener("blur", function () { list.hidden = true; q.setAttribute("aria-expanded", "false"); });
    document.addEventListener("keydown", function (ev) {
      var t = ev.target && ev.target.tagName;
      if (ev.key === "/" && t !== "INPUT" && t !== "TEXTAREA") { q.focus(); ev.preventDefault(); }
    });
  }

  // Try it: the request goes to this page's own origin, to the path the
  // gateway serves the operation at.
  function setupTry() {
    var form = document.querySelector("form.try");
    if (!form) return;
    var out = form.querySelector(".try-out");
    if (location.protocol !== "http:" && location.protocol !== "https:") {
      form.querySelector(".try-off").hidden = false;
      form.querySelector("button[type=submit]").disabled = true;
      return;
    }
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      send(form, out);
    });
  }

  function segment(v) {
    // A path value is sent as written, but a character that would end the
    // segment is escaped.
    return v.replace(/[\/?#% ]/g, function (c) { return encodeURIComponent(c); });
  }

  function send(form, out) {
    var path = form.getAttribute("data-path");
    var query = [], headers = {};
    var inputs = form.querySelectorAll("input[data-in]");
    inputs.forEach(function (i) { i.removeAttribute("aria-invalid"); });
    inputs.forEach(function (i) {
      if (i.disabled || i.value === "") return;
      var name = i.getAttribute("data-name"), v = i.value, where = i.getAttribute("data-in");
      if (where === "path") path = path.split("{" + name + "}").join(segment(v));
      else if (where === "query") query.push(v);
      else if (where === "query-key") query.push(encodeURIComponent(name) + "=" + encodeURIComponent(v));
      else if (where === "header") headers[name] = (i.getAttribute("data-prefix") || "") + v;
    });
    var url = path + (query.length ? "?" + query.join("&") : "");
    var init = { method: form.getAttribute("data-method"), headers: headers, credentials: "omit", redirect: "manual", cache: "no-store" };
    var body = form.querySelector("#t-body");
    if (body) {
      body.removeAttribute("aria-invalid");
      if (body.value !== "") {
        init.body = body.value;
        headers["Content-Type"] = form.getAttribute("data-body-type");
      }
    }
    out.hidden = false;
    while (out.firstChild) out.removeChild(out.firstChild);
    out.appendChild(el("p", "muted", init.method + " " + url));
    fetch(url, init).then(function (r) {
      return r.text().then(function (text) { show(form, out, r, text); });
    }, function (err) {
      out.appendChild(el("p", "st", "The request failed: " + err.message));
    });
  }

  function show(form, out, r, text) {
    out.appendChild(el("p", "st", "Status " + r.status + (r.statusText ? " " + r.statusText : "")));
    var dl = el("dl", "facts");
    r.headers.forEach(function (v, k) {
      var rl = /^(ratelimit|x-ratelimit|retry-after)/i.test(k);
      dl.appendChild(el("dt", rl ? "rl" : "", k));
      dl.appendChild(el("dd", rl ? "rl" : "", v));
    });
    var hd = el("details");
    hd.appendChild(el("summary", "", "Headers"));
    hd.appendChild(dl);
    out.appendChild(hd);
    var type = r.headers.get("content-type") || "";
    var shown = text;
    var doc = null;
    if (/json/i.test(type)) {
      try { doc = JSON.parse(text); shown = JSON.stringify(doc, null, 2); } catch (e) { doc = null; }
    }
    if (doc && /problem\+json/i.test(type)) problem(form, out, doc);
    var pre = el("pre");
    pre.appendChild(el("code", "", shown));
    out.appendChild(pre);
  }

  function problem(form, out, doc) {
    var box = el("div", "problem");
    box.appendChild(el("p", "", (doc.title || "Problem") + (doc.detail ? ": " + doc.detail : "")));
    var errs = Array.isArray(doc.errors) ? doc.errors : [];
    if (errs.length) {
      var ul = el("ul");
      errs.forEach(function (v) {
        var li = el("li");
        li.appendChild(el("mark", "loc", String(v.location || "")));
        li.appendChild(document.createTextNode(" " + (v.rule ? "[" + v.rule + "] " : "") + (v.detail || "")));
        ul.appendChild(li);
        mark(form, String(v.location || ""));
      });
      box.appendChild(ul);
    }
    out.appendChild(box);
  }

  // mark flags the field a problem location names: "query.limit" the
  // parameter's input, "/body/..." the body.
  function mark(form, loc) {
    if (loc.indexOf("/body") === 0) {
      var b = form.querySelector("#t-body");
      if (b) b.setAttribute("aria-invalid", "true");
      return;
    }
    var dot = loc.indexOf(".");
    if (dot < 0) return;
    var where = loc.slice(0, dot), name = loc.slice(dot + 1);
    form.querySelectorAll("input[data-in]").forEach(function (i) {
      var w = i.getAttribute("data-in");
      if ((w === where || (w === "query-key" && where === "query")) && i.getAttribute("data-name").toLowerCase() === name.toLowerCase()) {
        i.setAttribute("aria-invalid", "true");
      }
    });
  }

  function start() { setupTheme(); setupSearch(); setupTry(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
