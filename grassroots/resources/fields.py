"""Form fields other apps' forms use to pick a venue (public, as `orgs.fields` is): the
meeting and activity forms book their venue with it."""

from __future__ import annotations

from typing import Any

from django import forms


class VenueChoiceField(forms.ModelChoiceField):
    """A venue among a queryset from `resources.selectors` (`bookable_venues`,
    `managed_venues`), named with its unit."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.unit.name}）"
