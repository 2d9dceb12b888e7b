"""Consultations (征求意见) in the header navigation: everyone signed in is asked in some
(the enterprise's), so the entry is always there; on a phone it waits under "More"."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from grassroots.accounts.navigation import NavEntry, register

register(NavEntry("openness:consultations", _("Consultations"), order=57))
