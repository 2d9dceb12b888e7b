"""The organisational-life numbers from RULES.md, changeable by administrators."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from grassroots.core.parameters import define
from grassroots.orglife import rules


def _check_frequency(value: str) -> None:
    if value not in (*rules.FREQUENCIES, ""):
        raise ValidationError(_("Write month, quarter or year (or leave empty: not required)."))


DEFAULT_FREQUENCIES = {
    rules.ASSEMBLY: rules.QUARTER,
    rules.COMMITTEE: rules.MONTH,
    rules.GROUP: rules.MONTH,
    rules.LECTURE: rules.QUARTER,
    rules.THEMED_DAY: rules.MONTH,
    rules.LIFE_MEETING: rules.YEAR,
    rules.APPRAISAL: rules.YEAR,
}
FREQUENCY = {
    kind: define(
        f"orglife.frequency.{kind}",
        default,
        _("How often a unit must hold this kind of meeting (month, quarter, year): %(kind)s")
        % {"kind": kind},
        kind=str,
        extra_check=_check_frequency,
    )
    for kind, default in DEFAULT_FREQUENCIES.items()
}
DUE_SOON_DAYS = define(
    "orglife.due_soon_days",
    10,
    _("Remind branch officers this many days before a period ends without a required meeting"),
    minimum=1,
    maximum=90,
)
INACTIVE_MONTHS = define(
    "orglife.inactive_months",
    6,
    _("Flag members with no organisational life attended for this many months"),
    minimum=1,
    maximum=24,
)
