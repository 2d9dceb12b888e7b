"""The annual statistics read a member's status on 31 December from the status
history: a member suspended and later restored is out of the years between, and the
year of the restoration has a "restored" row; records that lack their day are named."""

from __future__ import annotations

import datetime

import pytest

from grassroots.insights.statistics.tables import statistics_for_year
from grassroots.orgs import services
from grassroots.orgs.models import Member, OrgUnit
from grassroots.orgs.tests.factories import OrgUnitFactory

pytestmark = pytest.mark.django_db


def _suspend_and_restore(member, *, suspended_on, restored_on):
    services.member_update(
        actor=None,
        member=member,
        status=Member.Status.SUSPENDED,
        left_on=suspended_on,
    )
    services.member_update(
        actor=None, member=member, status=Member.Status.RESTORED, status_on=restored_on
    )


def test_a_member_restored_later_is_out_of_the_years_they_were_suspended(world):
    # given: five Party members in the committee; member_b suspended in March 2023
    # and restored in June 2025 (both recorded today)
    before = {year: statistics_for_year(world.committee, year) for year in (2022, 2023)}
    assert before[2022].party_members == before[2023].party_members == 5
    # when
    _suspend_and_restore(
        world.member_b,
        suspended_on=datetime.date(2023, 3, 1),
        restored_on=datetime.date(2025, 6, 1),
    )
    # then: out on 31 December 2023 and 2024, back in 2025
    years = {year: statistics_for_year(world.committee, year) for year in (2022, 2023, 2024, 2025)}
    assert [years[y].party_members for y in (2022, 2023, 2024, 2025)] == [5, 4, 4, 5]
    left_2023 = years[2023].table("changes")
    assert left_2023.count(Member.LeavingReason.SUSPENDED.value) == 1
    assert left_2023.count("restored") == 0
    changes_2025 = years[2025].table("changes")
    assert (changes_2025.count("start"), changes_2025.count("end")) == (4, 5)
    assert changes_2025.count("restored") == 1
    assert years[2024].table("changes").count("restored") == 0
    # and every year's balance agrees (start + … + restored − left = end)
    for year in years.values():
        assert year.failed_checks == [], [(c.label, c.expected, c.actual) for c in year.checks]


def test_the_restoration_counts_in_the_branch_the_member_was_in(world):
    # given / when
    _suspend_and_restore(
        world.member_b,
        suspended_on=datetime.date(2023, 3, 1),
        restored_on=datetime.date(2025, 6, 1),
    )
    # then: branch B's year, not branch A's
    assert statistics_for_year(world.branch_b, 2025).table("changes").count("restored") == 1
    assert statistics_for_year(world.branch_a, 2025).table("changes").count("restored") == 0


def test_a_record_without_its_leaving_day_is_named_by_the_cross_checks(world):
    # given: a record made inactive before leaving days were kept (no day, no history)
    Member.objects.filter(pk=world.member_b.pk).update(status=Member.Status.LEFT, left_on=None)
    # when
    statistics = statistics_for_year(world.committee, 2024)
    # then: one record to complete, and the check says so
    undated = statistics.checks[0]
    assert not undated.passed
    assert (undated.expected, undated.actual) == (0, 1)
    # (member records, organisations) without their day; the labels are in the
    # language in force, so read by place
    assert [count for _label, count in undated.figures] == [1, 0]
    # when: an officer fills in the day on the record
    services.member_update(actor=None, member=world.member_b, left_on=datetime.date(2024, 8, 1))
    # then: the check agrees, and 2024 counts the member as leaving that day
    statistics = statistics_for_year(world.committee, 2024)
    assert statistics.checks[0].passed
    assert statistics.party_members == 4
    assert statistics.table("changes").count("unknown") == 1  # no reason was recorded
    assert statistics_for_year(world.committee, 2023).party_members == 5
    assert statistics.failed_checks == []


def test_an_organisation_without_its_dissolution_day_is_named_by_the_cross_checks(world):
    # given: a branch made inactive with no dissolution day (an older record)
    branch = OrgUnitFactory(kind=OrgUnit.Kind.BRANCH, parent=world.committee, is_active=False)
    # when
    undated = statistics_for_year(world.committee, 2024).checks[0]
    # then
    assert (undated.expected, undated.actual) == (0, 1)
    assert [count for _label, count in undated.figures] == [0, 1]
    # when: the day is filled in
    services.orgunit_update(actor=None, unit=branch, dissolved_on=datetime.date(2025, 1, 15))
    # then
    statistics = statistics_for_year(world.committee, 2024)
    assert statistics.checks[0].passed
    assert statistics.table("units").count("branch") == 3  # it still existed in 2024
