"""The name django-axes counts sign-in failures under (AXES_USERNAME_CALLABLE).

A person can type their employee number (in any case or width) or their mobile number
(with spaces, with +86): counted as typed, five wrong passwords under each name would
each pause only that name, and a success under one name would clear only that one. So a
name that points at an account is counted under the account's employee number; a name
that points at nobody is counted as typed, so that guessing unknown names is still
paused.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from grassroots.accounts.selectors import user_by_login_name

# Axes asks several times per sign-in; one look-up per name and request is enough.
_RESOLVED_ATTRIBUTE = "_grassroots_lockout_names"


def lockout_name(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        typed = credentials.get(field)
    elif request is not None:
        typed = getattr(request, "data", request.POST).get(field)
    else:
        typed = None
    if not typed or not isinstance(typed, str):
        return typed
    resolved: dict[str, str] = {}
    if request is not None:
        resolved = getattr(request, _RESOLVED_ATTRIBUTE, None) or {}
        setattr(request, _RESOLVED_ATTRIBUTE, resolved)
    if typed not in resolved:
        user = user_by_login_name(typed)
        resolved[typed] = user.employee_number if user is not None else typed
    return resolved[typed]
