(function () {
  "use strict";
  var doc = document;
  var root = doc.documentElement;
  var controls = doc.getElementById("controls");
  var SEV = { error: 3, warning: 2, note: 1 };
  var state = { q: "", terms: [], spec: "", st: "", rule: "", sev: "", fresh: false, active: false, undoc: false };
  var details = null;
  var tables = [];

  function byId(id) { return doc.getElementById(id); }
  function all(sel, el) { return Array.prototype.slice.call((el || doc).querySelectorAll(sel)); }
  function fmt(n) { return n.toLocaleString("en-US"); }

  function naturalKey(text) {
    return text.toLowerCase().replace(/\d+/g, function (d) { return ("0000000000" + d).slice(-10); });
  }

  var STATE_RANK = { bad: 0, err: 1, warn: 2, ok: 3, na: 4 };

  // -- source links written without their href (html.py, _Links) ---------------------
  // Each gets it when its row is shown, from the location it reads (a requirement's id:
  // its row's spec location) put into the page's rule; html.py writes in full every
  // href this would not give byte for byte.
  var LINK = doc.body.getAttribute("data-link") || "{path}";
  var HEAD = doc.body.getAttribute("data-head") || "";
  var AT = /^(.+?):([0-9]+)(?::[0-9]+)?$/;

  function linkify(node) {
    var anchors = node.getElementsByTagName("a");
    for (var i = 0; i < anchors.length; i++) {
      var a = anchors[i];
      if (a.hasAttribute("href")) { continue; }
      var at = a.textContent;
      var cell = a.parentNode;
      if (cell.tagName === "TD" && cell.cellIndex === 0 && cell.parentNode.classList.contains("req")) {
        var code = cell.parentNode.cells[1].querySelector(".sub > code");
        at = code ? code.textContent : "";
      }
      if (!at) { continue; }
      var m = AT.exec(at);
      var path = m ? m[1] : at;
      a.setAttribute("href", LINK.split("{path}").join(HEAD + path).split("{line}").join(m ? m[2] : "1"));
    }
  }

  function Table(el) {
    this.el = el;
    this.body = el.tBodies[0];
    this.kind = el.id;
    this.page = parseInt(el.getAttribute("data-page"), 10) || 100;
    this.limit = this.page;
    this.pager = doc.querySelector('.pager[data-for="' + el.id + '"]');
    this.cols = el.tHead.rows[0].cells.length;
    this.expandable = el.id === "t-req";
    this.rows = Array.prototype.map.call(this.body.rows, function (tr, i) {
      return { tr: tr, order: i, text: null, off: false, hide: false, detail: null, ds: tr.dataset, button: null, linked: false };
    });
    this.matching = this.rows.length;
    var self = this;
    all("th[data-sort] button", el).forEach(function (button) {
      button.addEventListener("click", function () { self.sort(button.parentNode); });
    });
    if (this.pager) {
      this.pager.hidden = false;
      this.pager.addEventListener("click", function (ev) {
        var t = ev.target;
        if (t.hasAttribute && t.hasAttribute("data-more")) { self.limit += self.page; self.paint(); }
        if (t.hasAttribute && t.hasAttribute("data-all")) { self.limit = Infinity; self.paint(); }
      });
    }
  }

  Table.prototype.text = function (row) {
    if (row.text === null) {
      row.text = (row.tr.textContent + " " + (row.tr.title || "")).toLowerCase();
    }
    return row.text;
  };

  Table.prototype.keep = function (row) {
    var ds = row.ds;
    for (var t = 0; t < state.terms.length; t++) {
      if (this.text(row).indexOf(state.terms[t]) < 0) { return false; }
    }
    if (state.rule && (" " + ds.r + " ").indexOf(" " + state.rule + " ") < 0) { return false; }
    if (state.sev && (ds.sv || "") !== state.sev) { return false; }
    if (state.fresh && ds.ne !== "1") { return false; }
    if (this.kind === "t-req") {
      if (state.spec && ds.sp !== state.spec) { return false; }
      if (state.st && ds.st !== state.st) { return false; }
    } else if (this.kind === "t-rt") {
      if (state.undoc && ds.doc === "1") { return false; }
    } else if (this.kind === "t-fd") {
      if (state.active && row.tr.classList.contains("dismissed")) { return false; }
    }
    return true;
  };

  Table.prototype.filter = function () {
    var shown = 0;
    for (var i = 0; i < this.rows.length; i++) {
      var row = this.rows[i];
      row.off = !this.keep(row);
      if (!row.off) { shown++; }
    }
    this.matching = shown;
    this.limit = this.page;
    this.paint();
  };

  Table.prototype.paint = function () {
    var seen = 0;
    for (var i = 0; i < this.rows.length; i++) {
      var row = this.rows[i];
      var hide = false;
      if (!row.off) { seen++; hide = seen > this.limit; }
      var cls = row.tr.classList;
      if (cls.contains("off") !== row.off) { cls.toggle("off", row.off); }
      if (cls.contains("pg-hide") !== hide) { cls.toggle("pg-hide", hide); }
      if (row.detail) { row.detail.classList.toggle("off", row.off || hide); }
      if (!row.off && !hide) {
        if (!row.linked) { linkify(row.tr); row.linked = true; }
        if (this.expandable && !row.button) { addButton(row); }
      }
    }
    if (this.pager) {
      var shown = Math.min(this.limit, this.matching);
      this.pager.textContent = "";
      var text = doc.createElement("span");
      text.textContent = "Showing " + fmt(shown) + " of " + fmt(this.matching);
      this.pager.appendChild(text);
      if (shown < this.matching) {
        var more = doc.createElement("button");
        more.type = "button";
        more.setAttribute("data-more", "");
        more.textContent = "Show " + fmt(Math.min(this.page, this.matching - shown)) + " more";
        var everything = doc.createElement("button");
        everything.type = "button";
        everything.setAttribute("data-all", "");
        everything.textContent = "Show all " + fmt(this.matching);
        this.pager.appendChild(more);
        this.pager.appendChild(everything);
      }
    }
  };

  Table.prototype.key = function (row, name) {
    var ds = row.ds;
    var cells = row.tr.cells;
    switch (name) {
      case "id": return naturalKey(cells[0].textContent);
      case "title": return cells[1].textContent.toLowerCase();
      case "st": return (STATE_RANK[ds.c] !== undefined ? STATE_RANK[ds.c] : 3) * 100 + row.order / 1e6;
      case "f": return -(SEV[ds.sv] || 0) * 1000 - (ds.r ? ds.r.split(" ").length : 0);
      case "ev": return -parseInt(ds.ev || "0", 10);
      case "rt": return -parseInt(ds.rt || "0", 10);
      case "sv": return -(SEV[ds.sv] || 0);
      case "doc": return parseInt(ds.doc || "0", 10);
      default: {
        var index = { m: 0, path: 1, h: 2, rule: 1, loc: 2 }[name];
        return naturalKey(index === undefined ? "" : cells[index].textContent);
      }
    }
  };

  Table.prototype.sort = function (th) {
    var name = th.getAttribute("data-sort");
    var current = th.getAttribute("aria-sort");
    var dir = current === "ascending" ? "descending" : "ascending";
    all("th[data-sort]", this.el).forEach(function (other) { other.setAttribute("aria-sort", "none"); });
    th.setAttribute("aria-sort", dir);
    var self = this;
    var keyed = this.rows.map(function (row) { return { row: row, k: self.key(row, name) }; });
    keyed.sort(function (a, b) {
      var c = a.k < b.k ? -1 : a.k > b.k ? 1 : a.row.order - b.row.order;
      return dir === "ascending" ? c : -c;
    });
    this.rows = keyed.map(function (x) { return x.row; });
    var frag = doc.createDocumentFragment();
    this.rows.forEach(function (row) {
      frag.appendChild(row.tr);
      if (row.detail) { frag.appendChild(row.detail); }
    });
    this.body.appendChild(frag);
    this.paint();
  };

  Table.prototype.reveal = function (tr) {
    for (var i = 0; i < this.rows.length; i++) {
      var row = this.rows[i];
      if (row.tr !== tr) { continue; }
      if (row.off) { clearFilters(); }
      var position = 0;
      for (var j = 0; j <= i; j++) { if (!this.rows[j].off) { position++; } }
      if (position > this.limit) { this.limit = position; this.paint(); }
      return;
    }
  };

  // -- the evidence chain of a requirement, built on demand --------------------------

  function el(tag, cls, text) {
    var node = doc.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function link(text, href, cls) {
    if (!href) { return el("span", cls || "mono", text); }
    var a = el("a", cls || "mono", text);
    a.href = href;
    return a;
  }

  function detailsOf(index) {
    if (details === null) {
      var block = byId("details");
      details = block ? JSON.parse(block.textContent) : [];
    }
    return details[index] || {};
  }

  var findingRows = [];

  function findingRow(index) {
    // a row of "All findings" by its position as written: the one place a finding's text is
    return findingRows[index] || null;
  }

  function buildDetail(row, cols) {
    var d = detailsOf(row.order);
    var reqId = row.tr.cells[0].textContent.trim();
    var tr = el("tr", "dt");
    var td = el("td");
    td.colSpan = cols;
    if (d.t) { td.appendChild(el("p", "txt", d.t)); }
    if (d.f && d.f.length) {
      td.appendChild(el("h4", "", "Findings"));
      var ul = el("ul");
      d.f.forEach(function (i) {
        var f = findingRow(i);
        if (!f) { return; }
        var sv = f.getAttribute("data-sv");
        var li = el("li");
        li.appendChild(el("span", "sev sev-" + sv, sv));
        li.appendChild(doc.createTextNode(" " + f.cells[1].textContent + " "));
        var where = f.cells[2].firstChild;
        if (where) { li.appendChild(where.cloneNode(true)); li.appendChild(doc.createTextNode(" ")); linkify(li); }
        if (f.getAttribute("data-ne") === "1") { li.appendChild(el("b", "new", "new")); }
        var message = el("div");
        var decision = null;
        Array.prototype.forEach.call(f.cells[3].childNodes, function (node) {
          if (node.nodeName === "A" && (node.getAttribute("href") || "").charAt(0) === "#") { return; }
          if (node.nodeName === "DIV") { decision = node.cloneNode(true); return; }
          message.appendChild(node.cloneNode(true));
        });
        li.appendChild(message);
        if (decision) { li.appendChild(decision); }
        ul.appendChild(li);
      });
      td.appendChild(ul);
    }
    td.appendChild(el("h4", "", "Evidence chain: code → requirement"));
    if (d.e && d.e.length) {
      var ol = el("ol");
      d.e.forEach(function (e) {
        var li = el("li", "chain");
        var first = el("span");
        first.appendChild(link(e[0], e[1]));
        first.appendChild(doc.createTextNode(" " + e[2] + (e[3] && e[3].indexOf("endpoint ") !== 0 ? " (" + e[3] + ")" : "")));
        li.appendChild(first);
        if (e[3] && e[3].indexOf("endpoint ") === 0) { li.appendChild(el("span", "", e[3])); }
        for (var k = 4; k < e.length; k++) { li.appendChild(el("span", "", e[k])); }
        li.appendChild(el("span", "", reqId));
        ol.appendChild(li);
      });
      td.appendChild(ol);
    } else {
      td.appendChild(el("p", "muted", "No code cites this requirement and no live route serves it."));
    }
    if (d.v && d.v.length) {
      td.appendChild(el("h4", "", "Verified by"));
      var tests = el("ul");
      d.v.forEach(function (v) {
        var li = el("li");
        li.appendChild(link(v[0], v[1]));
        li.appendChild(doc.createTextNode(" " + v[2] + " (" + v[3] + ")"));
        tests.appendChild(li);
      });
      td.appendChild(tests);
    }
    tr.appendChild(td);
    return tr;
  }

  function addButton(row) {
    var button = doc.createElement("button");
    button.type = "button";
    button.className = "x";
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-label", "Evidence chain of " + row.tr.cells[0].textContent);
    row.tr.cells[0].insertBefore(button, row.tr.cells[0].firstChild);
    row.button = button;
  }

  function toggleRow(table, button) {
    var tr = button.closest("tr");
    var row = null;
    for (var i = 0; i < table.rows.length; i++) { if (table.rows[i].tr === tr) { row = table.rows[i]; break; } }
    if (!row) { return; }
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      if (!row.detail) { row.detail = buildDetail(row, table.cols); }
      tr.parentNode.insertBefore(row.detail, tr.nextSibling);
      row.detail.classList.remove("off");
    } else if (row.detail && row.detail.parentNode) {
      row.detail.parentNode.removeChild(row.detail);
      row.detail = null;
    }
  }

  // -- filters ------------------------------------------------------------------------

  var search = byId("q");
  var specSelect = byId("f-spec");
  var ruleSelect = byId("f-rule");
  var sevSelect = byId("f-sev");
  var freshBox = byId("f-new");
  var undocBox = byId("undoc");
  var shown = byId("shown");
  var statusButtons = controls ? all("button[data-st]", controls) : [];

  function pressed(selector, attr, value) {
    all(selector).forEach(function (b) { b.setAttribute("aria-pressed", b.getAttribute(attr) === value && value !== "" ? "true" : "false"); });
  }

  function apply() {
    state.terms = state.q.toLowerCase().split(/\s+/).filter(Boolean);
    tables.forEach(function (t) { t.filter(); });
    statusButtons.forEach(function (b) { b.setAttribute("aria-pressed", (b.getAttribute("data-st") || "") === state.st ? "true" : "false"); });
    pressed("button.count[data-rule]", "data-rule", state.rule);
    pressed("button.sevbtn[data-sev]", "data-sev", state.sev);
    pressed("button.link[data-spec]", "data-spec", state.spec);
    if (specSelect) { specSelect.value = state.spec; }
    if (ruleSelect) { ruleSelect.value = state.rule; }
    if (sevSelect) { sevSelect.value = state.sev; }
    if (search && search.value !== state.q) { search.value = state.q; }
    if (shown) {
      var parts = tables.map(function (t) {
        var noun = { "t-req": "requirements", "t-rt": "endpoints", "t-fd": "findings" }[t.kind];
        return fmt(t.matching) + " of " + fmt(t.rows.length) + " " + noun;
      });
      shown.textContent = parts.join(" · ") + " shown";
    }
    var rt = byId("shown-rt");
    var routes = tables.filter(function (t) { return t.kind === "t-rt"; })[0];
    if (rt && routes) { rt.textContent = fmt(routes.matching) + " of " + fmt(routes.rows.length) + " endpoints"; }
  }

  function clearFilters() {
    state.q = ""; state.spec = ""; state.st = ""; state.rule = ""; state.sev = "";
    state.fresh = false; state.active = false; state.undoc = false;
    if (freshBox) { freshBox.checked = false; }
    if (undocBox) { undocBox.checked = false; }
    apply();
  }

  var pending = 0;
  function schedule() { if (!pending) { pending = window.requestAnimationFrame(function () { pending = 0; apply(); }); } }

  function focusMatrix() {
    var target = byId("matrix");
    if (target && target.scrollIntoView) { target.scrollIntoView({ block: "start" }); }
  }

  function chipTitles() {
    // an active chip's title is its rule's name, set on hover from the rule filter
    var names = {};
    all("#f-rule option").forEach(function (o) {
      if (o.value) { names[o.value] = o.textContent.slice(o.value.length + 1); }
    });
    doc.addEventListener("mouseover", function (ev) {
      var t = ev.target;
      if (!t || !t.classList || !t.classList.contains("chip") || t.title) { return; }
      var code = (t.firstChild && t.firstChild.nodeValue || "").split(" ")[0];
      if (names[code]) { t.title = names[code]; }
    });
  }

  function init() {
    findingRows = all("#t-fd tr.fd");  // before any sorting: the order the details name
    chipTitles();
    all("table.pg").forEach(function (t) { tables.push(new Table(t)); });
    var req = tables.filter(function (t) { return t.kind === "t-req"; })[0];
    if (controls) {
      controls.hidden = false;
      search.addEventListener("input", function () { state.q = search.value; schedule(); });
      specSelect.addEventListener("change", function () { state.spec = specSelect.value; apply(); });
      ruleSelect.addEventListener("change", function () { state.rule = ruleSelect.value; apply(); });
      sevSelect.addEventListener("change", function () { state.sev = sevSelect.value; apply(); });
      if (freshBox) { freshBox.addEventListener("change", function () { state.fresh = freshBox.checked; apply(); }); }
      byId("clear").addEventListener("click", function () { clearFilters(); });
      statusButtons.forEach(function (b) {
        b.addEventListener("click", function () { state.st = b.getAttribute("data-st") || ""; apply(); });
      });
    }
    if (undocBox) {
      undocBox.closest(".tools").hidden = false;
      undocBox.addEventListener("change", function () { state.undoc = undocBox.checked; apply(); });
    }
    all("button.count[data-rule]").forEach(function (b) {
      b.addEventListener("click", function () {
        var code = b.getAttribute("data-rule");
        state.rule = state.rule === code ? "" : code;
        state.active = state.rule !== "";
        apply();
        if (state.rule) { focusMatrix(); }
      });
    });
    all("button.sevbtn[data-sev]").forEach(function (b) {
      b.addEventListener("click", function () {
        var sev = b.getAttribute("data-sev");
        state.sev = state.sev === sev ? "" : sev;
        state.active = state.sev !== "";
        apply();
        if (state.sev) { focusMatrix(); }
      });
    });
    all("button.link[data-spec]").forEach(function (b) {
      b.addEventListener("click", function () {
        var spec = b.getAttribute("data-spec");
        state.spec = state.spec === spec ? "" : spec;
        apply();
      });
    });
    if (req) {
      req.body.addEventListener("click", function (ev) {
        var t = ev.target;
        if (t && t.classList && t.classList.contains("x")) { toggleRow(req, t); }
      });
    }
    function follow() {
      var id = decodeURIComponent(window.location.hash.slice(1));
      var target = id ? byId(id) : null;
      if (!target || target.tagName !== "TR") { return; }
      tables.forEach(function (t) { if (t.body === target.parentNode) { t.reveal(target); } });
      target.scrollIntoView({ block: "center" });
    }
    window.addEventListener("hashchange", follow);
    apply();
    root.classList.remove("pre");
    var setOffset = function () {
      if (controls) { root.style.setProperty("--controls-h", controls.offsetHeight + "px"); }
    };
    setOffset();
    if (window.ResizeObserver && controls) { new window.ResizeObserver(setOffset).observe(controls); }
    if (window.location.hash) { follow(); }
    root.setAttribute("data-ready", String(Math.round(window.performance ? window.performance.now() : 0)));
  }

  init();
})();
