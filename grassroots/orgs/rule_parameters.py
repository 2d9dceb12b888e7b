"""The organisation numbers from RULES.md (《中国共产党支部工作条例（试行）》), as parameters."""

from django.utils.translation import gettext_lazy as _

from grassroots.core.parameters import define

BRANCH_MIN_FULL_MEMBERS = define(
    "orgs.branch_min_full_members",
    3,
    _("A branch needs at least this many full members"),
    minimum=1,
    maximum=50,
)
JOINT_BRANCH_MAX_UNITS = define(
    "orgs.joint_branch_max_units",
    5,
    _("A joint branch covers at most this many departments"),
    minimum=1,
    maximum=50,
)
COMMITTEE_THRESHOLD = define(
    "orgs.committee_threshold_full_members",
    7,
    _("A branch with at least this many full members elects a committee"),
    minimum=1,
    maximum=100,
)
COMMITTEE_MIN_SIZE = define(
    "orgs.committee_min_size",
    3,
    _("Smallest number of committee posts that makes an elected committee"),
    minimum=1,
    maximum=15,
)
BRANCH_MAX_MEMBERS = define(
    "orgs.branch_max_members",
    50,
    _("A branch should generally not have more members than this"),
    minimum=1,
    maximum=1000,
)
TERM_YEARS = define(
    "orgs.term_years", 3, _("Term of a branch committee, in years"), minimum=1, maximum=5
)
TERM_REMINDER_DAYS = define(
    "orgs.term_reminder_days",
    90,
    _("Remind this many days before a term expires"),
    minimum=1,
    maximum=365,
)
