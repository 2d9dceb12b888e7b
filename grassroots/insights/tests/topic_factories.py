"""Appeals and committees for the hot topics tests."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from grassroots.appeals.tests.factories import raise_appeal
from grassroots.insights.tests.topic_texts import labelled_texts
from grassroots.orgs.models import OrgPost, OrgUnit
from grassroots.orgs.services import orgpost_assign
from grassroots.orgs.tests.factories import MemberFactory, OrgUnitFactory

PHONE = "13812345678"


def month_appeals(
    world: Any,
    month: datetime.date,
    *,
    categories: tuple[str, ...],
    each: int = 6,
    anonymous_marker: str = "",
    says: dict[str, str] | None = None,
) -> None:
    """`each` appeals of each category in the month, half of them anonymous, every one
    naming its sender and a phone number in the text (for the de-identification); the
    anonymous ones also say `anonymous_marker`, if given, and those of a category of
    `says` what it gives for it."""
    rows = [(c, t) for c, t in labelled_texts(40, seed=month.month) if c in categories]
    taken: dict[str, int] = {}
    at = timezone.make_aware(datetime.datetime.combine(month, datetime.time(10)))
    for index, (category, text) in enumerate(rows):
        if taken.get(category, 0) >= each:
            continue
        taken[category] = taken.get(category, 0) + 1
        anonymous = index % 2 == 0
        raise_appeal(
            world,
            title=text[:30],
            description=f"{text}。我是{world.employee.name}，电话{PHONE}。"
            + (anonymous_marker if anonymous else "")
            + (says or {}).get(category, ""),
            anonymous=anonymous,
            submitter=None if anonymous else world.employee,
            at=at + datetime.timedelta(hours=index),
        )


def other_committee() -> tuple[OrgUnit, Any]:
    """A committee outside the world's, with its own officer."""
    committee = OrgUnitFactory(name="另一党委", code="Z", kind=OrgUnit.Kind.COMMITTEE)
    branch = OrgUnitFactory(name="另一支部", code="ZA", kind=OrgUnit.Kind.BRANCH, parent=committee)
    officer = MemberFactory(branch=branch)
    orgpost_assign(
        actor=None,
        unit=committee,
        member=officer,
        kind=OrgPost.Kind.SECRETARY,
        starts_on=datetime.date(2024, 1, 1),
    )
    return committee, officer.user
