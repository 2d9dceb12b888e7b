"""Demo evaluation: sixhaves."""

from __future__ import annotations

import datetime


def build_sixhaves(*, today: datetime.date, seed: int) -> None:
    """Nothing yet."""
