"""Demo evaluation: commendations."""

from __future__ import annotations

import datetime


def build_commendations(*, today: datetime.date, seed: int) -> None:
    """Nothing yet."""
