(function () {
  "use strict";
  var doc = document;
  var controls = doc.getElementById("controls");
  if (!controls) {
    return;
  }
  var toArray = function (list) { return Array.prototype.slice.call(list); };
  var search = doc.getElementById("q");
  var undocOnly = doc.getElementById("undoc");
  var shown = doc.getElementById("shown");
  var buttons = toArray(controls.querySelectorAll("button[data-st]"));
  var rows = toArray(doc.querySelectorAll("tr.req, tr.rt, tr.fd"));
  var texts = rows.map(function (row) { return row.textContent.toLowerCase(); });
  var groups = toArray(doc.querySelectorAll("tbody.grp"));
  var specs = toArray(doc.querySelectorAll("details.spec"));
  var status = "";
  var pending = 0;

  controls.hidden = false;
  doc.documentElement.classList.add("js");
  var setOffset = function () {
    doc.documentElement.style.setProperty("--controls-h", controls.offsetHeight + "px");
  };

  function apply() {
    pending = 0;
    var terms = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var total = 0;
    var visible = 0;
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i];
      var cls = row.classList;
      var show = true;
      for (var t = 0; t < terms.length && show; t++) {
        if (texts[i].indexOf(terms[t]) < 0) {
          show = false;
        }
      }
      if (cls.contains("req")) {
        total++;
        if (status && row.getAttribute("data-st") !== status) {
          show = false;
        }
        if (show) {
          visible++;
        }
      } else if (cls.contains("rt") && undocOnly.checked && row.getAttribute("data-doc") === "1") {
        show = false;
      }
      cls.toggle("off", !show);
    }
    groups.forEach(function (group) {
      group.classList.toggle("off", !group.querySelector("tr.req:not(.off)"));
    });
    specs.forEach(function (spec) {
      spec.classList.toggle("off", !spec.querySelector("tr.req:not(.off)"));
    });
    shown.textContent = visible + " of " + total + " requirements shown";
  }

  function schedule() {
    if (!pending) {
      pending = window.requestAnimationFrame(apply);
    }
  }

  search.addEventListener("input", schedule);
  undocOnly.addEventListener("change", schedule);
  buttons.forEach(function (button) {
    button.addEventListener("click", function () {
      status = button.getAttribute("data-st") || "";
      buttons.forEach(function (other) {
        other.setAttribute("aria-pressed", other === button ? "true" : "false");
      });
      schedule();
    });
  });
  apply();
  setOffset();
  if (window.ResizeObserver) {
    new window.ResizeObserver(setOffset).observe(controls);
  } else {
    window.addEventListener("resize", setOffset);
  }
})();
