/*
 * Camera scanning on the check-in page, with the browser's own BarcodeDetector (Chrome on
 * Android, among others); no library. A ticket's QR code holds the absolute address of a
 * check-in page with ?code=...; the code is read out of it and this page opened with it, so a
 * ticket for another event is looked up here and shown as such. Without BarcodeDetector the
 * page says to use the phone's camera app, which opens the address itself.
 */
(function () {
  "use strict";

  var SCAN_INTERVAL_MS = 250;

  function codeFrom(text) {
    var value = (text || "").trim();
    try {
      var url = new URL(value, window.location.href);
      var code = url.searchParams.get("code");
      if (code) {
        return code.trim();
      }
    } catch (error) {
      // Not an address: the code itself.
    }
    return value.indexOf("?") === -1 ? value : "";
  }

  function openCode(code) {
    var url = new URL(window.location.href);
    url.search = "";
    url.searchParams.set("code", code);
    window.location.assign(url.toString());
  }

  function setUp(scanner) {
    var start = scanner.querySelector("[data-check-in-start]");
    var stop = scanner.querySelector("[data-check-in-stop]");
    var video = scanner.querySelector("[data-check-in-video]");
    var failure = scanner.querySelector("[data-check-in-camera-error]");
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    var stream = null;
    var timer = null;

    function halt() {
      window.clearTimeout(timer);
      if (stream) {
        stream.getTracks().forEach(function (track) {
          track.stop();
        });
        stream = null;
      }
      video.hidden = true;
      stop.hidden = true;
      start.hidden = false;
    }

    function scan() {
      detector
        .detect(video)
        .then(function (codes) {
          var code = codes.length ? codeFrom(codes[0].rawValue) : "";
          if (code) {
            halt();
            openCode(code);
          } else if (stream) {
            timer = window.setTimeout(scan, SCAN_INTERVAL_MS);
          }
        })
        .catch(function () {
          if (stream) {
            timer = window.setTimeout(scan, SCAN_INTERVAL_MS);
          }
        });
    }

    start.addEventListener("click", function () {
      failure.hidden = true;
      navigator.mediaDevices
        .getUserMedia({ video: { facingMode: "environment" }, audio: false })
        .then(function (media) {
          stream = media;
          video.srcObject = media;
          video.hidden = false;
          stop.hidden = false;
          start.hidden = true;
          return video.play();
        })
        .then(scan)
        .catch(function () {
          halt();
          failure.hidden = false;
        });
    });
    stop.addEventListener("click", halt);
    window.addEventListener("pagehide", halt);
    scanner.hidden = false;
  }

  function init() {
    var scanner = document.querySelector("[data-check-in-scanner]");
    var fallback = document.querySelector("[data-check-in-no-scanner]");
    var supported =
      "BarcodeDetector" in window &&
      navigator.mediaDevices &&
      typeof navigator.mediaDevices.getUserMedia === "function";
    if (!scanner || !supported) {
      return;
    }
    window.BarcodeDetector.getSupportedFormats()
      .then(function (formats) {
        if (formats.indexOf("qr_code") !== -1) {
          setUp(scanner);
          if (fallback) {
            fallback.hidden = true;
          }
        }
      })
      .catch(function () {
        // No QR support after all: the camera-app hint stays.
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
