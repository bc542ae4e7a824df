/*
 * Event times in the visitor's own time zone. Pages print times in Beijing time; an element
 * with data-local-time, data-starts and data-ends (ISO 8601) gets the same span in the
 * browser's zone, introduced by data-label ("Your time:"), and is shown only when that zone
 * keeps a different clock from Beijing at the time of the event.
 */
(function () {
  "use strict";

  var BEIJING = "Asia/Shanghai";

  function visitorZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      return "";
    }
  }

  function formatter(zone, withDate) {
    var options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone };
    if (withDate) {
      options.year = "numeric";
      options.month = "long";
      options.day = "numeric";
      options.weekday = "short";
    }
    return new Intl.DateTimeFormat(document.documentElement.lang || undefined, options);
  }

  function sameClock(date, zone) {
    var options = { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    var here = new Intl.DateTimeFormat("en", Object.assign({ timeZone: zone }, options));
    var beijing = new Intl.DateTimeFormat("en", Object.assign({ timeZone: BEIJING }, options));
    return here.format(date) === beijing.format(date);
  }

  function dayKey(date, zone) {
    return new Intl.DateTimeFormat("en", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(date);
  }

  function span(starts, ends, zone) {
    var full = formatter(zone, true);
    if (!ends || isNaN(ends.getTime())) {
      return full.format(starts);
    }
    if (dayKey(starts, zone) === dayKey(ends, zone)) {
      return full.format(starts) + "–" + formatter(zone, false).format(ends);
    }
    return full.format(starts) + " – " + full.format(ends);
  }

  function fill(element, zone) {
    var starts = new Date(element.getAttribute("data-starts"));
    var ends = new Date(element.getAttribute("data-ends"));
    if (isNaN(starts.getTime()) || sameClock(starts, zone)) {
      return;
    }
    var label = element.getAttribute("data-label") || "";
    var text = span(starts, ends, zone) + " (" + zone.replace(/_/g, " ") + ")";
    element.textContent = label ? label + " " + text : text;
    element.hidden = false;
  }

  function start() {
    var zone = visitorZone();
    if (!zone || !window.Intl) {
      return;
    }
    document.querySelectorAll("[data-local-time]").forEach(function (element) {
      try {
        fill(element, zone);
      } catch (error) {
        // An unknown zone or locale leaves the Beijing time alone, which is still right.
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
