"""What the service carriers ask of a person across their parts: is this a Party member
in good standing (who makes commitments, is paired, joins members-only activities)?
Each part has its own policy beside it (activities, posts, commitments, pairings, deeds)."""

from __future__ import annotations

from typing import Any

from grassroots.orgs.vocabulary import MemberStage, MemberStatus


def is_party_member(user: Any) -> bool:
    member = getattr(user, "member", None)  # no member record: not a Party member
    return bool(
        member
        and member.stage in MemberStage.party_member_values()
        and member.status in MemberStatus.active_values()
    )
