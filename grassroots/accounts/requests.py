"""Request types for views that only run for signed-in people (for the type checker)."""

from __future__ import annotations

from django.http import HttpRequest

from grassroots.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """What @login_required guarantees: `user` is a real User."""

    user: User
