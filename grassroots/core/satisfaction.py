"""The one three-level satisfaction scale (满意 / 基本满意 / 不满意).

Employees answer it for appeals (the call-back), for members' commitments and for
practical deeds; evaluation reads the same values from all three. A page may ask the
question in its own words ("was it delivered?"), but what is stored is this scale.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    FAIRLY = "fairly", _("Fairly satisfied")
    NOT = "not", _("Not satisfied")
