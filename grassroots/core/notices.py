"""Telling people about something, from any layer: the kinds of notice and a port.

The inbox, e-mail and group-chat robots live in the `notifications` app, a domain app.
`orgs` sits below the domain apps yet must tell people of posts, terms and transfers,
so it sends through this port, and `notifications` plugs its `notify` in when Django
starts. The kinds are defined here so that every app can define its own and the
preferences page still lists them all.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise


@dataclass(frozen=True)
class Kind:
    """What a notice is about (shown in preferences), whether it goes by email unless
    the person opts out, and whether it may go to an organisation's group chats.

    `daily` offers each person the choice of one notice per event or one notice a day
    listing them (for kinds that come in numbers and are also listed elsewhere, such as
    deadline warnings): None offers no choice, True makes the daily notice the default,
    False makes one notice per event the default."""

    key: str
    label: str | Promise
    email: bool = True
    to_group: bool = False
    daily: bool | None = None


KINDS: dict[str, Kind] = {}


def define_kind(
    key: str,
    label: str | Promise,
    *,
    email: bool = True,
    to_group: bool = False,
    daily: bool | None = None,
) -> Kind:
    kind = Kind(key, label, email, to_group, daily)
    KINDS[key] = kind
    return kind


class Sender(Protocol):
    def __call__(
        self,
        *,
        recipients: Iterable[Any],
        kind: str,
        title: str,
        event_key: str,
        body: str = "",
        url: str = "",
        urgent: bool = False,
        org_unit: Any = None,
        now: datetime.datetime | None = None,
    ) -> int: ...


_senders: list[Sender] = []


def register_sender(sender: Sender) -> None:
    """Called once by `notifications` at start-up."""
    _senders[:] = [sender]


def send(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: str,
    event_key: str,
    body: str = "",
    url: str = "",
    urgent: bool = False,
    org_unit: Any = None,
    now: datetime.datetime | None = None,
) -> int:
    """Tell people about an event (see `notifications.services.notify`, which does it)."""
    if not _senders:
        raise ImproperlyConfigured("No sender of notices: is the notifications app installed?")
    return _senders[0](
        recipients=recipients,
        kind=kind,
        title=title,
        event_key=event_key,
        body=body,
        url=url,
        urgent=urgent,
        org_unit=org_unit,
        now=now,
    )
