"""The kinds of notice about organisations, sent through `core.notices`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from grassroots.core.notices import define_kind

POST_ASSIGNED = define_kind("orgs.post", _("Posts I have been given"))
TERM_ENDING = define_kind("orgs.term", _("Terms of office about to end"))
TRANSFER = define_kind("orgs.transfer", _("Members moving between branches"))
