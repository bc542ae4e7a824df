/*
 * The registration review list: a header checkbox that ticks or clears every row on the page.
 */
(function () {
  "use strict";

  function init() {
    var all = document.querySelector("[data-review-select-all]");
    if (!all) {
      return;
    }
    var rows = Array.prototype.slice.call(document.querySelectorAll("[data-review-select]"));
    all.addEventListener("change", function () {
      rows.forEach(function (box) {
        box.checked = all.checked;
      });
    });
    rows.forEach(function (box) {
      box.addEventListener("change", function () {
        var ticked = rows.filter(function (row) {
          return row.checked;
        }).length;
        all.checked = ticked === rows.length;
        all.indeterminate = ticked > 0 && ticked < rows.length;
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
