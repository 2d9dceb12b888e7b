from __future__ import annotations

import datetime

import pytest

from grassroots.insights.structure import member_structure
from grassroots.orgs.models import Member
from grassroots.orgs.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
ON = datetime.date(2026, 5, 1)


def counts(structure, key):
    breakdown = next(b for b in structure.breakdowns if b.key == key)
    return {bucket.key: bucket.count for bucket in breakdown.buckets}


def test_structure_counts_party_members_by_cohort_age_education_and_gender(world):
    # given: the five world members are born 1975-06-15 (age 50), male, high school
    MemberFactory(
        branch=world.branch_b,
        birth_date=datetime.date(1996, 5, 1),
        education="bachelor",
        gender="f",
    )
    MemberFactory(
        branch=world.branch_b, birth_date=datetime.date(1996, 5, 2), education="college", gender="f"
    )
    MemberFactory(
        branch=world.branch_b, stage=Member.Stage.APPLICANT, birth_date=datetime.date(2000, 1, 1)
    )
    # when
    structure = member_structure(world.committee, on=ON)
    # then
    assert structure.party_members == 7
    assert counts(structure, "cohort")["1970"] == 5 and counts(structure, "cohort")["1990"] == 2
    ages = counts(structure, "age")
    assert ages["46_50"] == 5
    # born 1996-05-01 turns 30 that day and born 1996-05-02 is 29: both ≤30
    assert ages["le30"] == 2
    assert ages["31_35"] == 0 and ages["36_40"] == 0
    assert sum(ages.values()) == 7
    assert structure.college_or_above == 2 and structure.bachelor_or_above == 1
    assert counts(structure, "gender") == {"m": 5, "f": 2}
    assert counts(structure, "stage")["applicant"] == 1


def test_structure_of_a_branch_lists_its_groups(world):
    structure = member_structure(world.branch_a, on=ON)
    rows = {row.unit: row for row in structure.children}
    assert rows[world.group_a].party_members == 1


def test_structure_of_a_committee_lists_its_branches(world):
    structure = member_structure(world.committee, on=ON)
    rows = {row.unit: row.party_members for row in structure.children}
    assert rows == {world.branch_a: 3, world.branch_b: 2}


def test_members_without_birth_dates_show_as_not_recorded(world):
    Member.objects.filter(pk=world.member_b.pk).update(birth_date=None)
    structure = member_structure(world.committee, on=ON)
    assert counts(structure, "age")["unknown"] == 1


def test_organisations_below_show_the_young_the_educated_women_and_the_pipeline(world):
    # given: in branch B, a woman of 35 with a college diploma, a man of 36, an applicant
    MemberFactory(
        branch=world.branch_b,
        birth_date=datetime.date(1990, 5, 2),
        education="college",
        gender="f",
    )
    MemberFactory(branch=world.branch_b, birth_date=datetime.date(1990, 5, 1))
    MemberFactory(branch=world.branch_b, stage=Member.Stage.APPLICANT)
    # when
    structure = member_structure(world.committee, on=ON)
    # then
    row = next(row for row in structure.children if row.unit == world.branch_b)
    assert (row.party_members, row.young, row.college, row.women, row.pipeline) == (4, 1, 1, 1, 1)


def test_members_who_have_left_are_not_counted(world):
    Member.objects.filter(pk=world.member_b.pk).update(status=Member.Status.LEFT)
    structure = member_structure(world.committee, on=ON)
    assert structure.party_members == 4
    assert counts(structure, "stage")["full"] == 4


def test_whole_group_structure_is_a_fixed_number_of_queries(world, django_assert_num_queries):
    with django_assert_num_queries(3):
        member_structure(world.committee, on=ON)
    MemberFactory.create_batch(3, branch=world.branch_b)
    with django_assert_num_queries(3):
        member_structure(world.committee, on=ON)
