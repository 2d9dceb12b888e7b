"""Demo evaluation: campaigns."""

from __future__ import annotations

import datetime


def build_campaigns(*, today: datetime.date, seed: int) -> None:
    """Nothing yet."""
