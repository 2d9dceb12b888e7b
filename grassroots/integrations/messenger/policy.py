"""Who may link their account to a messenger and be signed in by it.

A messenger vouches for whoever the enterprise's IT administrator says owns a messenger
account, and that administrator is not the Party organisation. So the platform's
administrator and staff are never signed in by a messenger, and people holding a Party
office (any role reaching more than their own records) only where the connection
says so."""

from __future__ import annotations

from typing import Any

from grassroots.accounts.scope import scope_for
from grassroots.integrations.messenger.models import MessengerConfig


def is_privileged(user: Any) -> bool:
    """The administrator and staff: never linked to a messenger or signed in by one."""
    return bool(user.is_superuser or user.is_staff)


def sign_in_refusal(user: Any, config: MessengerConfig) -> str | None:
    """Why this person may not link an account to this connection or be signed in by
    it now ("privileged", "office"), or None. Read at every sign-in, so a link made
    before someone took office stays but signs nobody in while they hold it."""
    if is_privileged(user):
        return "privileged"
    if not config.office_holders_sign_in and scope_for(user).holds_office:
        return "office"
    return None
