"""Building blocks for the campaign tests: a campaign over branch A of the shared
`world`, with people in every evaluator group."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory
from grassroots.core import workcalendar
from grassroots.evaluation.campaigns import rules, services
from grassroots.evaluation.campaigns.models import Campaign, Elector
from grassroots.orgs.models import Member
from grassroots.orgs.tests.factories import MemberFactory


def workday(start: datetime.date, step: int) -> datetime.date:
    """The nearest working day from `start` (itself included) going by `step` days."""
    day = start
    while not workcalendar.is_workday(day):
        day += datetime.timedelta(days=step)
    return day


@dataclass
class People:
    employees: list[Any]
    full: list[Any]
    probationary: list[Any]
    activists: list[Any]

    def all(self) -> list[Any]:
        return [*self.employees, *self.full, *self.probationary, *self.activists]


def people(world: Any, *, per_group: int = 5) -> People:
    """`per_group` more people in each group of branch A (the world has already two
    full members and an employee there, and a committee officer in branch A)."""
    department = world.department_a
    return People(
        employees=[UserFactory(department=department) for _ in range(per_group)],
        full=[
            MemberFactory(branch=world.branch_a, user__department=department).user
            for _ in range(per_group)
        ],
        probationary=[
            MemberFactory(
                branch=world.branch_a, stage=Member.Stage.PROBATIONARY, user__department=department
            ).user
            for _ in range(per_group)
        ],
        activists=[
            MemberFactory(
                branch=world.branch_a, stage=Member.Stage.ACTIVIST, user__department=department
            ).user
            for _ in range(per_group)
        ],
    )


def draft(**extra: Any) -> services.Draft:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "title": "2026年支部满意度测评",
        "subject_kind": Campaign.SubjectKind.BRANCHES,
        "scale": Campaign.Scale.FIVE,
        "opens_on": workday(today, -1),
        "closes_on": workday(today + datetime.timedelta(days=1), 1),
        "period_first": datetime.date(today.year, 1, 1),
        "period_last": today,
        "items": ["服务群众", "解决问题"],
        "weights": {g: Decimal(w) for g, w in rules.default_weights().items()},
    }
    return services.Draft(**(values | extra))


def campaign(world: Any, *, units: Any = None, **extra: Any) -> Campaign:
    return services.campaign_create(
        actor=world.committee_officer,
        organiser=world.committee,
        draft=draft(**extra),
        units=units if units is not None else [world.branch_a],
    )


def opened(world: Any, **extra: Any) -> Campaign:
    made = campaign(world, **extra)
    services.campaign_open(actor=world.committee_officer, campaign=made, today=timezone.localdate())
    made.refresh_from_db()
    return made


def answers(made: Campaign, score: int = 4) -> dict[tuple[int, int], int]:
    return {
        (subject.pk, item.pk): score for subject in made.subjects.all() for item in made.items.all()
    }


def vote(
    made: Campaign,
    user: Any,
    score: int = 4,
    comment: str = "",
    *,
    at_hand: bool = False,
    row: Elector | None = None,
    today: datetime.date | None = None,
) -> str:
    """Cast `user`'s ballot through the service (on `today`, by default the real one).
    `at_hand`: with the person's row of the roll read first, as the voting page passes
    it (on PostgreSQL the vote is then one statement); `row`: that row as given."""
    remarks = {subject.pk: comment for subject in made.subjects.all()} if comment else {}
    if at_hand:
        row = Elector.objects.filter(campaign=made, user=user).first()
    return services.ballot_cast(
        user=user,
        campaign=made,
        answers=answers(made, score),
        remarks=remarks,
        today=today or timezone.localdate(),
        elector=row,
    )
