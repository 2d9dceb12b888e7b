"""Training hours: the numbers in RULES.md "Learning", for an administrator to change."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from grassroots.core.parameters import define
from grassroots.learning import rules


def _check_length(value: str) -> None:
    if not rules.is_session_length(value):
        raise ValidationError(_("Write “day”, “half” or a number of hours, e.g. 2."))


WHOLE_DAY = define(
    "learning.hours_whole_day",
    rules.DEFAULT_WHOLE_DAY_HOURS,
    _("Training hours for a whole day of study"),
    minimum=1,
    maximum=24,
)
HALF_DAY = define(
    "learning.hours_half_day",
    rules.DEFAULT_HALF_DAY_HOURS,
    _("Training hours for half a day of study"),
    minimum=1,
    maximum=12,
)
PER_HOUR = define(
    "learning.hours_per_hour",
    rules.DEFAULT_HOURS_PER_HOUR,
    _("Training hours for each hour of a shorter session"),
    minimum=1,
    maximum=4,
)
MEMBER_TARGET = define(
    "learning.target_member",
    rules.DEFAULT_MEMBER_TARGET,
    _("Training hours a Party member should reach each year"),
    minimum=0,
    maximum=500,
)
OFFICER_TARGET = define(
    "learning.target_officer",
    rules.DEFAULT_OFFICER_TARGET,
    _("Training hours a branch secretary or committee member should reach each year"),
    minimum=0,
    maximum=500,
)
# Meetings do not record how long they lasted: each study kind counts as this length.
LECTURE_LENGTH = define(
    "learning.length_lecture",
    "2",
    _("How long a Party lecture counts as (“day”, “half” or hours)"),
    kind=str,
    extra_check=_check_length,
)
THEMED_DAY_LENGTH = define(
    "learning.length_themed_day",
    rules.HALF_DAY,
    _("How long a themed Party day counts as (“day”, “half” or hours)"),
    kind=str,
    extra_check=_check_length,
)
CENTRE_STUDY_LENGTH = define(
    "learning.length_centre_study",
    rules.HALF_DAY,
    _("How long a centre-group study session counts as (“day”, “half” or hours)"),
    kind=str,
    extra_check=_check_length,
)
# Video and audio are uploaded as they are: the largest file an officer may upload.
MEDIA_MAX_MB = define(
    "learning.media_max_mb",
    100,
    _("Largest video or audio file a material may have, in MB"),
    minimum=1,
    maximum=2048,
)
