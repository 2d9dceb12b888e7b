"""`branch_leadership`: each branch's secretary, committee and term on a day, for a
whole subtree in a fixed number of queries (the six haves' leadership)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grassroots.core import parameters
from grassroots.orgs import selectors
from grassroots.orgs.models import OrgPost, OrgUnit
from grassroots.orgs.services import orgpost_assign, orgpost_end
from grassroots.orgs.tests.factories import MemberFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 6, 30)


def test_a_branch_with_a_secretary_and_few_members_needs_no_committee(world):
    # given branch A (secretary since 2024, three full members) with a term on record
    world.branch_a.term_ends_on = datetime.date(2026, 1, 1)
    world.branch_a.save(update_fields=["term_ends_on"])
    # when the committee's branches are read
    found = selectors.branch_leadership(world.committee, on=DAY)
    # then both branches are there, the committee and the group are not
    assert set(found) == {world.branch_a.pk, world.branch_b.pk}
    lead = found[world.branch_a.pk]
    assert lead.has_secretary and lead.committee_posts == 1
    assert lead.full_members == 3 and not lead.committee_required and lead.committee_complete
    assert lead.term_ends_on == datetime.date(2026, 1, 1)
    assert lead.committee_threshold == 7 and lead.committee_min_size == 3


def test_seven_full_members_require_a_committee_of_three(world):
    # given branch B grows to seven full members, with its secretary only
    for _ in range(5):
        MemberFactory(branch=world.branch_b)
    lead = selectors.branch_leadership(world.committee, on=DAY)[world.branch_b.pk]
    assert lead.full_members == 7 and lead.committee_required and not lead.committee_complete
    # when two more committee posts are filled
    for kind in (OrgPost.Kind.ORGANISATION, OrgPost.Kind.PROPAGANDA):
        orgpost_assign(
            actor=None,
            unit=world.branch_b,
            member=MemberFactory(branch=world.branch_b),
            kind=kind,
            starts_on=datetime.date(2025, 1, 1),
        )
    lead = selectors.branch_leadership(world.committee, on=DAY)[world.branch_b.pk]
    # then the committee is complete
    assert lead.committee_posts == 3 and lead.committee_complete


def test_posts_are_read_as_they_stood_on_the_day(world):
    # given branch B's secretary left the post at the end of March 2025
    post = OrgPost.objects.get(unit=world.branch_b, kind=OrgPost.Kind.SECRETARY)
    orgpost_end(actor=None, post=post, ends_on=datetime.date(2025, 3, 31))
    # then on a day before it the branch had a secretary, after it none
    before = selectors.branch_leadership(world.committee, on=datetime.date(2025, 3, 1))
    after = selectors.branch_leadership(world.committee, on=DAY)
    assert before[world.branch_b.pk].has_secretary
    assert not after[world.branch_b.pk].has_secretary


def test_the_number_of_queries_does_not_grow_with_the_branches(world):
    parameters.value("orgs.committee_min_size")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            selectors.branch_leadership(world.committee, on=DAY)
        return len(captured)

    few = queries()
    for n in range(5):
        branch = OrgUnitFactory(kind=OrgUnit.Kind.BRANCH, parent=world.committee, code=f"X{n}")
        MemberFactory(branch=branch)
    assert queries() == few == 3
