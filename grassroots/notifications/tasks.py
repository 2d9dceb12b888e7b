"""Background tasks for notifications. Each is idempotent: running it twice sends
nothing twice (deliveries are claimed and marked; dedupe keys are unique)."""

from __future__ import annotations

from django.tasks import task

from grassroots.accounts import selectors as accounts
from grassroots.notifications import services


@task
def send_due_deliveries() -> int:
    return services.deliveries_send_due()


@task
def deliver_notice(
    recipient_ids: list[int],
    kind: str,
    title: str,
    event_key: str,
    body: str = "",
    url: str = "",
    urgent: bool = False,
) -> int:
    """notify() from the background, for callers that should not wait for it."""
    return services.notify(
        recipients=accounts.users_by_ids(recipient_ids),
        kind=kind,
        title=title,
        body=body,
        url=url,
        event_key=event_key,
        urgent=urgent,
    )
