"""Training hours come from the records: study meetings attended, completed courses,
training elsewhere. Never time online."""

import datetime
from decimal import Decimal

from grassroots.learning import selectors, services
from grassroots.learning.models import ExternalTraining
from grassroots.learning.tests.factories import held_meeting, make_course, make_material
from grassroots.orglife import rules as orglife_rules
from grassroots.orgs.tests.factories import MemberFactory

TODAY = datetime.date(2026, 6, 1)


def test_hours_from_study_meetings_attended(world):
    member = world.member_a
    branch = world.branch_a
    held_meeting(branch, [member], kind=orglife_rules.LECTURE, on=datetime.date(2026, 3, 1))
    held_meeting(branch, [member], kind=orglife_rules.THEMED_DAY, on=datetime.date(2026, 4, 1))
    # not counted: a group meeting, a lecture they missed, last year's lecture
    held_meeting(branch, [member], kind=orglife_rules.GROUP, on=datetime.date(2026, 4, 2))
    held_meeting(
        branch, [member], kind=orglife_rules.LECTURE, on=datetime.date(2026, 5, 1), status="absent"
    )
    held_meeting(branch, [member], kind=orglife_rules.LECTURE, on=datetime.date(2025, 5, 1))
    hours = selectors.hours_of(member, year=2026, today=TODAY)
    # a lecture counts 2 hours, a themed day half a day (4), by default
    assert hours.total == Decimal(6)
    assert [line.source for line in hours.lines] == ["meeting", "meeting"]
    assert hours.target == 32 and hours.below


def test_hours_from_courses_and_external_training(world):
    member = world.member_a
    material = make_material(world.branch_a)
    course = make_course(world.branch_a, [material], hours="8")
    services.study_mark(actor=member.user, member=member, material=material, today=TODAY)
    ExternalTraining.objects.create(
        member=member,
        title="党校培训",
        hours=Decimal(24),
        taken_on=TODAY,
        certificate="x.png",
        certificate_name="x.png",
        content_type="image/png",
    )
    hours = selectors.hours_of(member, year=2026, today=TODAY)
    assert hours.total == Decimal(32) and not hours.below
    assert {line.title for line in hours.lines} == {course.title, "党校培训"}
    assert selectors.hours_of(member, year=2027, today=TODAY).total == 0


def test_secretaries_have_the_higher_target(world):
    officer = world.officer_a.member
    assert selectors.hours_of(officer, year=2026, today=TODAY).target == 56


def test_hours_of_many_keep_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    members = [MemberFactory(branch=world.branch_a) for _ in range(5)]
    for member in members:
        held_meeting(
            world.branch_a, [member], kind=orglife_rules.LECTURE, on=datetime.date(2026, 3, 1)
        )
    selectors.hours_of_many([m.pk for m in members], year=2026, today=TODAY)
    with django_assert_max_num_queries(4):
        found = selectors.hours_of_many([m.pk for m in members], year=2026, today=TODAY)
    assert all(entry.total == 2 for entry in found.values())


def test_unit_progress_counts_below_target_and_lists_by_name(world):
    progress = selectors.unit_progress(world.branch_a, year=2026, today=TODAY)
    counts = {group.label: (group.people, group.below) for group in progress.groups}
    assert sum(people for people, _below in counts.values()) == progress.below_count
    names = [member.user.name for member, _hours in progress.below]
    assert names == sorted(names)


def test_a_meeting_held_as_several_study_kinds_counts_once_at_its_longest(world):
    member = world.member_a
    branch = world.branch_a
    assembly = held_meeting(
        branch, [member], kind=orglife_rules.ASSEMBLY, on=datetime.date(2026, 3, 1)
    )
    assembly.also_counts_as = [orglife_rules.LECTURE]  # a lecture given at the assembly
    assembly.save()
    themed = held_meeting(
        branch, [member], kind=orglife_rules.THEMED_DAY, on=datetime.date(2026, 4, 1)
    )
    themed.also_counts_as = [orglife_rules.LECTURE]
    themed.save()
    hours = selectors.hours_of(member, year=2026, today=TODAY)
    # the assembly earns the lecture's 2 hours; the themed day with a lecture is one
    # sitting of half a day (4), not 4 + 2
    assert [line.hours for line in hours.lines] == [Decimal(2), Decimal(4)]


def test_the_committee_s_centre_group_study_earns_hours(world):
    officer = world.committee_officer.member
    held_meeting(
        world.committee, [officer], kind=orglife_rules.CENTRE_STUDY, on=datetime.date(2026, 3, 1)
    )
    hours = selectors.hours_of(officer, year=2026, today=TODAY)
    assert hours.total == Decimal(4)  # half a day by default
    assert hours.target == 56
