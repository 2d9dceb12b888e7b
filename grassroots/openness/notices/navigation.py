"""Openness (党务公开) in the header navigation: for everyone signed in. On a phone it
waits under "More": the entries already in the bar are used more often."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from grassroots.accounts.navigation import NavEntry, register

register(NavEntry("openness:notices", _("Openness"), order=57, phone_rank=80))
