"""Who may do what in openness. Reading follows the notice's or consultation's audience
(`selectors.Reach`); publishing, consulting, moderating and answering belong to the
officers over the organisation (its own, or those above it) and to administrators."""

from __future__ import annotations

from typing import TYPE_CHECKING

from grassroots.accounts.scope import Scope
from grassroots.openness.selectors import Reach
from grassroots.openness.vocabulary import NoticeKind

if TYPE_CHECKING:
    from grassroots.openness.models import Consultation, Notice
    from grassroots.orgs.models import OrgUnit


def can_publish_for(scope: Scope, unit: OrgUnit) -> bool:
    """Publish notices and open consultations for `unit`."""
    return scope.is_admin or scope.oversees(unit.path)


def can_publish(scope: Scope) -> bool:
    """Whether the person publishes for any organisation (the 'publish' links)."""
    return scope.is_admin or scope.is_officer


def can_read_notice(reach: Reach, notice: Notice) -> bool:
    return reach.reaches(notice.audience, notice.unit_id, notice.unit.path)


def can_manage_notice(scope: Scope, notice: Notice) -> bool:
    """Edit a notice, see its read total."""
    return can_publish_for(scope, notice.unit)


def can_edit_notice(scope: Scope, notice: Notice) -> bool:
    """Correct a notice's title and text: not a 公示 (its text is what people could
    object to, and `orgs.publicity` keeps it as put up; a correction is a new notice) and
    not an adoption report (made from the answers when the consultation closed)."""
    return (
        can_manage_notice(scope, notice)
        and notice.publicity_days is None
        and notice.kind != NoticeKind.ADOPTION
    )


def can_see_consultation(reach: Reach, consultation: Consultation) -> bool:
    return reach.reaches(consultation.audience, consultation.unit_id, consultation.unit.path)


def can_comment(scope: Scope, reach: Reach, consultation: Consultation) -> bool:
    """Those asked comment, signed in (an anonymous comment is anonymous to everyone,
    not unknown to the product: one person, one voice, and no abuse from outside). The
    service checks that it is open."""
    return scope.is_authenticated and can_see_consultation(reach, consultation)


def can_handle_consultation(scope: Scope, consultation: Consultation) -> bool:
    """Read every comment at once, hide with a reason, answer, close, record the
    decision: the consulting organisation's officers (or those above it)."""
    return can_publish_for(scope, consultation.unit)
