"""How the JSON API knows its caller when no token is sent: the session cookie."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import SessionAuth


class SignedInSession(SessionAuth):
    """django-ninja's session authentication, with the CSRF check kept for signed-in
    callers only.

    Ninja checks CSRF before it looks at the session, so a visitor who is not signed in
    was told 403 "CSRF check Failed" on every POST, where the API promises 401 (sign in
    first). A request without a signed-in session authenticates nobody, so a forged one
    can do nothing in anybody's name: there is nothing for the CSRF check to protect.
    """

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)
