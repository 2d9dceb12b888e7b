"""What waits on a person in openness, for the home page (see core.todo): notices new
for them and catalogue items overdue (notices), consultations to comment on and
comments to answer (consultations). A fixed number of queries."""

from __future__ import annotations

import datetime
from typing import Any

from grassroots.accounts.scope import Scope
from grassroots.core.todo import Todo
from grassroots.openness.catalogue import todos as catalogue_todos
from grassroots.openness.consultations import todos as consultation_todos
from grassroots.openness.notices import todos as notice_todos


def todos_for(scope: Scope, user: Any, *, today: datetime.date) -> list[Todo]:
    if not scope.is_authenticated:
        return []
    return [
        *notice_todos.todos_for(scope, user, today=today),
        *consultation_todos.todos_for(scope, user, today=today),
        *catalogue_todos.todos_for(scope, today=today),
    ]
