"""When a practical deed counts as poorly rated: numbers an administrator can change."""

from django.utils.translation import gettext_lazy as _

from grassroots.core.parameters import define
from grassroots.service.deeds import rules

MIN_RATINGS = define(
    "service.deed_poor_min_ratings",
    rules.DEFAULT_MIN_RATINGS,
    _("Flag a practical deed as poorly rated only once at least this many people rated it"),
    minimum=1,
    maximum=1000,
)
NO_SHARE_PERCENT = define(
    "service.deed_poor_no_percent",
    rules.DEFAULT_NO_SHARE_PERCENT,
    _("Flag a practical deed as poorly rated when at least this share (%) said “not delivered”"),
    minimum=1,
    maximum=100,
)
