"""Numbers for notifications, changeable by administrators."""

from django.utils.translation import gettext_lazy as _

from grassroots.core.parameters import define

WEBHOOK_PAUSE_AFTER = define(
    "notifications.webhook_pause_after",
    5,
    _("Pause a group-chat robot after this many failed sends in a row"),
    minimum=1,
    maximum=100,
)
MAX_ATTEMPTS = define(
    "notifications.max_attempts",
    6,
    _("Give up a delivery after this many attempts"),
    minimum=1,
    maximum=20,
)
DIGEST_HOUR = define(
    "notifications.digest_hour",
    8,
    _("Hour of the day at which daily digests are sent"),
    minimum=0,
    maximum=23,
)
