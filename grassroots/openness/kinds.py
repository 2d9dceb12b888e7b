"""The kinds of notice (inbox, e-mail, robots) openness sends, through `core.notices`.
New notices are not sent to their audiences: a person sees what is new for them on
their home page (no forced reading)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from grassroots.core.notices import define_kind

COMMENT = define_kind("openness.comment", _("New comments on consultations I run"))
CATALOGUE = define_kind(
    "openness.catalogue", _("Items of the openness catalogue my organisation has not published")
)
