from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from grassroots.accounts.models import User
from grassroots.accounts.selectors import user_by_login_name


class EmployeeNumberOrPhoneBackend(ModelBackend):
    """Sign in with an employee number or a mobile phone number, and a password."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        user = user_by_login_name(username)
        if user is None:
            # Spend the same time as a real check so that timing does not reveal
            # which employee numbers exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
