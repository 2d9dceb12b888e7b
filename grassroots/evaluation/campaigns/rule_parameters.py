"""When a campaign's result counts as low: numbers an administrator can change."""

from django.utils.translation import gettext_lazy as _

from grassroots.core.parameters import define
from grassroots.evaluation import rules

ITEM_LOW_PERCENT = define(
    "evaluation.campaign_item_low_percent",
    int(rules.ITEM_LOW_SHARE * 100),
    _("Flag a campaign's question as low when its mean is below this share (%) of the maximum"),
    minimum=1,
    maximum=100,
)
SUBJECT_LOW_PERCENT = define(
    "evaluation.campaign_subject_low_percent",
    int(rules.SUBJECT_LOW_SHARE * 100),
    _(
        "Flag an evaluated branch or member as low when the weighted score is below this share (%) of the maximum"
    ),
    minimum=1,
    maximum=100,
)
