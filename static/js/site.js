/*
 * Small enhancements on top of pages that already work without JavaScript:
 * dismissible messages, and closing the organization switcher and the mobile menu with Escape
 * or a click elsewhere.
 */
(function () {
  "use strict";

  function enableDismissibleAlerts() {
    document.querySelectorAll("[data-dismissible]").forEach(function (alert) {
      var button = alert.querySelector(".alert-dismiss");
      if (!button) {
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        var container = alert.parentElement;
        alert.remove();
        if (container && container.children.length === 0) {
          container.remove();
        }
        var main = document.getElementById("main");
        if (main) {
          main.focus({ preventScroll: true });
        }
      });
    });
  }

  function closeDisclosures(except) {
    document.querySelectorAll("details.org-switcher[open]").forEach(function (details) {
      if (details !== except) {
        details.open = false;
      }
    });
  }

  function enableMenus() {
    var navToggle = document.getElementById("nav-toggle");

    document.addEventListener("click", function (event) {
      var inside = event.target.closest("details.org-switcher");
      closeDisclosures(inside);
    });

    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") {
        return;
      }
      var open = document.querySelector("details.org-switcher[open]");
      if (open) {
        open.open = false;
        open.querySelector("summary").focus();
        return;
      }
      if (navToggle && navToggle.checked) {
        navToggle.checked = false;
        navToggle.focus();
      }
    });
  }

  function init() {
    enableDismissibleAlerts();
    enableMenus();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
