"""The same-machine ceiling for bench/http_compare.py: one trivial Django view, no
middleware, no database, served by the same gunicorn settings as the products.

    .venv/bin/gunicorn --chdir bench ceiling_wsgi:application -b 127.0.0.1:8203
"""

from __future__ import annotations

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="ceiling-bench-only",  # noqa: S106 - a benchmark's throwaway key
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={},
)


def ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("", ok)]

application = get_wsgi_application()
