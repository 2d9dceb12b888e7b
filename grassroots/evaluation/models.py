"""Evaluation's tables live beside the code that writes them, one module per part; Django
finds them here."""

from grassroots.evaluation.appraisal.models import *  # noqa: F403
from grassroots.evaluation.campaigns.models import *  # noqa: F403
from grassroots.evaluation.commendations.models import *  # noqa: F403
from grassroots.evaluation.schemes.models import *  # noqa: F403
from grassroots.evaluation.sixhaves.models import *  # noqa: F403
