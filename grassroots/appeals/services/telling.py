"""Who is told what about an appeal, and the kinds of notice they can turn off.

Every notice goes through notifications.notify, which sends after commit: a step that
rolls back tells nobody."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.appeals import selectors
from grassroots.appeals.models import Appeal
from grassroots.notifications import kinds
from grassroots.notifications.services import Event, notify, notify_many

if TYPE_CHECKING:
    from grassroots.accounts.models import User
    from grassroots.notifications.selectors import EmailChoices

NEW_APPEAL = kinds.define_kind("appeals.new", gettext_lazy("New appeals for my organisation"))
APPEAL_UPDATE = kinds.define_kind("appeals.update", gettext_lazy("Progress on my appeals"))
# The 50 % / 80 % warnings: the handlers' to-do lists the same appeals, so by default
# they come as one notice a day.
APPEAL_WARNING = kinds.define_kind(
    "appeals.warning", gettext_lazy("Appeal deadlines drawing near"), daily=True
)
APPEAL_REOPENED = kinds.define_kind(
    "appeals.reopened", gettext_lazy("Appeals reopened after a not-satisfied rating")
)
APPEAL_ESCALATED = kinds.define_kind(
    "appeals.escalated", gettext_lazy("Appeals escalated to my organisation")
)
APPEAL_ASSIGNED = kinds.define_kind("appeals.assigned", gettext_lazy("Appeals assigned to me"))
CO_HANDLING = kinds.define_kind(
    "appeals.co_handling", gettext_lazy("Appeals my department is asked to help with")
)


def tell_submitter(
    appeal: Appeal, title: str, at: datetime.datetime, key: str, body: str = ""
) -> None:
    """Named submitters are told in their inbox; anonymous ones read their timeline."""
    if appeal.submitter_id is None:
        return
    notify(
        recipients=[appeal.submitter] if appeal.submitter else [],
        kind=APPEAL_UPDATE.key,
        title=title,
        body=body,
        url=reverse("appeals:mine_detail", args=[appeal.public_id]),
        event_key=f"appeal:{appeal.public_id}:{key}",
        now=at,
    )


def tell_handlers(
    appeal: Appeal,
    kind: str,
    title: str,
    at: datetime.datetime,
    key: str,
    people: Iterable[User] | None = None,
    not_before: datetime.datetime | None = None,
    urgent: bool = False,
) -> None:
    """The appeal's handlers (selectors.handlers_of), or the `people` given. An
    anonymous sender's step is told at `at`, its hour, with mails held until
    `not_before`, the end of it."""
    notify(
        recipients=list(people) if people is not None else selectors.handlers_of(appeal),
        kind=kind,
        title=title,
        url=reverse("appeals:handle_detail", args=[appeal.public_id]),
        event_key=f"appeal:{appeal.public_id}:{key}",
        now=at,
        not_before=not_before,
        urgent=urgent,
    )


def tell_new_appeal(
    appeal: Appeal,
    handlers: Iterable[User],
    at: datetime.datetime,
    not_before: datetime.datetime | None = None,
    email_choices: EmailChoices | None = None,
) -> None:
    """A new appeal: its handlers (selectors.handlers_of, read before the caller took
    the numbering lock) are told, and a named submitter that it was received — the same
    notices as tell_handlers and tell_submitter, written in one statement: the keys name
    the appeal's new public id, so no earlier notice can have them. `email_choices`,
    read before the lock too, spares notify_many its reads of them under it."""
    events = [
        Event(
            recipients=list(handlers),
            kind=NEW_APPEAL.key,
            title=_("New appeal %(number)s: %(title)s")
            % {"number": appeal.number, "title": appeal.title},
            event_key=f"appeal:{appeal.public_id}:new",
            url=reverse("appeals:handle_detail", args=[appeal.public_id]),
            not_before=not_before,
        )
    ]
    if appeal.submitter is not None:
        events.append(
            Event(
                recipients=[appeal.submitter],
                kind=APPEAL_UPDATE.key,
                title=_("Your appeal %(number)s has been received") % {"number": appeal.number},
                event_key=f"appeal:{appeal.public_id}:received",
                url=reverse("appeals:mine_detail", args=[appeal.public_id]),
            )
        )
    notify_many(events, now=at, new_keys=True, email_choices=email_choices)
