"""What waits on a person: the read contract every app answers for the home page.

Each domain app's selectors offer `todos_for(...)`, returning the kinds of thing that
wait on this person in that app, already counted, each with the one page where they are
acted on. The home page (`insights`) puts them together, most urgent first. An app
returns nothing it has no count for: the home lists only what needs someone now.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


class Urgency(enum.IntEnum):
    """Most urgent first: past a deadline, then near one, then simply waiting."""

    PAST_DUE = 0
    DUE_SOON = 1
    WAITING = 2


@dataclass(frozen=True)
class Todo:
    key: str  # stable name, e.g. "appeals.to_accept" (tests, element ids)
    text: str  # translated, with the count in it
    count: int
    url: str  # the list where these are acted on, filtered to just these
    urgency: Urgency = Urgency.WAITING

    @property
    def anchor(self) -> str:
        return "todo-" + self.key.replace(".", "-").replace("_", "-")


def todo(
    key: str,
    message: Any,
    count: int,
    url: str,
    urgency: Urgency = Urgency.WAITING,
    **params: Any,
) -> Todo:
    """A Todo whose text is `message` — an `ngettext_lazy(singular, plural, "count")`,
    so that the plural follows the count — with the count (and `params`) put in."""
    return Todo(key, str(message % {"count": count, **params}), count, url, urgency)


def counted(candidates: Iterable[Todo]) -> list[Todo]:
    """The candidates with something in them (a zero is not a to-do)."""
    return [todo for todo in candidates if todo.count > 0]


def in_order(todos: Iterable[Todo]) -> list[Todo]:
    """Most urgent first; within one urgency, the order the apps gave (a stable sort)."""
    return sorted(todos, key=lambda todo: todo.urgency)
