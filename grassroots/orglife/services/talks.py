"""One-to-one talks (谈心谈话) held by the branch committee."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core.audit import audit_record
from grassroots.orglife import rules
from grassroots.orglife.models import Talk
from grassroots.orglife.selectors import expected_attendees
from grassroots.orgs.vocabulary import MemberStage, MemberStatus

if TYPE_CHECKING:
    from grassroots.accounts.models import User
    from grassroots.orgs.models import Member, OrgUnit


@transaction.atomic
def talk_record(
    *,
    actor: User,
    unit: OrgUnit,
    talker: Member,
    talkee: Member,
    held_on: datetime.date,
    notes: str = "",
) -> Talk:
    """Record a one-to-one talk held by a member of the branch committee. The audit entry
    keeps who and when, not what was said."""
    errors: dict[str, str] = {}
    committee = {
        member.pk for member, _votes in expected_attendees(unit, rules.COMMITTEE, on=held_on)
    }
    if talker.pk not in committee:
        errors["talker"] = _(
            "Talks are held by a member of the branch committee (or the secretary)."
        )
    if talkee.pk == talker.pk:
        errors["talkee"] = _("A talk is between two people.")
    elif (
        talkee.branch_id != unit.pk
        or talkee.stage not in MemberStage.party_member_values()
        or talkee.status not in MemberStatus.active_values()
    ):
        errors["talkee"] = _("Choose a Party member of this branch.")
    if held_on > timezone.localdate():
        errors["held_on"] = _("The date is in the future: record a talk once it is held.")
    if errors:
        raise ValidationError(errors)
    talk = Talk.objects.create(
        unit=unit,
        talker=talker,
        talkee=talkee,
        held_on=held_on,
        notes=notes.strip(),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="talk.record",
        target=talk,
        after={"talker": talker.pk, "talkee": talkee.pk, "held_on": held_on.isoformat()},
        org_path=unit.path,
    )
    return talk
