"""Learning in the header navigation: for anyone with a member record or an officer's
role (under "More" on a phone)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from grassroots.accounts.navigation import NavEntry, register
from grassroots.learning import policy

register(NavEntry("learning:mine", _("Learning"), order=48, shown=policy.may_open))
