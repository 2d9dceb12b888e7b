// Grassroots: forms kept on this device while there is no connection (IndexedDB), and
// sent once it returns. Used by the pages (static/js/offline.js) and by the service
// worker (/sw.js, Background Sync). Each form carries its one-time key, and the server
// accepts a key once: a form sent twice, by a retry, two tabs or a lost answer, makes
// one record.
//
// An entry holds what the form holds (the fields the person filled in, its key, the
// address it is sent to, a label such as "Visit: <name>") and, for a named form, the
// page's opaque owner value, so that it is sent only while that person is signed in.
// An anonymous appeal's entry holds no owner, only the random id of the browser tab that
// queued it: it is sent, and its receipt shown, in that tab alone.
(function (scope) {
  "use strict";

  var DB_NAME = "grassroots-offline";
  var STORE = "queue";
  var SYNC_TAG = "grassroots-queue";

  function database() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return database().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var result = work(transaction.objectStore(STORE));
        transaction.oncomplete = function () {
          db.close();
          resolve(result && "result" in result ? result.result : result);
        };
        transaction.onerror = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  function add(entry) {
    return withStore("readwrite", function (store) { store.put(entry); });
  }

  function remove(key) {
    return withStore("readwrite", function (store) { store.delete(key); });
  }

  function all() {
    return withStore("readonly", function (store) { return store.getAll(); });
  }

  // Whether this page may see, send and discard an entry: a named one, while its person
  // is signed in; an anonymous one, only in the tab that queued it.
  function belongs(entry, owner, tab) {
    if (entry.anonymous) return Boolean(tab) && entry.tab === tab;
    return Boolean(owner) && entry.owner === owner;
  }

  // The entries this page may see and send.
  function mine(owner, tab) {
    return all().then(function (entries) {
      return entries
        .filter(function (entry) { return belongs(entry, owner, tab); })
        .sort(function (a, b) { return a.queuedAt - b.queuedAt; });
    });
  }

  function body(entry, token) {
    var data = new FormData();
    entry.fields.forEach(function (pair) {
      if (pair[0] !== "csrfmiddlewaretoken") data.append(pair[0], pair[1]);
    });
    if (token) data.append("csrfmiddlewaretoken", token);
    return data;
  }

  // One entry sent: "sent" (with the answer's page), "failed" (the server refused it,
  // 403 included: the page says why), or "wait" (no connection, signed out, the server
  // busy): it stays and is sent later. The page's own form token goes with it; none is
  // kept in the entry.
  // A send with no answer after a minute is given up (and stays queued): a proxy that
  // swallows requests must not hold the one sender's lock for minutes. fetch cannot tell
  // "still uploading" from "no answer", so the limit grows with the body (see timeout):
  // photos going up a slow link are not cut off and sent again forever.
  var SEND_TIMEOUT = 60000;

  // How long a send of this body may take: the floor, plus a second per 20 KB (a link
  // slower than that is not expected to carry photos at all).
  function timeout(floor, data) {
    var bytes = 0;
    if (data && data.forEach) {
      data.forEach(function (value, name) {
        bytes += String(name).length + (value && typeof value.size === "number" ? value.size : String(value).length * 3);
      });
    }
    return floor + Math.ceil(bytes / 20);
  }

  // The application's own pages carry this (templates/base.html): a proxy's error page or
  // a Wi-Fi sign-in portal does not, and is no answer from the server.
  function fromServer(html) {
    return /<body[^>]*\sdata-owner=/.test(html || "");
  }

  // Keys being sent from here now: never sent a second time while the first is on its way.
  var inFlight = {};

  function send(entry, token) {
    if (inFlight[entry.key]) return Promise.resolve({ status: "wait", why: "in-flight" });
    inFlight[entry.key] = true;
    var data = body(entry, token);
    var stop = scope.AbortController ? new AbortController() : null;
    var timer = stop ? setTimeout(function () { stop.abort(); }, timeout(SEND_TIMEOUT, data)) : null;
    return fetch(entry.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: token ? { "X-CSRFToken": token } : {},
      redirect: "follow",
      signal: stop ? stop.signal : undefined,
    }).then(
      function (response) {
        if (response.redirected && new URL(response.url).pathname.indexOf("/accounts/login") === 0) {
          return { status: "wait", why: "signed-out" };
        }
        if (response.status === 429 || response.status >= 500) {
          return { status: "wait", why: "refused-for-now" };
        }
        return response.text().then(function (html) {
          // Not the server's answer: a proxy refusing it (413 too large, …) cannot be
          // helped by sending it again; a portal's page or a proxy's error is no answer.
          if (!fromServer(html)) {
            if (response.status >= 400) return { status: "failed", html: "" };
            return { status: "wait", why: "refused-for-now" };
          }
          if (!response.ok) return { status: "failed", html: html };
          if (response.redirected) return { status: "sent", html: html };
          // The form came back: with errors (refused), or a receipt (the anonymous form).
          var refused = /class="[^"]*(error-summary|alert-danger)/.test(html);
          return { status: refused ? "failed" : "sent", html: html };
        });
      },
      function () { return { status: "wait", why: "offline" }; }
    ).finally(function () {
      clearTimeout(timer);
      delete inFlight[entry.key];
    });
  }

  function locked(work) {
    // One sender at a time across tabs and the worker (Web Locks where the browser has
    // them; the server's keys make a second sender harmless anyway).
    if (scope.navigator && scope.navigator.locks) {
      return scope.navigator.locks.request(SYNC_TAG, work);
    }
    return work();
  }

  // Send what waits, oldest first, of what belongs to the page. options: token (the
  // page's form token), owner (the page's owner value), tab (the page's tab id),
  // onResult(entry, result) for each one sent or refused (waited for if it returns a
  // promise).
  function sendAll(options) {
    options = options || {};
    return locked(function () {
      return all().then(function (entries) {
        var outcome = { sent: 0, failed: 0, offline: false, signedOut: false };
        var chain = Promise.resolve();
        entries
          .sort(function (a, b) { return a.queuedAt - b.queuedAt; })
          .filter(function (entry) {
            return entry.state !== "failed" && belongs(entry, options.owner, options.tab);
          })
          .forEach(function (entry) {
            chain = chain.then(function () {
              if (outcome.offline || outcome.signedOut) return null;
              return send(entry, options.token).then(function (result) {
                if (result.status === "wait") {
                  if (result.why === "offline") outcome.offline = true;
                  if (result.why === "signed-out") outcome.signedOut = true;
                  return null;
                }
                var done = result.status === "sent" ? remove(entry.key) : add(
                  Object.assign({}, entry, { state: "failed" })
                );
                return done.then(function () {
                  outcome[result.status] += 1;
                  return options.onResult ? options.onResult(entry, result) : null;
                });
              });
            });
          });
        return chain.then(function () { return outcome; });
      });
    });
  }

  scope.GrassrootsQueue = {
    SYNC_TAG: SYNC_TAG,
    add: add,
    remove: remove,
    all: all,
    mine: mine,
    send: send,
    sendAll: sendAll,
    timeout: timeout,
    fromServer: fromServer,
  };
})(self);
