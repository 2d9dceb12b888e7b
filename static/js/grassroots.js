// Grassroots: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    // Move focus to the error summary so that screen-reader users hear what to fix.
    var summary = document.querySelector(".error-summary");
    if (summary) summary.focus();

    // Buttons that ask for confirmation before a form is sent.
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
      });
    });

    // A form sent twice by a double click: disable its buttons once it is on its way.
    document.querySelectorAll("form[method='post']").forEach(function (form) {
      form.addEventListener("submit", function () {
        window.setTimeout(function () {
          form.querySelectorAll("button[type='submit']").forEach(function (button) {
            button.disabled = true;
          });
        }, 0);
      });
    });

    // "Tick all" for a long list of checkboxes (form[data-tick-all] names them): a real
    // button, so it works by keyboard; without this file the boxes are ticked one by one.
    document.querySelectorAll("form[data-tick-all]").forEach(function (form) {
      var name = form.getAttribute("data-tick-all");
      var boxes = Array.prototype.slice.call(form.querySelectorAll("input[type=checkbox]"))
        .filter(function (box) { return box.name === name; });
      if (boxes.length < 2) return;
      var tick = form.getAttribute("data-tick-label");
      var untick = form.getAttribute("data-untick-label");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-outline-secondary btn-sm mb-2 d-block tick-all";
      function allTicked() { return boxes.every(function (box) { return box.checked; }); }
      function label() { button.textContent = allTicked() ? untick : tick; }
      button.addEventListener("click", function () {
        var value = !allTicked();
        boxes.forEach(function (box) { box.checked = value; });
        label();
      });
      boxes.forEach(function (box) { box.addEventListener("change", label); });
      label();
      var fieldset = boxes[0].closest("fieldset");
      var legend = fieldset && fieldset.querySelector("legend");
      if (legend) legend.insertAdjacentElement("afterend", button);
      else boxes[0].parentNode.insertBefore(button, boxes[0]);
    });

    // Print buttons (the browser's own print works without this too).
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
