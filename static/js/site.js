/*
 * Small enhancements on top of pages that already work without JavaScript:
 * dismissible messages, closing the organization switcher and the mobile menu with Escape
 * or a click elsewhere, and search autocomplete (a <datalist> filled as the user types).
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

  function enableAutocomplete() {
    document.querySelectorAll("input[data-autocomplete-url]").forEach(function (input) {
      var list = document.getElementById(input.getAttribute("list"));
      var timer = null;
      var latest = 0;
      if (!list || !window.fetch) {
        return;
      }
      input.addEventListener("input", function () {
        window.clearTimeout(timer);
        var text = input.value.trim();
        if (!text) {
          list.replaceChildren();
          return;
        }
        // Wait for a pause in typing; answers that arrive out of order are dropped.
        timer = window.setTimeout(function () {
          var request = ++latest;
          var url = input.dataset.autocompleteUrl + "?q=" + encodeURIComponent(text);
          fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
            .then(function (response) {
              return response.ok ? response.json() : { suggestions: [] };
            })
            .then(function (data) {
              if (request !== latest) {
                return;
              }
              list.replaceChildren.apply(
                list,
                data.suggestions.map(function (suggestion) {
                  var option = document.createElement("option");
                  option.value = suggestion.text;
                  return option;
                })
              );
            })
            .catch(function () {
              list.replaceChildren();
            });
        }, 150);
      });
    });
  }

  function init() {
    enableDismissibleAlerts();
    enableMenus();
    enableAutocomplete();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
