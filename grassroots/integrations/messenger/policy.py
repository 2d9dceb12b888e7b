"""Who may link their account to a messenger and be signed in by it.

A messenger vouches for whoever the enterprise's IT administrator says owns a messenger
account, and that administrator is not the Party organisation. So the platform's
administrator and staff are never signed in by a messenger, and people holding a Party
office only where the connection says so."""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, Exists, Value
from django.utils import timezone

from grassroots.accounts import selectors as accounts
from grassroots.integrations.messenger.models import MessengerConfig
from grassroots.orgs import selectors as orgs


def is_privileged(user: Any) -> bool:
    """The administrator and staff: never linked to a messenger or signed in by one."""
    return bool(user.is_superuser or user.is_staff)


def refusal(user: Any, config_id: int | None) -> str | None:
    """Why this person may not be linked to the connection `config_id` or be signed in
    by it now ("privileged", "office"), or None. One query.

    Holding an office is read so as not to miss one: any current role (each reaches
    more than the person's own records: a branch, committee or discipline officer's, a
    department liaison's) or any post still in force today, its last day included
    (`orgs.selectors.posts_giving_access`: the dues offices hold on that day, the roles
    do not). A connection that is gone (or None) lets no office holder in."""
    if is_privileged(user):
        return "privileged"
    today = timezone.localdate()
    allows = (
        Exists(MessengerConfig.objects.filter(pk=config_id, office_holders_sign_in=True))
        if config_id is not None
        else Value(False, output_field=BooleanField())
    )
    row = (
        accounts.users_by_ids([user.pk])
        .annotate(
            allows=allows,
            in_role=Exists(accounts.current_assignments(today).filter(user_id=user.pk)),
            in_post=Exists(orgs.posts_giving_access(user.pk, on=today)),
        )
        .values_list("allows", "in_role", "in_post")
        .first()
    )
    allowed, in_role, in_post = row if row is not None else (False, True, True)
    if (in_role or in_post) and not allowed:
        return "office"
    return None


def sign_in_refusal(user: Any, config: MessengerConfig) -> str | None:
    """`refusal` at every link and every sign-in, so a link made before someone took
    office stays but signs nobody in while they hold it. Sessions the messenger opened
    are checked again by `middleware.MessengerSessionMiddleware`."""
    return refusal(user, config.pk)
