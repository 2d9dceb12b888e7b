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

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils import translation

NUL = "\x00"


def _has_nul(values: Iterable[str]) -> bool:
    return any(NUL in value for value in values)


def _json_has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return _has_nul(value) or any(_json_has_nul(item) for item in value.values())
    if isinstance(value, list):
        return any(_json_has_nul(item) for item in value)
    return False


class RefuseNullCharactersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._carries_nul(request):
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
        if content_type == "application/json" or content_type.endswith("+json"):
            try:
                body = json.loads(request.body)
            except ValueError:
                return False  # not JSON: the endpoint says so itself
            return _json_has_nul(body)
        return False

    @staticmethod
    def _refusal(request: HttpRequest) -> HttpResponse:
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
