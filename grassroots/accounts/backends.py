from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from grassroots.accounts.identity import (
    is_valid_mobile,
    normalise_employee_number,
    normalise_phone,
)
from grassroots.accounts.models import User


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
        condition = Q(employee_number=normalise_employee_number(username))
        phone = normalise_phone(username)
        if is_valid_mobile(phone):
            condition |= Q(phone=phone)
        user = User.objects.filter(condition).order_by("pk").first()
        if user is None:
            # Spend the same time as a real check so that timing does not reveal
            # which employee numbers exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
