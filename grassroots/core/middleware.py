"""Refusing requests that carry a NUL character anywhere the application reads.

PostgreSQL cannot store or even compare a string with a NUL (0x00) in it: a lookup such
as `?department=%00`, a session cookie with a NUL in it or a JSON body with "\\u0000"
reached the database and answered 500. Django's form fields refuse NULs already; this
refuses them in the path, every query and form parameter, every cookie and every JSON
body, before any view or the session reads one, with a page that says what was wrong.

It runs before the session and the signed-in user are loaded (a cookie is read by the
session store's query), so the page is rendered without the request: no context
processor runs and nothing touches the database.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape

NUL = "\x00"


def _has_nul(values: Iterable[str]) -> bool:
    return any(NUL in value for value in values)


# A JSON escape of NUL, not itself escaped: \u0000 but not \\u0000 (a backslash
# followed by the text "u0000").
_ESCAPED_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)
API_PREFIX = "/api/"
API_REFUSAL = "The request contains a NUL character, which cannot be stored."
# Open311 clients read errors only in the specification's shape (a list of {code,
# description}, JSON or XML by the path's ending), never an HTML page.
OPEN311_PREFIX = "/open311/"
TOO_LARGE = "the body is too large"


def _body_has_nul(body: bytes) -> bool:
    return b"\x00" in body or _ESCAPED_NUL.search(body) is not None


class RefuseNullCharactersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            carries_nul = self._carries_nul(request)
        except RequestDataTooBig:
            if request.path.startswith(OPEN311_PREFIX):
                return open311_error(request.path, 413, TOO_LARGE)
            raise
        if carries_nul:
            return self._refusal(request)
        return self.get_response(request)

    @staticmethod
    def _carries_nul(request: HttpRequest) -> bool:
        if NUL in request.path:
            return True
        if _has_nul(request.COOKIES) or _has_nul(request.COOKIES.values()):
            return True
        if any(NUL in key or _has_nul(values) for key, values in request.GET.lists()):
            return True
        content_type = request.content_type or ""
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return False
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            if request.method == "POST":
                return any(NUL in key or _has_nul(values) for key, values in request.POST.lists())
            return False
        # Any other body (JSON whatever its declared type: the API parses it as JSON all
        # the same) is searched as bytes, never parsed here — a deeply nested body
        # cannot exhaust the parser before the view sees it.
        return _body_has_nul(request.body)

    @staticmethod
    def _refusal(request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            return JsonResponse({"detail": API_REFUSAL}, status=400)
        if request.path.startswith(OPEN311_PREFIX):
            return open311_error(request.path, 400, API_REFUSAL)
        # The person's language preference lives with their account, which is not loaded
        # yet; the language cookie (set for visitors too) is the best guess.
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        with translation.override(language):
            page = render_to_string(
                "400.html",
                {"site_name": settings.GRASSROOTS_SITE_NAME, "LANGUAGE_CODE": language},
            )
        return HttpResponseBadRequest(page)


def open311_error(path: str, status: int, description: str) -> HttpResponse:
    """An error as Open311 GeoReport v2 gives it, XML when the path ends in .xml
    (whatever its case), JSON otherwise. Here because it answers before any view runs."""
    if path.lower().endswith(".xml"):
        body = (
            '<?xml version="1.0" encoding="utf-8"?><errors><error>'
            f"<code>{status}</code><description>{escape(description)}</description>"
            "</error></errors>"
        )
        return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")
    return JsonResponse(
        [{"code": status, "description": description}],
        status=status,
        safe=False,
        json_dumps_params={"ensure_ascii": False},
    )
