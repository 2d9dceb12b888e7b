"""The organisational-life numbers from RULES.md, changeable by administrators."""

from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from grassroots.core import periods
from grassroots.core.parameters import define
from grassroots.orglife import rules


def _check_frequency(value: str) -> None:
    if value not in (*periods.FREQUENCIES, ""):
        raise ValidationError(_("Write month, quarter or year (or leave empty: not required)."))


DEFAULT_FREQUENCIES = {
    rules.ASSEMBLY: periods.QUARTER,
    rules.COMMITTEE: periods.MONTH,
    rules.GROUP: periods.MONTH,
    rules.LECTURE: periods.QUARTER,
    rules.THEMED_DAY: periods.MONTH,
    rules.LIFE_MEETING: periods.YEAR,
    rules.APPRAISAL: periods.YEAR,
}
KIND_LABELS = {
    rules.ASSEMBLY: _("Branch member assembly (支部党员大会)"),
    rules.COMMITTEE: _("Branch committee meeting (支委会)"),
    rules.GROUP: _("Party group meeting (党小组会)"),
    rules.LECTURE: _("Party lecture (党课)"),
    rules.THEMED_DAY: _("Themed Party day (主题党日)"),
    rules.LIFE_MEETING: _("Organisational life meeting (组织生活会)"),
    rules.APPRAISAL: _("Democratic appraisal of members (民主评议党员)"),
}
FREQUENCY = {
    kind: define(
        f"orglife.frequency.{kind}",
        default,
        # Lazy, so the admin shows it in the reader's language.
        format_lazy(
            "{}: {}", _("How often it must be held (month, quarter or year)"), KIND_LABELS[kind]
        ),
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


# Member development (RULES.md): name in development.rules.Limits → (default, label, max)
LIMIT_PARAMETERS = {
    "min_age": (18, _("Youngest age at which a person may apply to join"), 30),
    "talk_within_days": (31, _("Days within which an applicant is talked to"), 180),
    "contacts_min": (1, _("Fewest cultivation contacts for an activist"), 5),
    "contacts_max": (2, _("Most cultivation contacts for an activist"), 5),
    "activist_years": (1, _("Years as an activist before becoming a candidate"), 5),
    "introducers": (2, _("Introducers a candidate needs"), 5),
    "training_days": (3, _("Days of intensive training for a candidate"), 30),
    "training_hours": (24, _("Or class hours of intensive training"), 200),
    "notice_working_days": (5, _("Working days a public notice lasts at least"), 30),
    "approval_months": (3, _("Months within which the higher committee approves"), 12),
    "probation_years": (1, _("Years of probation"), 3),
    "extension_max_months": (12, _("Longest extension of a probation, in months"), 24),
}
for _name, (_default, _label, _maximum) in LIMIT_PARAMETERS.items():
    define(f"development.{_name}", _default, _label, minimum=1, maximum=_maximum)
