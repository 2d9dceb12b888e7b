"""Evaluation in the header navigation: open to everyone signed in (everyone may have a
ballot to cast or a result of their own to read)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from grassroots.accounts.navigation import NavEntry, register

register(NavEntry("evaluation:home", _("Evaluation"), order=55, phone_rank=70))
