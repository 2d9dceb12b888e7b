"""Training hours as an indicator source: the share of a unit's Party members at or
above their training-hours target in the period's year, read through learning's
selectors, with a link to learning's page of the unit's hours."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grassroots.core.periods import Period
from grassroots.evaluation import sources
from grassroots.evaluation.schemes import services as schemes
from grassroots.evaluation.schemes.models import Assessment, Indicator
from grassroots.learning import services as learning
from grassroots.learning.tests.factories import held_meeting, make_course, make_material
from grassroots.orglife import rules as orglife_rules
from grassroots.orgs.models import OrgUnit
from grassroots.orgs.tests.factories import MemberFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db
KEY = "learning.hours_target"
TODAY = datetime.date(2026, 6, 1)
YEAR = Period.year(2026)


def _branch(world, code):
    return OrgUnitFactory(
        name=f"{code}支部", code=code, kind=OrgUnit.Kind.BRANCH, parent=world.committee
    )


def _studied(branch, member, *, course_hours: str) -> None:
    """A Party lecture attended (2 hours by default) and a course of `course_hours`
    completed, both this year."""
    held_meeting(branch, [member], kind=orglife_rules.LECTURE, on=datetime.date(2026, 3, 1))
    material = make_material(branch, title=f"材料{member.pk}")
    make_course(branch, [material], hours=course_hours, title=f"课程{member.pk}")
    learning.study_mark(actor=member.user, member=member, material=material, today=TODAY)


def test_the_figure_is_the_share_of_members_who_reached_their_target(world):
    # given a branch of two Party members: one with a lecture (2 h) and a course (30 h)
    # that reach the 32 hours, one with the lecture only
    branch = _branch(world, "C1")
    reached, short = MemberFactory(branch=branch), MemberFactory(branch=branch)
    _studied(branch, reached, course_hours="30")
    held_meeting(branch, [short], kind=orglife_rules.LECTURE, on=datetime.date(2026, 3, 2))
    # when the branch is measured for the year
    figure = sources.figure_of(KEY, branch, YEAR, today=TODAY)
    # then one of two reached it, and the counts say so
    assert figure.value == Decimal("50.0")
    assert figure.basis == {"party_members": 2, "at_target": 1, "below_target": 1}
    # and a course a year later does not count in this year
    assert sources.figure_of(KEY, branch, Period.year(2025), today=TODAY).value == Decimal("0.0")


def test_the_committee_counts_the_members_of_the_branches_below_it(world):
    # given branch C1's member at target; the world's five other Party members are not
    branch = _branch(world, "C1")
    _studied(branch, MemberFactory(branch=branch), course_hours="30")
    # when the committee is measured
    figure = sources.figure_of(KEY, world.committee, YEAR, today=TODAY)
    # then all six count, one reached
    assert figure.basis == {"party_members": 6, "at_target": 1, "below_target": 5}
    assert figure.value == Decimal("16.7")


def test_a_unit_without_party_members_cannot_be_judged(world):
    # given a branch with an applicant only (not yet a Party member)
    branch = _branch(world, "C1")
    MemberFactory(branch=branch, stage="applicant")
    # when it is measured, alone and in a batch
    single = sources.figure_of(KEY, branch, YEAR, today=TODAY)
    batched = sources.figures_for(KEY, [branch, world.branch_a], YEAR, today=TODAY)
    # then there is nothing to judge: no figure, not 0
    assert single.value is None and single.basis["party_members"] == 0
    assert batched[branch.pk] == single
    # and branch A's figure counts its own three members only, not branch B's
    assert batched[world.branch_a.pk] == sources.figure_of(KEY, world.branch_a, YEAR, today=TODAY)
    assert batched[world.branch_a.pk].basis["party_members"] == 3


def test_the_records_link_opens_learnings_page_of_the_unit_and_year(world):
    records = sources.records_of(KEY, world.branch_a, YEAR, today=TODAY)
    assert records.url == f"{reverse('learning:unit')}?unit={world.branch_a.pk}&year=2026"


def test_scoring_many_units_reads_a_fixed_number_of_queries(world):
    def queries(units) -> int:
        with CaptureQueriesContext(connection) as captured:
            found = sources.figures_for(KEY, units, YEAR, today=TODAY)
        assert set(found) == {unit.pk for unit in units}
        return len(captured)

    # given two branches, then eight more, each with Party members who studied
    few = [world.branch_a, world.branch_b]
    for unit in few:
        held_meeting(unit, list(unit.members.all()), kind="lecture", on=datetime.date(2026, 3, 1))
    queries(few)  # rule parameters read and cached
    two = queries(few)
    many = list(few)
    for n in range(8):
        branch = _branch(world, f"N{n}")
        members = [MemberFactory(branch=branch) for _ in range(3)]
        _studied(branch, members[0], course_hours="30")
        many.append(branch)
    # when all ten (and the committee above them) are measured
    # then it takes as many queries as two did
    assert queries([*many, world.committee]) == two


def test_the_breakdown_of_a_score_links_to_the_training_hours(world, client_for):
    # given a published scheme of the committee with the training-hours indicator,
    # scored and released
    actor = world.committee_officer
    scheme = schemes.scheme_create(actor=actor, unit=world.committee, year=2025, title="考核")
    dimension = schemes.dimension_add(actor=actor, scheme=scheme, name="学习教育")
    schemes.indicator_save(
        actor=actor,
        dimension=dimension,
        name="党员学时达标",
        points=Decimal(100),
        applies_to=["branch"],
        source=KEY,
        curve={"kind": "linear", "floor": 50, "target": 100},
    )
    scheme = schemes.scheme_publish(actor=actor, scheme=scheme)
    schemes.scheme_score(scheme=scheme, today=datetime.date(2026, 1, 10))
    schemes.results_publish(actor=actor, scheme=scheme, today=datetime.date(2026, 1, 12))
    assessment = Assessment.objects.get(scheme=scheme, unit=world.branch_a)
    indicator = Indicator.objects.get(dimension__scheme=scheme)
    url = reverse("evaluation:score", args=[assessment.pk, indicator.pk])
    # when branch A's officer opens its score
    response = client_for(world.officer_a).get(url)
    # then the counts and the link to the branch's hours of 2025 are shown
    page = response.content.decode()
    assert response.status_code == 200
    assert f"{reverse('learning:unit')}?unit={world.branch_a.pk}&amp;year=2025" in page
    assert str(sources.BASIS_LABELS["below_target"]) in page
    # and the officer following it reads the branch's hours of that year
    followed = client_for(world.officer_a).get(
        reverse("learning:unit"), {"unit": world.branch_a.pk, "year": 2025}
    )
    assert followed.status_code == 200 and followed.context["progress"].year == 2025
    # an officer of another branch and an anonymous visitor do not see the score
    assert client_for(world.officer_b).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302
