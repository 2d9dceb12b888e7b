"""The appeal numbers from RULES.md (接诉即办), changeable by administrators."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from grassroots.core.parameters import define


def _check_shares(value: str) -> None:
    from grassroots.appeals.rules import warning_shares

    try:
        warning_shares(value)
    except ValueError:
        raise ValidationError(_("Write percentages like 50,80,100.")) from None


WARNINGS = define(
    "appeals.warning_percentages",
    "50,80,100",
    _("Warn handlers when this share of the time allowed is used (100 escalates)"),
    kind=str,
    extra_check=_check_shares,
)
CALLBACK_DAYS = define(
    "appeals.callback_days",
    7,
    _("Close an answered appeal unrated after this many days"),
    minimum=1,
    maximum=60,
)
WEIGHT_RESPONSE = define(
    "appeals.weight_response",
    0.1,
    _("Weight of the response rate in the composite"),
    kind=float,
    minimum=0,
    maximum=1,
)
WEIGHT_RESOLUTION = define(
    "appeals.weight_resolution",
    0.5,
    _("Weight of the resolution rate in the composite"),
    kind=float,
    minimum=0,
    maximum=1,
)
WEIGHT_SATISFACTION = define(
    "appeals.weight_satisfaction",
    0.4,
    _("Weight of the satisfaction rate in the composite"),
    kind=float,
    minimum=0,
    maximum=1,
)
MIN_ANSWERS = define(
    "appeals.min_answers",
    5,
    _("Below this many answers a rate is shown as too few to judge"),
    minimum=1,
    maximum=100,
)
MAX_REOPEN = define(
    "appeals.max_reopen",
    1,
    _("How often a not-satisfied rating reopens an appeal"),
    minimum=0,
    maximum=3,
)
MAX_ATTACHMENTS = define(
    "appeals.max_attachments", 5, _("Most files with one appeal or step"), minimum=0, maximum=20
)
MAX_ATTACHMENT_MB = define(
    "appeals.max_attachment_mb", 5, _("Largest file, in MB"), minimum=1, maximum=50
)
ANONYMOUS_PER_HOUR = define(
    "appeals.anonymous_per_hour",
    5,
    _("Anonymous appeals one device may send per hour"),
    minimum=1,
    maximum=1000,
)
# Wrong tries are counted per tracking code and for the whole site, never per address:
# a factory's workers share one address, and a new address must not buy more guesses.
CODE_TRIES_PER_HOUR = define(
    "appeals.code_tries_per_hour",
    10,
    _("Wrong PIN tries allowed per tracking code per hour"),
    minimum=1,
    maximum=1000,
)
CODE_TRIES_ALL_PER_MINUTE = define(
    "appeals.code_tries_all_per_minute",
    100,
    _("Wrong tracking code or PIN tries allowed per minute on the whole site"),
    minimum=1,
    maximum=100_000,
)
SIMILAR_MONTHS = define(
    "appeals.similar_months",
    6,
    _("Look this many months back for similar open appeals"),
    minimum=1,
    maximum=36,
)
