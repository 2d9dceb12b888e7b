"""A committee's counts below target come from the yearly tallies, which the services
keep in step with the records; they agree with the hours computed from the records."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from grassroots.core import parameters
from grassroots.core.services import parameter_set
from grassroots.learning import selectors, services, tallies
from grassroots.learning.models import HoursTally
from grassroots.learning.tests.factories import held_meeting, make_course, make_material
from grassroots.orglife import rules as orglife_rules
from grassroots.orglife import services as orglife_services
from grassroots.orglife.models import Attendance
from grassroots.orgs.tests.factories import MemberFactory

TODAY = timezone.localdate()


def counts(unit):
    progress = selectors.unit_progress(unit, year=TODAY.year, today=TODAY)
    return [(group.people, group.below) for group in progress.groups]


def exact_counts(unit):
    """The same counts, summed from the records person by person."""
    from grassroots.orgs import selectors as orgs

    members = orgs.party_members().filter(branch__path__startswith=unit.path)
    found = selectors.hours_of_many([m.pk for m in members], year=TODAY.year, today=TODAY)
    ordinary = [entry for entry in found.values() if not entry.holds_post]
    officers = [entry for entry in found.values() if entry.holds_post]
    return [
        (len(ordinary), sum(entry.below for entry in ordinary)),
        (len(officers), sum(entry.below for entry in officers)),
    ]


def test_a_meeting_held_through_the_services_moves_the_tallies(world):
    """Plan, take attendance, record as held: those present get the lecture's hours."""
    when = timezone.now() - datetime.timedelta(hours=3)
    meeting = orglife_services.meeting_plan(
        actor=world.officer_a,
        unit=world.branch_a,
        kind=orglife_rules.LECTURE,
        topic="党课",
        starts_at=when,
        place="活动室",
        lecturer="书记",
    )
    statuses = dict.fromkeys(
        meeting.attendances.values_list("member_id", flat=True), (Attendance.Status.PRESENT, "")
    )
    statuses[world.member_a.pk] = (Attendance.Status.ABSENT, "")
    orglife_services.attendance_record(actor=world.officer_a, meeting=meeting, statuses=statuses)
    assert not HoursTally.objects.exists()  # planned: nobody has studied yet
    orglife_services.meeting_hold(actor=world.officer_a, meeting=meeting, minutes="讲了党课")
    tallied = dict(HoursTally.objects.values_list("member_id", "hours"))
    assert world.member_a.pk not in tallied
    assert tallied[world.officer_a.member.pk] == Decimal(2)
    # marked present afterwards: the tally follows
    orglife_services.attendance_record(
        actor=world.officer_a,
        meeting=meeting,
        statuses={world.member_a.pk: (Attendance.Status.PRESENT, "")},
    )
    assert HoursTally.objects.get(member=world.member_a).hours == Decimal(2)
    assert counts(world.committee) == exact_counts(world.committee)


def test_courses_and_training_elsewhere_move_the_tallies(world):
    material = make_material(world.branch_a)
    make_course(world.branch_a, [material], hours="30")
    services.study_mark(actor=world.member_a.user, member=world.member_a, material=material)
    assert HoursTally.objects.get(member=world.member_a).hours == Decimal(30)
    from grassroots.learning.tests.factories import png_upload

    services.external_training_add(
        actor=world.member_a.user,
        member=world.member_a,
        title="党校",
        hours=Decimal(2),
        taken_on=TODAY,
        certificate=png_upload(),
    )
    assert HoursTally.objects.get(member=world.member_a).hours == Decimal(32)
    # member A reached 32; the other ordinary member (B) and the officers did not
    assert counts(world.committee) == [(2, 1), (3, 3)] == exact_counts(world.committee)


