// Grassroots offline: registers the service worker, says when there is no connection,
// keeps three forms (raise an appeal, record a visit, mark attendance) on the device
// while offline and sends them when the connection returns (docs/architecture.md,
// "Offline"). Every page and form works without this file.
(function () {
  "use strict";

  var Queue = window.GrassrootsQueue;
  var PAGES_CACHE = "grassroots-pages";
  var OWNER_KEY = "grassroots-owner";
  var TAB_KEY = "grassroots-tab";
  var REFILL_KEY = "grassroots-refill";

  // This tab's own id (sessionStorage: kept across the tab's pages, gone with the tab).
  // An anonymous appeal is sent, shown and discarded only by the tab that queued it, so
  // that its tracking code and PIN reach nobody else who opens a page on this device.
  function tabId() {
    try {
      var id = window.sessionStorage.getItem(TAB_KEY);
      if (!id) {
        id = newKey();
        window.sessionStorage.setItem(TAB_KEY, id);
      }
      return id;
    } catch (error) {
      return ""; // no storage: anonymous appeals are not kept
    }
  }

  // While this tab is open it holds a lock named after it, so that another tab can tell
  // an anonymous appeal whose tab has closed (it is then dropped: nobody may see it).
  function holdTabLock(tab) {
    if (!tab || !navigator.locks) return;
    navigator.locks.request("grassroots-tab-" + tab, function () {
      return new Promise(function () { /* held until the tab goes */ });
    });
  }

  function dropOrphans(tab) {
    if (!navigator.locks || !navigator.locks.query) return Promise.resolve();
    return Promise.all([Queue.all(), navigator.locks.query()]).then(function (found) {
      var held = (found[1].held || []).map(function (lock) { return lock.name; });
      return Promise.all(found[0].filter(function (entry) {
        return entry.anonymous && entry.tab !== tab && held.indexOf("grassroots-tab-" + entry.tab) < 0;
      }).map(function (entry) { return Queue.remove(entry.key); }));
    });
  }

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16)); // plain http on an intranet
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function formToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
    } catch (error) {
      return "";
    }
  }

  // Kept pages belong to the person who opened them: forget them when that changes.
  function forgetPages() {
    var done = window.caches ? caches.delete(PAGES_CACHE) : Promise.resolve();
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage("forget-pages");
    }
    return done;
  }

  ready(function () {
    var body = document.body;
    var owner = body.getAttribute("data-owner") || "";
    var status = document.getElementById("offline-status");
    if (!status || !Queue || !window.indexedDB) return;
    var text = function (name) { return status.getAttribute("data-" + name) || ""; };
    var tab = tabId();
    holdTabLock(tab);
    // When this page was shown by the server: now, or, for a copy kept by the worker, when
    // it was kept. A named form on a page older than a session lasts is not kept: the
    // session that showed it has ended, and whoever holds the device now may be another.
    var pageTime = Number(body.getAttribute("data-kept-at")) || Date.now();
    var maxAge = Number(status.getAttribute("data-max-age")) * 1000;
    function tooOld() {
      return !(maxAge > 0) || Date.now() - pageTime >= maxAge;
    }

    var changedHands = false;
    try {
      changedHands = window.localStorage.getItem(OWNER_KEY) !== owner;
      window.localStorage.setItem(OWNER_KEY, owner);
    } catch (error) {
      changedHands = true; // no storage: keep nothing
    }
    var forgotten = changedHands ? forgetPages() : Promise.resolve();

    if ("serviceWorker" in navigator && body.getAttribute("data-service-worker")) {
      // Registered only once the old person's pages are gone, so nothing is kept twice.
      forgotten.then(function () {
        return navigator.serviceWorker.register(body.getAttribute("data-service-worker"), { scope: "/" });
      }).catch(function () { /* no worker (plain http): the page works as before */ });
      navigator.serviceWorker.addEventListener("message", function (event) {
        // (Still heard after this page was replaced by an answer: then it is not ours.)
        if (event.data === "send-queue" && status.isConnected) sendQueue();
      });
    }

    // Signing out forgets the kept pages before the form leaves.
    document.querySelectorAll("form[action$='/accounts/logout/']").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.dataset.forgotten) return;
        event.preventDefault();
        forgetPages().finally(function () {
          form.dataset.forgotten = "1";
          try { window.localStorage.setItem(OWNER_KEY, ""); } catch (error) { /* none */ }
          form.submit();
        });
      });
    });

    // --- What the status line says ------------------------------------------------
    var banner = document.createElement("p");
    banner.className = "alert alert-warning offline-banner mb-2";
    banner.textContent = text("offline");
    var waiting = document.createElement("p");
    waiting.className = "alert alert-info offline-waiting mb-2";
    var results = document.createElement("div");

    function showOnline() {
      if (navigator.onLine) banner.remove();
      else if (!banner.isConnected) status.prepend(banner);
    }

    // The status line takes the focus (and comes into view) where what happened is said
    // there while the focus was elsewhere: a form kept offline is said at the top, not
    // beside its button at the foot of the page.
    function focusStatus() {
      status.setAttribute("tabindex", "-1");
      status.focus();
    }

    function note(kind, message, entry) {
      var item = document.createElement("div");
      item.className = "alert mb-2 " + (kind === "sent" ? "alert-success" : "alert-danger");
      item.textContent = message;
      if (kind === "failed" && entry) {
        if (entry.error) {
          var why = document.createElement("span");
          why.className = "d-block";
          why.textContent = entry.error;
          item.appendChild(why);
        }
        // Named after its form, so that a list of them can be told apart by ear.
        var discard = document.createElement("button");
        discard.type = "button";
        discard.className = "btn btn-outline-secondary btn-sm ms-2";
        discard.textContent = text("discard") + "：" + entry.label;
        discard.addEventListener("click", function () {
          Queue.remove(entry.key).then(function () {
            // Focus goes to the next note's button, else to the status line.
            var next = item.nextElementSibling || item.previousElementSibling;
            item.remove();
            var target = next && next.querySelector("button");
            if (target) target.focus();
            else focusStatus();
          });
        });
        item.appendChild(discard);
        // What was typed is not lost: the form opens again, filled in from the entry.
        var again = document.createElement("button");
        again.type = "button";
        again.className = "btn btn-outline-primary btn-sm ms-2";
        again.textContent = text("open-again") + "：" + entry.label;
        again.addEventListener("click", function () {
          try { window.sessionStorage.setItem(REFILL_KEY, entry.key); } catch (error) { return; }
          if (entry.action === window.location.href.split("#")[0]) refill();
          else window.location.assign(entry.action);
        });
        item.appendChild(again);
      }
      results.appendChild(item);
    }

    function showCount() {
      return Queue.mine(owner, tab).then(function (entries) {
        var count = entries.filter(function (entry) { return entry.state !== "failed"; }).length;
        if (count) {
          waiting.textContent = text("waiting").replace("%s", count);
          if (!waiting.isConnected) status.appendChild(waiting);
        } else {
          waiting.remove();
        }
        entries.filter(function (entry) { return entry.state === "failed"; }).forEach(function (entry) {
          if (!results.querySelector("[data-key='" + entry.key + "']")) {
            note("failed", text("failed").replace("%s", entry.label), entry);
            results.lastChild.setAttribute("data-key", entry.key);
          }
        });
        return count;
      });
    }

    status.appendChild(results);
    showOnline();
    window.addEventListener("offline", showOnline);

    // --- The three forms: a fresh key on every page, kept while offline -------------
    var forms = document.querySelectorAll("form[data-offline]");
    function keyInput(form) {
      return form.querySelector("input[type=hidden][name$='key']");
    }
    var canFetch = Boolean(window.fetch && window.AbortController && window.DOMParser);
    forms.forEach(function (form) {
      var input = keyInput(form);
      // A page kept from an earlier visit carries an old key: never send it twice.
      if (input) input.value = newKey();
      if (!input) return; // no key: the form goes as it always did
      // What happened to a send, said next to the form (announced, never an alert()).
      var said = document.createElement("div");
      said.className = "form-send-status mt-2";
      said.setAttribute("role", "status");
      form.appendChild(said);
      form.addEventListener("submit", function (event) {
        if (form.dataset.sending) { // a second tap while the first is on its way
          event.preventDefault();
          return;
        }
        if (navigator.onLine && !canFetch) return; // the form goes as it always did
        event.preventDefault();
        var submitter = event.submitter || null;
        said.className = "form-send-status mt-2";
        said.textContent = ""; // what an earlier send said is over
        if (!navigator.onLine) {
          Promise.resolve(keep(form, submitter)).catch(function () {
            buttons(form, false);
            note("failed", text("not-kept"));
          }).then(focusStatus);
        } else sendNow(form, submitter, said);
      });
    });

    function buttons(form, disabled) {
      // After grassroots.js, which disables them on every submit (a tick later).
      window.setTimeout(function () {
        form.querySelectorAll("button[type='submit']").forEach(function (b) { b.disabled = disabled; });
      }, 10);
    }

    function keep(form, submitter, say) {
        say = say || note;
        var input = keyInput(form);
        if (submitter && submitter.name === "check") {
          say("failed", text("needs-network"));
          return;
        }
        var anonymous = form.hasAttribute("data-offline-anonymous");
        if (!anonymous && tooOld()) {
          say("failed", text("too-old"));
          return;
        }
        if (anonymous && !tab) {
          say("failed", text("needs-network"));
          return;
        }
        var data = new FormData(form, submitter);
        var fields = [];
        data.forEach(function (value, name) {
          if (value instanceof File && !value.name && !value.size) return; // no file chosen
          if (name === "csrfmiddlewaretoken") return; // the sending page gives its own
          fields.push([name, value]);
        });
        var entry = {
          key: input.value,
          kind: form.getAttribute("data-offline"),
          label: form.getAttribute("data-offline-label") || "",
          action: new URL(form.getAttribute("action") || "", window.location.href).href.split("#")[0],
          fields: fields,
          anonymous: anonymous,
          owner: anonymous ? "" : owner,
          // An anonymous appeal belongs to this tab alone (see tabId).
          tab: anonymous ? tab : "",
          // An anonymous appeal's moment is kept to the hour, as the server keeps it.
          queuedAt: anonymous ? Math.floor(Date.now() / 3600000) * 3600000 : Date.now(),
          state: "waiting",
        };
        return Queue.add(entry).then(function () {
          if (form.getAttribute("data-offline") !== "attendance") form.reset();
          input.value = newKey();
          buttons(form, false);
          say("sent", text(anonymous ? "kept-anonymous" : "kept"));
          showCount();
          if (navigator.serviceWorker && navigator.serviceWorker.ready) {
            navigator.serviceWorker.ready.then(function (registration) {
              if (registration.sync) return registration.sync.register(Queue.SYNC_TAG);
              return null;
            }).catch(function () { /* no Background Sync: sent on the next page or "online" */ });
          }
        });
    }

    // --- Online: the form is sent from here, so that it is not lost ------------------
    // The browser may say online while the server cannot be reached (a mine's Wi-Fi with
    // no uplink, a proxy down, the connection dropping mid-send). A form posted the
    // ordinary way would end on the browser's error page, with what was typed gone. So it
    // is sent by fetch with the same body, key and form token: no answer (or a gateway's
    // 502-504) keeps it in the queue under the same key, which the server accepts once,
    // so a send that did arrive is not recorded twice; an answer is shown as the browser
    // would have shown it.
    var SEND_TIMEOUT = 15000;
    var UNREACHABLE = [502, 503, 504];

    function sendNow(form, submitter, said) {
      var say = function (kind, message) {
        said.className = "form-send-status mt-2 alert " + (kind === "sent" ? "alert-info" : "alert-danger");
        said.textContent = message;
      };
      var input = keyInput(form);
      var action = new URL(form.getAttribute("action") || "", window.location.href);
      var data = new FormData(form, submitter);
      var body = form.enctype === "multipart/form-data" ? data : new URLSearchParams(data);
      form.dataset.sending = "1";
      buttons(form, true);
      form.setAttribute("aria-busy", "true");
      said.className = "form-send-status mt-2";
      said.textContent = text("sending");
      var done = function () {
        delete form.dataset.sending;
        form.removeAttribute("aria-busy");
        buttons(form, false);
      };
      // fetch cannot tell "still uploading" from "no answer": the limit grows with the body.
      var stop = new AbortController();
      var timer = window.setTimeout(function () { stop.abort(); }, Queue.timeout(SEND_TIMEOUT, data));
      freshToken(form, stop.signal).then(function (token) {
        if (token) {
          if (data.has("csrfmiddlewaretoken")) data.set("csrfmiddlewaretoken", token);
          if (body !== data) body.set("csrfmiddlewaretoken", token);
        }
        token = token || data.get("csrfmiddlewaretoken") || formToken();
        return fetch(action.href.split("#")[0], {
          method: "POST",
          body: body,
          credentials: "same-origin",
          headers: token ? { "X-CSRFToken": token } : {},
          redirect: "follow",
          signal: stop.signal,
        });
      }).then(function (response) {
        if (UNREACHABLE.indexOf(response.status) >= 0) throw new Error("unreachable");
        return response.text().then(function (html) {
          window.clearTimeout(timer);
          return { response: response, html: html };
        });
      }).then(function (answer) {
        var response = answer.response;
        var where = new URL(response.url || action.href);
        var ours = Queue.fromServer(answer.html);
        if (response.redirected && where.pathname.indexOf("/accounts/login") === 0) {
          form.dataset.staleToken = "1";
          say("failed", text("signed-out"));
        } else if (response.status === 403) {
          form.dataset.staleToken = "1";
          say("failed", text("refused"));
        } else if (!ours && response.status === 413) {
          say("failed", text("too-large")); // a proxy's limit: sending it again cannot help
        } else if (!ours && response.status >= 400 && response.status < 500) {
          say("failed", text("not-sent"));
        } else if (!ours) {
          // A page that is not the server's (a Wi-Fi sign-in portal, a proxy's error):
          // it never replaces the form, and the server was not reached: kept.
          throw new Error("unreachable");
        } else if (response.status === 429 || response.status >= 500) {
          say("failed", text("busy"));
        } else if (response.status !== 400 && !response.ok) {
          say("failed", text("not-sent")); // a 404, 413 and the like: the form stays as typed
        } else {
          // The browser's own fragment rule: the request's, unless the answer names one.
          if (!where.hash) where.hash = action.hash;
          return showAnswer(answer.html, where.href);
        }
        done();
        return null;
      }).catch(function () {
        window.clearTimeout(timer);
        // No answer: kept under the key it was sent with, as if the device were offline.
        delete form.dataset.sending;
        form.removeAttribute("aria-busy");
        if (input.value) {
          return Promise.resolve(keep(form, submitter, function (kind, message) {
            say(kind, kind === "sent" ? text("unreachable") + " " + message : message);
          })).then(function () {
            buttons(form, false);
            retryLater();
          }, function () {
            // The device would not keep it (storage full or refused): said, form as typed.
            buttons(form, false);
            say("failed", text("unreachable") + " " + text("not-kept"));
          });
        }
        done();
        return null;
      });
    }

    // After a 403 or a sign-in page, the form token on this page is stale (signing in
    // again gives a new one): the next send first takes the one the page has now. None
    // (signed out still, or no answer) sends the old one, and the answer says so again.
    function freshToken(form, signal) {
      if (!form.dataset.staleToken) return Promise.resolve("");
      return fetch(window.location.href.split("#")[0], { credentials: "same-origin", signal: signal })
        .then(function (response) {
          if (!response.ok || response.redirected) return "";
          return response.text().then(function (html) {
            var page = new DOMParser().parseFromString(html, "text/html");
            var field = page.querySelector("input[name=csrfmiddlewaretoken]");
            if (!field || !field.value) return "";
            delete form.dataset.staleToken;
            form.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (f) { f.value = field.value; });
            var headers = page.body && page.body.getAttribute("hx-headers");
            if (headers) document.body.setAttribute("hx-headers", headers);
            return field.value;
          });
        }, function () { return ""; });
    }

    // The server's answer in place of this page, as a navigation would show it: the
    // page it sent to (a redirect) or the form with its errors, the kept values and the
    // focus on the error summary (the page's scripts run again). What it says once
    // (Django's messages, an anonymous appeal's receipt) was read by this fetch, so the
    // answer is written, not fetched again; it is kept nowhere.
    function showAnswer(html, url) {
      stopped = true;
      if (url !== window.location.href) window.history.replaceState(null, "", url);
      document.open();
      document.write(html);
      document.close();
      var hash = window.location.hash.slice(1);
      var target = hash && document.getElementById(decodeURIComponent(hash));
      if (target) target.scrollIntoView();
    }

    // Sent again while the page stays open: a browser that never went offline fires no
    // "online" event.
    // Each retry that leaves something waiting waits twice as long (30 s, 1 min, 2 min …
    // 10 min at most: every send may carry photos again); signed out, none until the next
    // page; never while the page is hidden (it runs when the page is shown again).
    var retryTimer = null;
    var RETRY_FIRST = 30000;
    var RETRY_MOST = 600000;
    var retryDelay = RETRY_FIRST;
    var retryDue = false;
    var signedOut = false;
    function retryLater() {
      if (retryTimer || stopped || signedOut) return;
      retryTimer = window.setTimeout(function () {
        retryTimer = null;
        retryDelay = Math.min(retryDelay * 2, RETRY_MOST);
        if (document.hidden) retryDue = true;
        else sendQueue();
      }, retryDelay);
    }
    document.addEventListener("visibilitychange", function () {
      if (document.hidden || !retryDue || !status.isConnected) return;
      retryDue = false;
      sendQueue();
    });

    // --- A form that could not be sent, opened again ---------------------------------
    // The entry named in sessionStorage fills in the form on this page that sends to the
    // same address; the entry is then deleted (what it held is in the form now).
    function refill() {
      var wanted;
      try { wanted = window.sessionStorage.getItem(REFILL_KEY); } catch (error) { return; }
      if (!wanted) return;
      var here = Array.prototype.slice.call(forms);
      Queue.mine(owner, tab).then(function (entries) {
        var entry = entries.filter(function (e) { return e.key === wanted; })[0];
        if (!entry) return;
        var form = here.filter(function (f) {
          return new URL(f.getAttribute("action") || "", window.location.href).href.split("#")[0] === entry.action;
        })[0];
        if (!form) return;
        window.sessionStorage.removeItem(REFILL_KEY);
        entry.fields.forEach(function (pair) {
          var name = pair[0], value = pair[1];
          if (typeof value !== "string" || /key$/.test(name)) return;
          form.querySelectorAll("[name='" + name.replace(/'/g, "") + "']").forEach(function (field) {
            if (field.type === "radio" || field.type === "checkbox") field.checked = field.value === value;
            else if (field.type !== "file" && field.type !== "submit") field.value = value;
          });
        });
        return Queue.remove(entry.key).then(function () {
          results.querySelectorAll("[data-key='" + entry.key + "']").forEach(function (n) { n.remove(); });
          var first = form.querySelector("input:not([type=hidden]), select, textarea");
          if (first) first.focus();
        });
      });
    }

    // --- Sending ---------------------------------------------------------------------
    var sending = false;
    var stopped = false; // this page's content was replaced by an answer
    function sendQueue() {
      if (sending || stopped || signedOut || !navigator.onLine) return;
      sending = true;
      Queue.sendAll({
        token: formToken(),
        owner: owner,
        tab: tab,
        onResult: function (entry, result) {
          if (result.status === "failed") return whyRefused(entry, result.html); // shown by showCount
          note("sent", text("sent").replace("%s", entry.label));
          if (entry.anonymous && result.html) showReceipt(result.html);
        },
      }).then(function (outcome) {
        if (outcome && outcome.signedOut) signedOut = true; // until the next page
        else if (outcome && !outcome.offline && (outcome.sent || outcome.failed)) retryDelay = RETRY_FIRST;
      }).finally(function () {
        sending = false;
        showCount().then(function (count) {
          if (count && navigator.onLine) retryLater(); // no answer, or a busy server
        });
      });
    }

    // What the server said about a form it refused (its error summary), kept with the
    // entry so that the note can say why.
    function whyRefused(entry, html) {
      var page = new DOMParser().parseFromString(html || "", "text/html");
      var summary = page.querySelector("main .error-summary, main .alert-danger");
      var why = summary ? summary.textContent.replace(/\s+/g, " ").trim().slice(0, 500) : "";
      return Queue.add(Object.assign({}, entry, { state: "failed", error: why }));
    }

    // An anonymous appeal's tracking code and PIN exist only on the page that answers
    // it: show that page's content here, and keep it nowhere.
    function showReceipt(html) {
      var page = new DOMParser().parseFromString(html, "text/html");
      var answer = page.querySelector("main");
      var main = document.getElementById("main");
      if (!answer || !main) return;
      main.replaceChildren.apply(main, Array.prototype.slice.call(answer.childNodes).map(function (node) {
        return document.importNode(node, true);
      }));
      main.focus();
    }

    window.addEventListener("online", function () {
      retryDelay = RETRY_FIRST;
      showOnline();
      sendQueue();
    });
    refill();
    dropOrphans(tab).catch(function () { /* kept: sent by nobody */ }).then(showCount).then(sendQueue);
  });
})();
