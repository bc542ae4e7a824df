/* The conversation page: live messages over the chat WebSocket (chat/consumers.py describes
 * its frames), with the HTTP views of chat/views.py beside it for older messages, attachments,
 * and a periodic refresh when WebSockets are blocked.
 *
 * Nothing sent is lost: each message gets a client id and stays in the outbox until the server
 * acknowledges it with its stored id; after a reconnection the outbox is sent again (the
 * server stores a retried client id once) and "resume" fetches whatever arrived meanwhile.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-chat]");
  if (!root) return;

  var config = JSON.parse(document.getElementById("chat-config").textContent);
  var labels = JSON.parse(document.getElementById("chat-labels").textContent);
  var list = root.querySelector("[data-messages]");
  var log = root.querySelector("[data-log]");
  var emptyNote = root.querySelector("[data-empty]");
  var form = root.querySelector("[data-form]");
  var textarea = root.querySelector("[data-text]");
  var fileInput = root.querySelector("[data-file]");
  var connectionNote = root.querySelector("[data-connection]");
  var presenceNote = root.querySelector("[data-presence]");
  var typingNote = root.querySelector("[data-typing]");
  var notice = root.querySelector("[data-notice]");
  var olderButton = root.querySelector("[data-older]");
  var csrfToken = form.querySelector("[name=csrfmiddlewaretoken]").value;

  var PING_EVERY = 25000; // well within the server's presence TTL
  var POLL_EVERY = 5000;
  var BACKOFF_MAX = 30000;
  var FAILURES_BEFORE_POLLING = 3; // sockets that never opened: WebSockets are likely blocked

  var socket = null;
  var lastId = config.lastId; // the newest message shown (every earlier one is shown too)
  var firstId = config.firstId;
  var outbox = new Map(); // client id -> {text, element}, until acknowledged
  var reads = {}; // user id -> the last message id they read
  var online = new Map(); // user id -> user, of the other side
  var attempt = 0;
  var openedOnce = false;
  var failedOpens = 0;
  var stopped = false; // refused for good (signed out, no longer a participant)
  var polling = null;
  var pingTimer = null;
  var reconnectTimer = null;
  var typingTimer = null;
  var lastTypingSent = 0;
  var lastReadSent = 0;

  root.classList.add("has-script");
  config.reads.forEach(function (marker) { reads[marker.user_id] = marker.id; });

  // --- Small helpers ----------------------------------------------------------------------

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  function newClientId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function setConnection(state, text) {
    connectionNote.dataset.state = state;
    connectionNote.textContent = text;
  }

  function showNotice(text) {
    notice.textContent = text;
    notice.hidden = !text;
  }

  function nearBottom() {
    return log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  }

  function scrollToBottom() {
    log.scrollTop = log.scrollHeight;
  }

  var beijingParts = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Asia/Shanghai", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hour12: false,
  });

  // "MM-DD HH:mm" in Beijing time, as the server writes the messages it renders.
  function formatTime(iso) {
    var parts = {};
    beijingParts.formatToParts(new Date(iso)).forEach(function (part) { parts[part.type] = part.value; });
    return parts.month + "-" + parts.day + " " + parts.hour + ":" + parts.minute;
  }

  // Text with its web addresses made links; everything else stays text (never HTML).
  var URL_PATTERN = /\b(https?:\/\/[^\s<>"]+|www\.[^\s<>"]+)/g;

  function appendLinkified(parent, text) {
    text.split("\n").forEach(function (line, index) {
      if (index) parent.appendChild(document.createElement("br"));
      var last = 0;
      line.replace(URL_PATTERN, function (match, _url, offset) {
        var trimmed = match.replace(/[.,;:!?)\]）。，；：！？]+$/, "");
        parent.appendChild(document.createTextNode(line.slice(last, offset)));
        var link = document.createElement("a");
        link.href = /^www\./.test(trimmed) ? "http://" + trimmed : trimmed;
        link.textContent = trimmed;
        link.rel = "nofollow noopener";
        link.target = "_blank";
        parent.appendChild(link);
        last = offset + trimmed.length;
        return match;
      });
      parent.appendChild(document.createTextNode(line.slice(last)));
    });
  }

  function formatSize(bytes) {
    if (bytes >= 1024 * 1024) return (bytes / 1024 / 1024).toFixed(1) + " MB";
    if (bytes >= 1024) return Math.round(bytes / 1024) + " KB";
    return bytes + " B";
  }

  // --- Messages on the page ---------------------------------------------------------------

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function render(message, state) {
    var mine = message.author && message.author.id === config.me;
    var removed = message.deleted || message.hidden;
    var item = element("li", "chat-message" + (mine ? " is-mine" : "") + (removed ? " is-removed" : ""));
    item.setAttribute("data-testid", "chat-message");
    if (message.id) item.dataset.id = message.id;
    item.dataset.clientId = message.client_id || "";
    item.dataset.author = message.author ? message.author.id : "";

    var meta = element("div", "chat-meta");
    meta.appendChild(element("span", "chat-author", message.author ? message.author.name : labels.formerMember));
    if (message.organization) {
      meta.appendChild(document.createTextNode(" "));
      var name = document.documentElement.lang === "en" && message.organization.name_en
        ? message.organization.name_en : message.organization.name;
      meta.appendChild(element("span", "chat-org", name));
    }
    meta.appendChild(document.createTextNode(" "));
    var time = element("time", "", message.created ? formatTime(message.created) : "");
    if (message.created) time.dateTime = message.created;
    meta.appendChild(time);
    if (message.edited && !removed) {
      meta.appendChild(document.createTextNode(" "));
      meta.appendChild(element("span", "chat-edited", labels.edited));
    }
    item.appendChild(meta);

    if (removed) {
      item.appendChild(element("p", "chat-text chat-removed", message.hidden ? labels.hidden : labels.deleted));
    } else {
      if (message.text) {
        var text = element("p", "chat-text");
        appendLinkified(text, message.text);
        item.appendChild(text);
      }
      if (message.attachment) item.appendChild(renderAttachment(message.attachment));
    }
    if (mine) {
      var status = element("p", "chat-status");
      status.setAttribute("data-status", "");
      item.appendChild(status);
      setStatus(item, state || "sent");
    } else if (!removed && message.id) {
      var report = element("button", "btn-link chat-report", labels.report);
      report.type = "button";
      report.dataset.report = message.id;
      item.appendChild(report);
    }
    return item;
  }

  function renderAttachment(attachment) {
    var link = element("a", attachment.image ? "chat-image" : "chat-file");
    link.href = attachment.url;
    if (attachment.image) {
      link.target = "_blank";
      link.rel = "noopener";
      var image = element("img");
      image.src = attachment.url;
      image.alt = attachment.name;
      image.loading = "lazy";
      link.appendChild(image);
    } else {
      link.setAttribute("download", "");
      link.appendChild(document.createTextNode(attachment.name + " "));
      link.appendChild(element("span", "muted", "(" + formatSize(attachment.size || 0) + ")"));
    }
    return link;
  }

  function setStatus(item, state) {
    var status = item.querySelector("[data-status]");
    if (!status) return;
    item.dataset.state = state;
    status.textContent = labels[state] || "";
    if (state === "failed") {
      var retry = element("button", "btn-link", labels.retry);
      retry.type = "button";
      retry.setAttribute("data-retry", item.dataset.clientId);
      status.appendChild(document.createTextNode(" "));
      status.appendChild(retry);
    }
  }

  function readByOthers(id) {
    return Object.keys(reads).some(function (user) { return reads[user] >= id; });
  }

  function refreshReadStates() {
    list.querySelectorAll(".chat-message.is-mine[data-id]").forEach(function (item) {
      var id = Number(item.dataset.id);
      if (item.dataset.state !== "sending" && item.dataset.state !== "failed") {
        setStatus(item, readByOthers(id) ? "read" : "sent");
      }
    });
  }

  function findById(id) {
    return list.querySelector('.chat-message[data-id="' + id + '"]');
  }

  function findByClientId(clientId) {
    if (!clientId) return null;
    return list.querySelector('.chat-message[data-client-id="' + CSS.escape(clientId) + '"]');
  }

  /* Put a message from the server in its place, once: by id, replacing the pending copy of
   * one of ours (same client id); a message already shown is left as it is (an edit or a
   * deletion comes as an "update" frame). */
  function place(message) {
    var stick = nearBottom();
    var mine = message.author && message.author.id === config.me;
    var pending = mine ? findByClientId(message.client_id) : null;
    if (pending) {
      outbox.delete(message.client_id);
      pending.remove();
    } else if (findById(message.id)) {
      return;
    }
    var item = render(message, readByOthers(message.id) ? "read" : "sent");
    var before = null;
    list.querySelectorAll(".chat-message[data-id]").forEach(function (node) {
      if (!before && Number(node.dataset.id) > message.id) before = node;
    });
    // Messages still being sent stay last.
    if (!before) before = list.querySelector(".chat-message:not([data-id])");
    list.insertBefore(item, before);
    lastId = Math.max(lastId, message.id);
    if (!firstId) firstId = message.id;
    emptyNote.hidden = true;
    if (stick || mine) scrollToBottom();
    markRead();
  }

  function update(message) {
    var existing = findById(message.id);
    if (!existing) return;
    var state = existing.dataset.state;
    existing.replaceWith(render(message, state));
  }

  // --- Sending ------------------------------------------------------------------------------

  function queue(text) {
    var clientId = newClientId();
    var item = render({
      id: 0, client_id: clientId, text: text, created: new Date().toISOString(),
      author: { id: config.me, name: config.myName }, organization: config.organization,
    }, "sending");
    list.appendChild(item);
    emptyNote.hidden = true;
    scrollToBottom();
    outbox.set(clientId, { text: text, element: item });
    transmit(clientId);
  }

  function transmit(clientId) {
    var entry = outbox.get(clientId);
    if (!entry) return;
    setStatus(entry.element, "sending");
    var frame = JSON.stringify({ type: "message", client_id: clientId, text: entry.text });
    if (new Blob([frame]).size > config.maxBytes) {
      // The server would close the socket (1009), and the retry after reconnecting would too.
      handleError(clientId, { code: "too_big", message: labels.tooBig });
      return;
    }
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(frame);
    } else if (polling) {
      var body = new FormData();
      body.append("text", entry.text);
      body.append("client_id", clientId);
      post(config.messages, body).then(handleAck, function (error) { handleError(clientId, error); });
    }
    // Otherwise it waits in the outbox: the socket's "open" sends it.
  }

  function sendFile(file, text) {
    var clientId = newClientId();
    var body = new FormData();
    body.append("attachment", file);
    body.append("text", text);
    body.append("client_id", clientId);
    showNotice("");
    return post(config.messages, body).then(function (answer) {
      handleAck(answer);
      return true;
    }, function (error) {
      showNotice(error.message || labels.error);
      return false;
    });
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken, Accept: "application/json" },
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var error = new Error(data.message || labels.error);
          error.code = data.code || String(response.status);
          throw error;
        }
        return data;
      });
    });
  }

  function handleAck(frame) {
    var entry = outbox.get(frame.client_id);
    outbox.delete(frame.client_id);
    if (frame.message) {
      place(frame.message);
      return;
    }
    if (entry && !findById(frame.id)) {
      entry.element.dataset.id = frame.id;
      setStatus(entry.element, readByOthers(frame.id) ? "read" : "sent");
      // Keep the pending copy in id order: a message that arrived meanwhile may sort after it.
      lastId = Math.max(lastId, frame.id);
    } else if (entry) {
      entry.element.remove(); // the broadcast got here first and is shown in its place
    }
  }

  function handleError(clientId, error) {
    var entry = clientId && outbox.get(clientId);
    if (error.code === "rate_limited" && entry) {
      // Not stored: tell the sender, and try again after a moment.
      showNotice(error.message);
      setTimeout(function () { transmit(clientId); }, 1500);
      return;
    }
    if (entry) {
      outbox.delete(clientId);
      entry.element.dataset.text = entry.text;
      setStatus(entry.element, "failed");
    }
    showNotice(error.message || labels.error);
  }

  // --- The socket -----------------------------------------------------------------------------

  function socketUrl() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + location.host + config.socket;
  }

  function connect() {
    if (stopped) return;
    clearTimeout(reconnectTimer);
    if (!polling) setConnection("connecting", labels.connecting);
    var opened = false;
    try {
      socket = new WebSocket(socketUrl());
    } catch (error) {
      return scheduleReconnect(false);
    }
    socket.onopen = function () {
      opened = true;
      openedOnce = true;
      attempt = 0;
      failedOpens = 0;
      stopPolling();
      setConnection("live", labels.live);
      socket.send(JSON.stringify({ type: "resume", after: lastId }));
      outbox.forEach(function (_entry, clientId) { transmit(clientId); });
      clearInterval(pingTimer);
      pingTimer = setInterval(function () {
        if (socket && socket.readyState === WebSocket.OPEN) socket.send('{"type":"ping"}');
      }, PING_EVERY);
    };
    socket.onmessage = function (event) { receive(JSON.parse(event.data)); };
    socket.onclose = function (event) {
      clearInterval(pingTimer);
      socket = null;
      online.clear();
      showPresence();
      if (event.code === 4401) return stop(labels.signedOut);
      if (event.code === 4403) return stop(labels.forbidden);
      if (event.code === 4429) showNotice(labels.tooMany);
      if (event.code === 1009) showNotice(labels.tooBig);
      scheduleReconnect(opened);
    };
  }

  function scheduleReconnect(hadOpened) {
    if (stopped) return;
    if (!hadOpened) failedOpens += 1;
    if (!openedOnce && failedOpens >= FAILURES_BEFORE_POLLING) startPolling();
    // Exponential backoff with jitter, so that a restarted server is not hit by everyone at once.
    var delay = Math.min(BACKOFF_MAX, 1000 * Math.pow(2, attempt)) * (0.5 + Math.random() / 2);
    attempt += 1;
    var seconds = Math.ceil(delay / 1000);
    if (!polling) setConnection("reconnecting", format(labels.reconnecting, { seconds: seconds }));
    reconnectTimer = setTimeout(connect, polling ? Math.max(delay, BACKOFF_MAX) : delay);
  }

  function stop(text) {
    stopped = true;
    stopPolling();
    clearTimeout(reconnectTimer);
    setConnection("closed", text);
    form.querySelector("[data-send]").disabled = true;
    textarea.disabled = true;
  }

  function receive(frame) {
    switch (frame.type) {
      case "message": place(frame.message); break;
      case "update": update(frame.message); break;
      case "ack": handleAck(frame); break;
      case "error": handleError(frame.client_id, frame); break;
      case "read":
        if (frame.user_id === config.me) break; // our own reading, from this or another tab
        reads[frame.user_id] = Math.max(reads[frame.user_id] || 0, frame.id);
        refreshReadStates();
        break;
      case "typing": showTyping(frame.user); break;
      case "presence":
        online.clear();
        frame.online.forEach(function (user) { online.set(user.id, user); });
        showPresence();
        break;
      case "join": online.set(frame.user.id, frame.user); showPresence(); break;
      case "leave": online.delete(frame.user.id); showPresence(); break;
      case "resumed": markRead(); break;
      default: break;
    }
  }

  // --- Refresh over HTTP, when WebSockets are blocked ----------------------------------------

  function startPolling() {
    if (polling) return;
    setConnection("polling", labels.polling);
    polling = setInterval(poll, POLL_EVERY);
    poll();
    outbox.forEach(function (_entry, clientId) { transmit(clientId); });
  }

  function stopPolling() {
    clearInterval(polling);
    polling = null;
  }

  function poll() {
    fetch(config.messages + "?after=" + lastId, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 404) stop(labels.forbidden);
        if (response.redirected || response.status === 403) stop(labels.signedOut);
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) return;
        data.messages.forEach(place);
        if (data.has_more) poll();
      })
      .catch(function () { /* the next tick tries again */ });
  }

  // --- Read receipts, typing, presence ---------------------------------------------------------

  function markRead() {
    if (document.hidden || !lastId || lastId <= lastReadSent) return;
    lastReadSent = lastId;
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type: "read", id: lastId }));
    } else {
      var body = new FormData();
      body.append("id", lastId);
      post(config.read, body).catch(function () { lastReadSent = 0; });
    }
  }

  function showTyping(user) {
    typingNote.textContent = format(labels.typing, { name: user.name });
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { typingNote.textContent = ""; }, 3000);
  }

  function showPresence() {
    var names = [];
    online.forEach(function (user) { names.push(user.name); });
    // An event lobby may have dozens online: name a few and count the rest.
    var shown = names.length > 6 ? names.slice(0, 5).concat("+" + (names.length - 5)) : names;
    presenceNote.textContent = names.length ? format(labels.online, { names: shown.join(", ") }) : labels.nobodyOnline;
    presenceNote.dataset.online = names.length;
  }

  // --- History ---------------------------------------------------------------------------------

  function loadOlder() {
    olderButton.disabled = true;
    var height = log.scrollHeight;
    fetch(config.messages + "?before=" + firstId, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var anchor = list.firstElementChild;
        data.messages.forEach(function (message) {
          if (!findById(message.id)) list.insertBefore(render(message, readByOthers(message.id) ? "read" : "sent"), anchor);
        });
        if (data.messages.length) firstId = data.messages[0].id;
        log.scrollTop += log.scrollHeight - height; // keep what the reader was looking at in place
        if (!data.has_more) {
          olderButton.replaceWith(element("p", "muted chat-beginning", labels.noOlder));
        } else {
          olderButton.disabled = false;
        }
      })
      .catch(function () { olderButton.disabled = false; });
  }

  // --- Reporting ------------------------------------------------------------------------------

  var dialog = root.querySelector("[data-report-dialog]");
  var reportForm = root.querySelector("[data-report-form]");

  list.addEventListener("click", function (event) {
    var report = event.target.closest("[data-report]");
    if (report) {
      reportForm.action = config.report.replace("/0/", "/" + report.dataset.report + "/");
      if (dialog.showModal) dialog.showModal(); else reportForm.submit();
      return;
    }
    var retry = event.target.closest("[data-retry]");
    if (retry) {
      var item = retry.closest(".chat-message");
      var text = item.dataset.text;
      item.remove();
      if (text) queue(text);
    }
  });

  root.querySelector("[data-report-cancel]").addEventListener("click", function () { dialog.close(); });

  reportForm.addEventListener("submit", function (event) {
    event.preventDefault();
    post(reportForm.action, new FormData(reportForm)).then(function (answer) {
      dialog.close();
      reportForm.reset();
      showNotice(answer.message);
    }, function (error) {
      dialog.close();
      showNotice(error.message);
    });
  });

  // --- The form -------------------------------------------------------------------------------

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = textarea.value.trim();
    var file = fileInput.files[0];
    if (!text && !file) {
      showNotice(labels.empty);
      return;
    }
    if (text.length > config.maxLength) return; // the textarea's maxlength prevents it
    showNotice("");
    if (file) {
      sendFile(file, text).then(function (sent) {
        if (sent) {
          fileInput.value = "";
          textarea.value = "";
        }
      });
      return;
    }
    textarea.value = "";
    queue(text);
  });

  textarea.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      // Enter sends; Shift+Enter makes a new line, and Enter that picks an IME candidate
      // (isComposing, as when typing Chinese with pinyin) is left to the input method.
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
    }
  });

  textarea.addEventListener("input", function () {
    var now = Date.now();
    if (now - lastTypingSent > 2000 && socket && socket.readyState === WebSocket.OPEN) {
      lastTypingSent = now;
      socket.send('{"type":"typing"}');
    }
  });

  document.addEventListener("visibilitychange", markRead);
  window.addEventListener("focus", markRead);
  window.addEventListener("online", function () {
    if (!socket && !stopped) { attempt = 0; connect(); }
  });

  if (olderButton) {
    olderButton.hidden = false;
    olderButton.addEventListener("click", loadOlder);
  }
  refreshReadStates();
  scrollToBottom();
  if (!("WebSocket" in window)) startPolling(); else connect();
  markRead();
})();
