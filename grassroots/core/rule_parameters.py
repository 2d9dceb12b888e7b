"""Rule parameters owned by core: the working hours of the work calendar."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from grassroots.core.parameters import define


def _check_hours(value: str) -> None:
    from grassroots.core.workcalendar import parse_hours

    try:
        parse_hours(value)
    except ValueError:
        raise ValidationError(_("Write working hours like 08:30-12:00,13:30-17:30.")) from None


WORKING_HOURS = define(
    "calendar.working_hours",
    "08:30-12:00,13:30-17:30",
    _("Working hours on a workday (RULES.md), e.g. 08:30-12:00,13:30-17:30"),
    kind=str,
    extra_check=_check_hours,
)
