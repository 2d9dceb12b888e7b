// Grassroots service worker (docs/architecture.md, "Offline"). Served from /sw.js by
// grassroots/core/webapp.py so that it controls the whole site; never cached itself.
//
// - Pages (navigations, GET): network first; a good answer is kept, and without a
//   connection the kept copy is shown (or the "no connection" page).
// - Static files with a hashed name: cache first (the name changes when the file does).
// - Nothing else is kept: no POST answers, no files to download, no API, no admin, no
//   page that says no-store. The pages' cache is emptied by the page script when the
//   person signs out or another signs in (static/js/offline.js).
// - Forms queued offline (static/js/offline-queue.js) are sent on Background Sync.
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

async function page(request) {
  try {
    const response = await fetch(request);
    if (keepable(response)) {
      const copy = response.clone();
      caches.open(PAGES_CACHE).then((cache) => cache.put(request.url, copy));
    }
    return response;
  } catch (error) {
    const kept = await caches.match(request.url, { cacheName: PAGES_CACHE, ignoreVary: true });
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

// Background Sync: the connection is back. An open page sends the queue itself (it has
// a fresh form token and shows the results); with no page open, the worker sends the
// named forms. An anonymous appeal waits for a page, which shows its tracking code and
// PIN: they are never written to this device.
self.addEventListener("sync", (event) => {
  if (event.tag !== GrassrootsQueue.SYNC_TAG) return;
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window" });
      if (windows.length) {
        windows.forEach((client) => client.postMessage("send-queue"));
        return;
      }
      const outcome = await GrassrootsQueue.sendAll({ skipAnonymous: true });
      if (outcome.offline) throw new Error("still offline"); // the browser tries again later
    })()
  );
});
