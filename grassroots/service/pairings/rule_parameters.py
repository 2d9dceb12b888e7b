"""The pairing numbers an administrator can change."""

from django.utils.translation import gettext_lazy as _

from grassroots.core.parameters import define
from grassroots.service.pairings import rules

VISIT_DAYS = define(
    "service.pairing_visit_days",
    rules.DEFAULT_VISIT_DAYS,
    _(
        "Remind the member and the branch officers when a pairing has had no visit for this many days"
    ),
    minimum=7,
    maximum=366,
)
