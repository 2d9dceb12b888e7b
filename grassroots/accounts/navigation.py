"""The header navigation: the links this person has a use for, and nothing else.

Each app registers its own entries when Django starts (its `navigation` module, imported
by its AppConfig), with a test that asks the app's own policy. This module only orders
the entries and marks the current one: it knows no app above the access layer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise

from grassroots.accounts.scope import Scope, scope_for

Shown = Callable[[Scope, Any], bool]


def always(scope: Scope, user: Any) -> bool:
    return True


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: str | Promise
    order: int  # entries are shown by ascending order, whichever app registered them
    shown: Shown = always
    # On a phone only the PHONE_DIRECT entries with the lowest rank stay in the bar; the
    # others go under "More". None: this entry is never among the first on a phone.
    phone_rank: int | None = None


_ENTRIES: dict[str, NavEntry] = {}
# Five entries and "More" fit a 320 px phone in two rows; more would push the page down.
PHONE_DIRECT = 5


def register(*entries: NavEntry) -> None:
    """Add entries (again at every start-up: the same url_name replaces the old entry)."""
    for entry in entries:
        _ENTRIES[entry.url_name] = entry


def registered() -> list[NavEntry]:
    return sorted(_ENTRIES.values(), key=lambda entry: (entry.order, entry.url_name))


def items_for(request: HttpRequest) -> list[dict[str, Any]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    scope = scope_for(user)
    entries = [entry for entry in registered() if entry.shown(scope, user)]
    on_phone = _direct_on_phone(entries)
    items = [(reverse(entry.url_name), str(entry.label), entry in on_phone) for entry in entries]
    # The current item is the one whose address is the longest prefix of this page's.
    path = request.path
    matches = [url for url, *_ in items if path == url or (url != "/" and path.startswith(url))]
    current = max(matches, key=len) if matches else None
    return [
        {"url": url, "label": label, "current": url == current, "on_phone": phone}
        for url, label, phone in items
    ]


def _direct_on_phone(entries: list[NavEntry]) -> list[NavEntry]:
    """The entries a phone shows in the bar itself: all of them when they fit, otherwise
    the PHONE_DIRECT best ranked (the rest wait under "More")."""
    if len(entries) <= PHONE_DIRECT:
        return entries
    ranked = sorted(
        entries,
        key=lambda entry: (entry.phone_rank is None, entry.phone_rank or 0, entry.order),
    )
    return ranked[:PHONE_DIRECT]


_LIGHT_ATTRIBUTE = "_grassroots_light_header"


def keep_header_light(request: HttpRequest) -> None:
    """Draw this answer's header without the navigation and the inbox count (the
    person's roles, membership and unread notices: three queries and about a third of
    the page's CPU). For a page that offers its own way on and that many people may
    ask for at the same instant (the voting page and a ballot's receipt)."""
    setattr(request, _LIGHT_ATTRIBUTE, True)


def header_is_light(request: HttpRequest) -> bool:
    return bool(getattr(request, _LIGHT_ATTRIBUTE, False))


ContextSource = Callable[[Any], dict[str, Any]]
_CONTEXT_SOURCES: dict[str, ContextSource] = {}


def register_context(name: str, source: ContextSource) -> None:
    """A value every signed-in page's header shows (the inbox's unread count)."""
    _CONTEXT_SOURCES[name] = source


def context_sources() -> list[ContextSource]:
    return list(_CONTEXT_SOURCES.values())
