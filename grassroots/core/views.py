"""Pages that belong to no app: the health checks, the answer to a page that failed,
and the site icon."""

from __future__ import annotations

import datetime
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import cache_control, never_cache

from grassroots.core import health

# How long a browser or an API client should wait before trying again during a database
# outage: a restart or a fail-over usually takes well under a minute.
RETRY_AFTER_SECONDS = 30


@never_cache
def health_live(request: HttpRequest) -> HttpResponse:
    """Liveness, for load balancers and the run script: the process answers. It reads
    nothing, so a database outage does not get healthy web processes restarted."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def health_ready(request: HttpRequest) -> JsonResponse:
    """Readiness: the database answers and the task queue is moving (its oldest ready
    task is younger than GRASSROOTS_READY_MAX_TASK_AGE_SECONDS). 503 otherwise."""
    state = health.readiness(
        max_task_age=datetime.timedelta(seconds=settings.GRASSROOTS_READY_MAX_TASK_AGE_SECONDS)
    )
    age = state.oldest_task_age
    body = {
        "status": "ok" if state.ready else "unavailable",
        "database": "ok" if state.database else "unavailable",
        "task_queue": {
            "status": (
                "ok"
                if state.queue_reachable and state.queue_ok
                else "unavailable"
                if not state.queue_reachable
                else "late"
            ),
            "oldest_ready_task_age_seconds": round(age.total_seconds(), 1) if age else None,
            "max_age_seconds": settings.GRASSROOTS_READY_MAX_TASK_AGE_SECONDS,
        },
    }
    response = JsonResponse(body, status=200 if state.ready else 503)
    if not state.ready:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


# PostgreSQL's SQLSTATEs of a connection lost or refused (class 08) and of a server
# shutting down or starting (57P01–57P03): the database is away, not the query wrong.
_AWAY_STATES = ("08", "57P01", "57P02", "57P03")


def _database_unreachable(error: BaseException | None) -> bool:
    """A connection refused, lost or shutting down — not a deadlock, a statement
    timeout or a missing table, which are errors of the product and stay 500."""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if state is not None:
        return str(state).startswith(_AWAY_STATES)
    # Without a SQLSTATE (psycopg could not connect at all; SQLite): only what says
    # the database file or server cannot be reached.
    text = str(error).lower()
    return any(
        words in text
        for words in (
            "connection",
            "could not connect",
            "server closed",
            "unable to open database",
            "terminating",
        )
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500. A page that failed because the database cannot be reached (refused,
    restarting, gone away mid-request) is 503 with Retry-After: the product is
    unavailable for a moment, not broken, and proxies and clients know to come back.

    Django calls this inside its `except` block, so the exception is sys.exc_info().
    The page is plain and rendered without the request: no context processor, nothing
    that needs the database."""
    error = sys.exc_info()[1]
    if not _database_unreachable(error):
        return defaults.server_error(request)
    if request.path_info.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": _("The service is briefly unavailable. Try again in a moment.")},
            status=503,
        )
    else:
        response = HttpResponse(
            render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS}), status=503
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


@cache_control(max_age=86_400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says; send them to the static
    icon (hashed name, served with far-future caching). Not permanent: the hashed name
    changes when the icon does."""
    return HttpResponseRedirect(static("img/favicon.ico"))
