"""The JSON API: one NinjaAPI with each app's router. The OpenAPI 3 schema is served at
/api/v1/openapi.json; docs/api.md describes it for people."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from grassroots.accounts.api import router as accounts_router
from grassroots.accounts.api_auth import SignedInSession
from grassroots.accounts.tokens import TokenAuth
from grassroots.appeals.api import router as appeals_router
from grassroots.openness.api import router as openness_router
from grassroots.orgs.api import router as orgs_router


class LocalTimeEncoder(NinjaJSONEncoder):
    """Every time in one form, the enterprise's local time with its offset
    ("2026-12-06T18:30:00+08:00"): a row read back from the database is in UTC and one
    just written may not be, and a client should not have to care which."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime) and timezone.is_aware(o):
            o = timezone.localtime(o)
        return super().default(o)


class LocalTimeRenderer(JSONRenderer):
    encoder_class = LocalTimeEncoder


api = NinjaAPI(
    title="Grassroots API",
    version="1",
    urls_namespace="api",
    renderer=LocalTimeRenderer(),
    auth=[TokenAuth(), SignedInSession()],
    # The schema is served; the interactive page is not (it needs inline styles).
    docs_url=None,
)
api.add_router("/", accounts_router)
api.add_router("/", orgs_router)
api.add_router("/", appeals_router)
api.add_router("/", openness_router)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found."}, status=404)
