"""Refusing requests that carry a NUL character in their parameters.

PostgreSQL cannot store or even compare a string with a NUL (0x00) in it: a lookup such
as `?department=%00` reached the database and answered 500. Django's form fields refuse
NULs already; this refuses them for every parameter, before any view reads one, with a
page that says what was wrong.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse


def _has_null(values: list[str]) -> bool:
    return any("\x00" in value for value in values)


class RefuseNullCharactersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._carries_null(request):
            response = TemplateResponse(request, "400.html", status=400)
            response.render()
            return response
        return self.get_response(request)

    @staticmethod
    def _carries_null(request: HttpRequest) -> bool:
        if "\x00" in request.path:
            return True
        if any("\x00" in key or _has_null(values) for key, values in request.GET.lists()):
            return True
        content_type = request.content_type or ""
        if request.method == "POST" and content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            return any("\x00" in key or _has_null(values) for key, values in request.POST.lists())
        return False
