"""Tasks used by the worker tests; importable by a real worker process."""

from __future__ import annotations

import time
from pathlib import Path

from django.tasks import task

from grassroots.accounts.models import User
from grassroots.notifications import services


@task
def notify_once(user_id: int, key: str, marker: str = "", sleep: float = 0.0) -> None:
    """Record that it started (in a file), wait, then raise one notice to the user and
    the user's branch robots, and send what is due. Running it twice changes nothing."""
    if marker:
        with Path(marker).open("a") as file:
            file.write("start\n")
    time.sleep(sleep)
    user = User.objects.select_related("member__branch").get(pk=user_id)
    services.notify(
        recipients=[user], kind="reminder", title=key, event_key=key, org_unit=user.member.branch
    )
    services.deliveries_send_due()


@task
def fails_once_with_database_lost(marker: str) -> str:
    """The first run loses the database (as an outage would); the next one succeeds."""
    from django.db import OperationalError

    path = Path(marker)
    runs = path.read_text().count("start") if path.exists() else 0
    with path.open("a") as file:
        file.write("start\n")
    if runs == 0:
        raise OperationalError("server closed the connection unexpectedly")
    return "done"
