"""Every write of the notifications app: notices (`notify`, what other apps call),
deliveries, group-chat robots, preferences and reminders. Import from here."""

from grassroots.notifications.services.daily import daily_notices_send
from grassroots.notifications.services.deliveries import (
    STALE_SENDING,
    deliveries_send_due,
    delivery_retry,
    digests_send,
)
from grassroots.notifications.services.inbox import (
    Event,
    notification_mark_read,
    notify,
    notify_many,
)
from grassroots.notifications.services.preferences import preferences_update
from grassroots.notifications.services.reminders import (
    REMINDER_DEADLINE,
    reminder_cancel,
    reminder_create,
)
from grassroots.notifications.services.webhooks import (
    webhook_check_url,
    webhook_create,
    webhook_delete,
    webhook_pause,
    webhook_resume,
    webhook_test,
)

__all__ = [
    "REMINDER_DEADLINE",
    "STALE_SENDING",
    "Event",
    "daily_notices_send",
    "deliveries_send_due",
    "delivery_retry",
    "digests_send",
    "notification_mark_read",
    "notify",
    "notify_many",
    "preferences_update",
    "reminder_cancel",
    "reminder_create",
    "webhook_check_url",
    "webhook_create",
    "webhook_delete",
    "webhook_pause",
    "webhook_resume",
    "webhook_test",
]
