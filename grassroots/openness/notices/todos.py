"""What waits on a person in openness's notices, for the home page (see core.todo)."""

from __future__ import annotations

import datetime
from typing import Any

from grassroots.accounts.scope import Scope
from grassroots.core.todo import Todo


def todos_for(scope: Scope, user: Any, *, today: datetime.date) -> list[Todo]:
    return []
