"""The installable web app: its manifest, its service worker and the page it shows
offline for a page never visited (docs/architecture.md, "Offline").

The service worker is served from the site root, not from /static/, because a worker
controls only the pages under the path it is served from. It is rendered from a template
so that it names the static files by their hashed names, and it is never cached: the
browser checks it on every visit and a new deploy replaces the old worker at once.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

# Paths whose answers are never kept in the browser: other people's data reached by a
# cookie (an anonymous appeal being followed), sign-in, files, the API and the admin.
NEVER_CACHED = (
    "/accounts/",
    "/admin/",
    "/api/",
    "/open311/",
    "/appeals/follow",
    "/healthz",
    "/sw.js",
)
# Kept when the worker installs, so that an offline page always has its look and script.
PRECACHED = (
    "vendor/bootstrap/bootstrap.min.css",
    "css/grassroots.css",
    "js/grassroots.js",
    "js/offline-queue.js",
    "js/offline.js",
    "img/icon-192.png",
)


@require_GET
@cache_control(max_age=3600, public=True)
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: name, icons and colours for "add to home screen"."""
    name = str(settings.GRASSROOTS_SITE_NAME)
    return JsonResponse(
        {
            "name": name,
            "short_name": _("Grassroots"),
            "lang": request.LANGUAGE_CODE,
            "start_url": reverse("home"),
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#a8071a",
            "icons": [
                {
                    "src": static(f"img/icon-{size}.png"),
                    "sizes": f"{size}x{size}",
                    "type": "image/png",
                    "purpose": "any maskable",
                }
                for size in (192, 512)
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker (docs/architecture.md, "Offline"): pages network-first, hashed
    static files cache-first, nothing but GET pages and static files kept."""
    config = {
        "static": settings.STATIC_URL,
        "offline": reverse("core:offline"),
        "precache": [static(path) for path in PRECACHED],
        "neverCached": NEVER_CACHED,
        # A kept page is not shown once the session that showed it has surely ended.
        "pageMaxAge": int(settings.SESSION_IDLE_TIMEOUT.total_seconds()),
    }
    body = render_to_string(
        "webapp/sw.js",
        {
            "config": json.dumps(config, ensure_ascii=False),
            "queue_script": static("js/offline-queue.js"),
        },
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """What the worker shows for a page never visited while there is no connection. It
    names nobody, so it may be kept for whoever signs in next."""
    return render(request, "webapp/offline.html", {"site_name": settings.GRASSROOTS_SITE_NAME})
