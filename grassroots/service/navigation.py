"""The service hub in the header navigation: open to everyone signed in."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from grassroots.accounts.navigation import NavEntry, register

register(NavEntry("service:home", _("Service"), order=50))
