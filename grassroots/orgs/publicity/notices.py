"""The kind of notice public notices send, through `core.notices`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from grassroots.core.notices import define_kind

OBJECTION = define_kind("orgs.notice_objection", _("Objections to public notices I must answer"))
