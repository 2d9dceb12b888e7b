"""Signed-in test clients for view tests: one way to sign a fresh client in as a person
of the shared `world` fixture (None: an anonymous visitor)."""

from __future__ import annotations

from typing import Any

from django.test import Client

BACKEND = "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"


def person(world: Any, who: str | None) -> Any:
    """The user behind a name of the world (a member record gives its user)."""
    if who is None:
        return None
    value = getattr(world, who)
    return getattr(value, "user", value)


def client_as(user: Any) -> Client:
    """A new client, signed in as `user` (None: anonymous)."""
    client = Client()
    if user is not None:
        client.force_login(user, backend=BACKEND)
    return client
