"""The kinds of notice the product sends, with their defaults.

A kind says what a notice is about (shown in preferences), whether it goes by email
unless the person opts out, and whether it may go to an organisation's group chats.
Apps define their kinds here so that the preferences page lists every one of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    key: str
    label: str | Promise
    email: bool = True
    to_group: bool = False


KINDS: dict[str, Kind] = {}


def define_kind(
    key: str, label: str | Promise, *, email: bool = True, to_group: bool = False
) -> Kind:
    kind = Kind(key, label, email, to_group)
    KINDS[key] = kind
    return kind


REMINDER = define_kind("reminder", _("Reminders"), to_group=True)
POST_ASSIGNED = define_kind("orgs.post", _("Posts I have been given"))
TERM_ENDING = define_kind("orgs.term", _("Terms of office about to end"))
TRANSFER = define_kind("orgs.transfer", _("Members moving between branches"))
WEBHOOK_PAUSED = define_kind(
    "notifications.webhook_paused", _("Group-chat robots that stopped working")
)
