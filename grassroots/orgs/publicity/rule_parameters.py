"""How long a public notice runs: a number an administrator can change."""

from django.utils.translation import gettext_lazy as _

from grassroots.core.parameters import define
from grassroots.orgs.publicity import rules

WORKING_DAYS = define(
    "orgs.public_notice_working_days",
    rules.DEFAULT_WORKING_DAYS,
    _("Public notice (公示): how many working days it runs"),
    minimum=1,
    maximum=rules.MAX_WORKING_DAYS,
)
