"""The thresholds of the six haves (六有), as rule parameters an administrator can change.

Defaults, and why:
- backbone: **50 %** of the branch's Party members hold a service post (示范岗, 责任区,
  流动服务岗) or a commitment the branch approved for the year — a backbone is more
  than the committee, and half the members serving visibly is what the field reports
  hold up;
- carriers: at least **1** service post and **4** activities held in the year (one a
  quarter), so that a branch serves in more than one form;
- systems: **90 %** of the 三会一课 periods that are over had their meetings held (a
  branch with a committee owes about fifty a year: a handful of gaps, not a pattern);
- results: response rate **90 %**, resolution rate **80 %**, satisfaction rate **85 %**
  (the appeals' rates, judged from 5 answers on), and **80 %** of the answers on the
  branch's practical deeds saying they were delivered (满意 or 基本满意).
"""

from django.utils.translation import gettext_lazy as _

from grassroots.core.parameters import define

BACKBONE_PERCENT = define(
    "evaluation.sixhaves_backbone_percent",
    50,
    _("Six haves, backbone: share (%) of members holding a service post or commitment"),
    minimum=1,
    maximum=100,
)
MIN_POSTS = define(
    "evaluation.sixhaves_min_posts",
    1,
    _("Six haves, carriers: service posts a branch has at least"),
    minimum=0,
    maximum=100,
)
MIN_ACTIVITIES = define(
    "evaluation.sixhaves_min_activities",
    4,
    _("Six haves, carriers: activities a branch holds in a year at least"),
    minimum=0,
    maximum=365,
)
COMPLIANCE_PERCENT = define(
    "evaluation.sixhaves_compliance_percent",
    90,
    _("Six haves, systems: share (%) of 三会一课 periods over with their meetings held"),
    minimum=1,
    maximum=100,
)
RESPONSE_PERCENT = define(
    "evaluation.sixhaves_response_percent",
    90,
    _("Six haves, results: appeals' response rate (%) at least"),
    minimum=1,
    maximum=100,
)
RESOLUTION_PERCENT = define(
    "evaluation.sixhaves_resolution_percent",
    80,
    _("Six haves, results: appeals' resolution rate (%) at least"),
    minimum=1,
    maximum=100,
)
SATISFACTION_PERCENT = define(
    "evaluation.sixhaves_satisfaction_percent",
    85,
    _("Six haves, results: appeals' satisfaction rate (%) at least"),
    minimum=1,
    maximum=100,
)
DELIVERED_PERCENT = define(
    "evaluation.sixhaves_delivered_percent",
    80,
    _("Six haves, results: share (%) of answers saying a practical deed was delivered"),
    minimum=1,
    maximum=100,
)
