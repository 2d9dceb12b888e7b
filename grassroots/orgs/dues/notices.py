"""The kinds of notice about the dues, sent through `core.notices`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from grassroots.core.notices import define_kind

ARREARS = define_kind("orgs.dues_arrears", _("Party dues unpaid for months"))
