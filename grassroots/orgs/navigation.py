"""The organisations' entries in the header navigation."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from grassroots.accounts.navigation import NavEntry, register
from grassroots.orgs import policy
from grassroots.orgs.dues import policy as dues_policy

register(
    NavEntry("orgs:tree", _("Party organisations"), order=60),
    NavEntry(
        "orgs:member_list",
        _("Members"),
        order=70,
        shown=policy.may_open_member_list,
        phone_rank=40,
    ),
    NavEntry("orgs:transfer_list", _("Transfers"), order=90, shown=policy.may_open_transfers),
    NavEntry("orgs:department_tree", _("Departments"), order=100),
    NavEntry("orgs:import", _("Import"), order=110, shown=policy.may_open_import),
)
register(NavEntry("orgs:dues_mine", _("Dues"), order=75, shown=dues_policy.may_open_dues))