def test_counts_agree_with_the_records_for_many_people(world):
    members = [MemberFactory(branch=world.branch_b) for _ in range(12)]
    for index, member in enumerate(members):
        for month in range(1, 1 + index % 6):  # 0 to 5 themed days of 4 hours
            held_meeting(
                world.branch_b,
                [member],
                kind=orglife_rules.THEMED_DAY,
                on=datetime.date(TODAY.year, month, 3),
            )
    # written past the services (as bench data is): the nightly job counts them
    tallies.tallies_rebuild(TODAY.year, today=TODAY)
    assert counts(world.committee) == exact_counts(world.committee)
    assert counts(world.branch_b) == exact_counts(world.branch_b)
    # 0-5 themed days are 0-20 hours: every one of them is below 32
    assert counts(world.branch_b)[0] == (13, 13)


def test_other_hour_rules_fall_back_to_the_records(world):
    """An administrator halves a themed day's length: until the tallies are recounted,
    the counts come from the records and are still right."""
    for _ in range(8):  # 8 themed days: 32 hours at half a day each
        held_meeting(
            world.branch_b,
            [world.member_b],
            kind=orglife_rules.THEMED_DAY,
            on=datetime.date(TODAY.year, 1, 5),
        )
    tallies.tallies_rebuild(TODAY.year, today=TODAY)
    assert counts(world.branch_b)[0] == (1, 0)
    parameter_set(actor=None, key="learning.length_themed_day", value="2")
    parameters.forget_cached_values()  # done on commit; the test runs in one transaction
    assert counts(world.branch_b)[0] == (1, 1) == exact_counts(world.branch_b)[0]
    tallies.tallies_rebuild(TODAY.year, today=TODAY)
    assert not HoursTally.objects.exclude(rules=selectors.hour_rules().key).exists()
    assert counts(world.branch_b)[0] == (1, 1)


@pytest.mark.parametrize("extra", [3, 30])
def test_a_committee_s_counts_keep_a_fixed_number_of_queries(
    world, extra, django_assert_max_num_queries
):
    for _ in range(extra):
        MemberFactory(branch=world.branch_b)
    tallies.tallies_rebuild(TODAY.year, today=TODAY)
    selectors.hour_rules()
    with django_assert_max_num_queries(8):
        progress = selectors.unit_progress(world.committee, year=TODAY.year, today=TODAY)
    assert sum(group.people for group in progress.groups) == 5 + extra
    assert progress.below == []  # the committee has no members of its own: no names


def test_a_held_meeting_moved_across_the_new_year_is_taken_off_the_year_it_left(world):
    """An inquorate assembly that was also a lecture has no compliance rows; moved from
    the 30th of December to the 2nd of January, the old year's tally still drops it."""
    from grassroots.orglife.models import Meeting

    year = TODAY.year
    start = timezone.make_aware(datetime.datetime(year - 1, 12, 30, 9))
    meeting = held_meeting(
        world.branch_a, [world.member_a], kind=orglife_rules.ASSEMBLY, on=start.date()
    )
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=start, also_counts_as=[orglife_rules.LECTURE], is_quorate=False
    )
    tallies.tallies_refresh([world.member_a.pk], [year - 1, year])
    assert HoursTally.objects.get(member=world.member_a, year=year - 1).hours == Decimal(2)
    meeting.refresh_from_db()
    orglife_services.meeting_update(
        actor=world.officer_a,
        meeting=meeting,
        starts_at=timezone.make_aware(datetime.datetime(year, 1, 2, 9)),
    )
    assert not HoursTally.objects.filter(member=world.member_a, year=year - 1).exists()
    assert HoursTally.objects.get(member=world.member_a, year=year).hours == Decimal(2)


def test_a_party_group_s_page_counts_its_own_members(world):
    progress = selectors.unit_progress(world.group_a, year=TODAY.year, today=TODAY)
    assert sum(group.people for group in progress.groups) == 1  # member A
    assert progress.below_count == 1 and len(progress.below) == 1


def test_refreshing_twice_writes_one_row_in_place(world):
    material = make_material(world.branch_a)
    make_course(world.branch_a, [material], hours="3")
    services.study_mark(actor=world.member_a.user, member=world.member_a, material=material)
    first = HoursTally.objects.get(member=world.member_a)
    tallies.tallies_refresh([world.member_a.pk], [TODAY.year])
    again = HoursTally.objects.get(member=world.member_a)
    assert again.pk == first.pk and again.hours == Decimal(3)
