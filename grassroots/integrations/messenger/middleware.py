"""Ends a session the messenger opened once its person may no longer be signed in by
it: they took a Party office, or the connection stopped signing office holders in, or
they became staff. `policy.refusal` is asked again at most once a minute (one query);
a session opened with a password costs nothing here (a look in the loaded session)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy

from grassroots.integrations.messenger import policy
from grassroots.integrations.messenger.services import OPENED_KEY

RECHECK_SECONDS = 60
_BACKEND = "grassroots.integrations.messenger.backends.MessengerBackend"

_SIGNED_OUT = {
    "office": gettext_lazy(
        "You were signed out: you hold a Party office, and this messenger connection does "
        "not keep office holders signed in (its accounts are managed by the enterprise's "
        "IT, not the Party organisation). Sign in with your password."
    ),
    "privileged": gettext_lazy(
        "You were signed out: the administrator and staff cannot be signed in through a "
        "messenger. Sign in with your password."
    ),
}


class MessengerSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if session.get(BACKEND_SESSION_KEY) == _BACKEND and request.user.is_authenticated:
            opened = session.get(OPENED_KEY)
            # a session opened before this check existed has no connection: it is
            # checked as one that signs no office holder in
            stored = opened if isinstance(opened, dict) else {}
            now = time.time()
            if now - float(stored.get("checked", 0)) >= RECHECK_SECONDS:
                reason = policy.refusal(request.user, stored.get("config"))
                if reason is not None:
                    logout(request)
                    messages.warning(request, str(_SIGNED_OUT[reason]))
                    return redirect_to_login(request.get_full_path())
                session[OPENED_KEY] = {**stored, "checked": now}
        return self.get_response(request)
