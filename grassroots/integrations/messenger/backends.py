"""The authentication backend for a person the messenger vouched for.

Sign-in through a messenger calls `django.contrib.auth.authenticate` like the password
form does, so django-axes (listed first) refuses a locked-out account and records the
sign-in, and `login` rotates the session key: one path, one set of rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest


@dataclass(frozen=True)
class Vouched:
    """Made only by `services.messenger_sign_in` after the vendor confirmed the code."""

    user: Any
    config_id: int


class MessengerBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        vouched: Vouched | None = None,
        **kwargs: Any,
    ) -> Any:
        if not isinstance(vouched, Vouched) or password is not None:
            return None
        user = vouched.user
        if username != user.employee_number or not self.user_can_authenticate(user):
            return None
        return user
