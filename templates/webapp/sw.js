// Grassroots service worker (docs/architecture.md, "Offline"). Served from /sw.js by
// grassroots/core/webapp.py so that it controls the whole site; never cached itself.
//
// - Pages (navigations, GET): network first; a good answer is kept, and without a
//   connection the kept copy is shown (or the "no connection" page).
// - Static files with a hashed name: cache first (the name changes when the file does).
// - Nothing else is kept: no POST answers, no files to download, no API, no admin, no
//   page that says no-store. The pages' cache is emptied by the page script when the
//   person signs out or another signs in (static/js/offline.js).
// - Forms queued offline (static/js/offline-queue.js): on Background Sync the open pages
//   are told to send them; the worker sends nothing itself.
"use strict";

const CONFIG = {{ config|safe }};
const STATIC_CACHE = "grassroots-static-v1";
const PAGES_CACHE = "grassroots-pages";
const OFFLINE_CACHE = "grassroots-offline-v1";
const HASHED = /\.[0-9a-f]{12}\.[A-Za-z0-9]+$/;

importScripts("{{ queue_script }}");

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const statics = await caches.open(STATIC_CACHE);
      await statics.addAll(CONFIG.precache);
      const offline = await caches.open(OFFLINE_CACHE);
      await offline.add(new Request(CONFIG.offline, { credentials: "omit" }));
      await self.skipWaiting();
    })()
  );
});

self.addEventListener("activate", (event) => {
  const keep = [STATIC_CACHE, PAGES_CACHE, OFFLINE_CACHE];
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("grassroots-") && !keep.includes(name)) await caches.delete(name);
      }
      await self.clients.claim();
    })()
  );
});

function neverCached(url) {
  return CONFIG.neverCached.some((prefix) => url.pathname.startsWith(prefix));
}

function keepable(response) {
  if (!response || response.status !== 200 || response.type !== "basic") return false;
  if (response.redirected) return false;
  const type = response.headers.get("Content-Type") || "";
  const control = response.headers.get("Cache-Control") || "";
  return (
    type.startsWith("text/html") &&
    !/no-store|private/.test(control) &&
    !response.headers.has("Content-Disposition")
  );
}

// A kept page carries the moment it was kept (this device's clock). It is shown for no
// longer than a session lasts without a request (SESSION_IDLE_TIMEOUT): after that the
// session that showed it has ended, and the next person must not see it.
const KEPT_AT = "X-Grassroots-Kept-At";

async function keep(url, response) {
  const headers = new Headers(response.headers);
  headers.set(KEPT_AT, String(Date.now()));
  headers.delete("Set-Cookie"); // never on a page that could be kept, and never kept
  const body = await response.blob();
  const cache = await caches.open(PAGES_CACHE);
  await cache.put(url, new Response(body, { status: response.status, headers: headers }));
}

async function freshKept(url) {
  const cache = await caches.open(PAGES_CACHE);
  const kept = await cache.match(url, { ignoreVary: true });
  if (!kept) return null;
  const keptAt = Number(kept.headers.get(KEPT_AT) || 0);
  if (!(Date.now() - keptAt < CONFIG.pageMaxAge * 1000)) {
    await cache.delete(url, { ignoreVary: true });
    return null;
  }
  // The page learns how old it is, so that a form on it is not kept once it is too old.
  const html = (await kept.text()).replace("<body ", `<body data-kept-at="${keptAt}" `);
  const headers = new Headers(kept.headers);
  headers.delete("Content-Length"); // the body is longer now, and no longer encoded
  headers.delete("Content-Encoding");
  return new Response(html, { status: kept.status, headers: headers });
}

async function page(request) {
  try {
    const response = await fetch(request);
    if (keepable(response)) keep(request.url, response.clone());
    return response;
  } catch (error) {
    const kept = await freshKept(request.url);
    if (kept) return kept;
    const fallback = await caches.match(CONFIG.offline, { cacheName: OFFLINE_CACHE });
    return fallback || Response.error();
  }
}

async function hashedStatic(request) {
  const kept = await caches.match(request, { cacheName: STATIC_CACHE });
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) {
    const copy = response.clone();
    caches.open(STATIC_CACHE).then((cache) => cache.put(request, copy));
  }
  return response;
}

async function otherStatic(request) {
  // A file without a hashed name (development): the network, else the kept copy.
  try {
    const response = await fetch(request);
    if (response.ok) {
      const copy = response.clone();
      caches.open(STATIC_CACHE).then((cache) => cache.put(request, copy));
    }
    return response;
  } catch (error) {
    const kept = await caches.match(request, { cacheName: STATIC_CACHE });
    return kept || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || neverCached(url)) return;
  if (url.pathname.startsWith(CONFIG.static)) {
    event.respondWith(HASHED.test(url.pathname) ? hashedStatic(request) : otherStatic(request));
  } else if (request.mode === "navigate") {
    event.respondWith(page(request));
  }
});

self.addEventListener("message", (event) => {
  if (event.data === "forget-pages") event.waitUntil(caches.delete(PAGES_CACHE));
});

// Background Sync: the connection is back. Only an open page sends the queue: it knows
// who is signed in now (a named form goes only in its own person's name, with the page's
// fresh form token) and which tab an anonymous appeal belongs to, and it shows the
// results. With no page open, nothing is sent; the next page sends it.
self.addEventListener("sync", (event) => {
  if (event.tag !== GrassrootsQueue.SYNC_TAG) return;
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window" });
      windows.forEach((client) => client.postMessage("send-queue"));
    })()
  );
});
