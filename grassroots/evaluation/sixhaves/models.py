"""The six haves' one table: the place (功能实用的服务场所) as an officer stated it.

Every have is computed from the records; the place from the venues that serve the
branch (`resources`). Where no venue is recorded, an officer's statement with a written
note, once per branch and year, stands in — and counts only then.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["SixHavesPlace"]


class SixHavesPlace(models.Model):
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    has_place = models.BooleanField(_("has a service place that works"))
    note = models.TextField(_("note"), max_length=1000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("service place (six haves)")
        verbose_name_plural = _("service places (six haves)")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="sixhaves_place_once_a_year"),
            models.CheckConstraint(
                name="sixhaves_place_year", condition=Q(year__gte=2000, year__lte=2100)
            ),
            models.CheckConstraint(name="sixhaves_place_note", condition=~Q(note="")),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}"
