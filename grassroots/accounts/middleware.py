from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

_LAST_SEEN = "grassroots_last_seen"
_REFRESH_SECONDS = 60
DISPLAY_COOKIE = "grassroots_display"


class IdleTimeoutMiddleware:
    """Sign a person out after SESSION_IDLE_TIMEOUT without a request.

    The session (and its cookie) is refreshed at most once a minute, so an active person
    stays signed in without a database write on every request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.idle_seconds = settings.SESSION_IDLE_TIMEOUT.total_seconds()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(_LAST_SEEN)
            if last_seen is not None and now - last_seen > self.idle_seconds:
                logout(request)
                messages.info(request, _("You were signed out after a period without activity."))
                return redirect_to_login(request.get_full_path())
            if last_seen is None or now - last_seen > _REFRESH_SECONDS:
                request.session[_LAST_SEEN] = now
        return self.get_response(request)


def display_from_cookie(request: HttpRequest) -> tuple[str, bool, bool]:
    """(language, large text, high contrast) chosen by a visitor who is not signed in."""
    raw = request.COOKIES.get(DISPLAY_COOKIE, "")
    parts = set(raw.split("."))
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return language, "large" in parts, "contrast" in parts


class DisplayPreferencesMiddleware:
    """Language and display mode: the person's saved preference, else their cookie.

    Chinese is the default. The browser's Accept-Language is deliberately not consulted:
    the product is Chinese-first, and a phone set to English should not surprise a
    workshop with an English page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _label in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        cookie_language, large_text, high_contrast = display_from_cookie(request)
        if user.is_authenticated:
            language = user.language or cookie_language
            large_text = user.prefers_large_text
            high_contrast = user.prefers_high_contrast
        else:
            language = cookie_language
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        request.display = {"large_text": large_text, "high_contrast": high_contrast}  # type: ignore[attr-defined]
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response
