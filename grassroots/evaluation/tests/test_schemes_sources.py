"""Sources as schemes use them: every source says how its records are reached, and a
batched variant gives the same figures as measuring unit by unit."""

from __future__ import annotations

import datetime
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.tests.clients import client_as
from grassroots.accounts.tests.factories import UserFactory
from grassroots.appeals import services as appeals
from grassroots.appeals.tests.factories import raise_appeal
from grassroots.core.periods import Period
from grassroots.core.satisfaction import Satisfaction
from grassroots.evaluation import sources
from grassroots.learning.models import ExternalTraining
from grassroots.orglife import rules as orglife_rules
from grassroots.orglife.models import DevelopmentRecord
from grassroots.orglife.tests.test_read_contract import held
from grassroots.orgs.models import Member
from grassroots.orgs.tests.factories import MemberFactory
from grassroots.service.models import Commitment, CommitmentRating, Pairing, Visit
from grassroots.service.tests.deeds_factories import backdate, done_deed, make_deed

pytestmark = pytest.mark.django_db
NEW_SOURCES = (
    "orglife.themed_days",
    "orglife.appraisal_meetings",
    "service.commitments_approved",
    "service.coverage",
)


def test_the_sources_the_issue_lists_are_registered():
    assert set(NEW_SOURCES) <= set(sources.SOURCES)


@pytest.mark.parametrize("key", sorted(sources.SOURCES))
def test_every_source_says_how_its_records_are_reached(world, key):
    today = timezone.localdate()
    records = sources.records_of(key, world.branch_a, Period.year(today.year), today=today)
    assert records.url or records.listed


@pytest.fixture
def records(world):
    """Records behind every batched source this year: in branch A meetings, a delivered
    deed with answers and an overdue one, handled and rated appeals and one never
    accepted, an overdue development step, a commitment with ratings, a pairing nobody
    visits, a member's training elsewhere up to their hours target; in branch B a
    commitment and a pairing visited lately. Returns today."""
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    when = timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time(14)))
    held(world, orglife_rules.THEMED_DAY, when=when)
    held(world, orglife_rules.APPRAISAL, when=when)
    backdate(done_deed(world, ratings=(4, 1, 0)), due_on=yesterday)
    backdate(make_deed(world), due_on=yesterday)
    # appeals: five handled and rated (one not satisfied), one never accepted
    at = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=20), datetime.time(10))
    )
    for satisfaction in [Satisfaction.SATISFIED] * 3 + [Satisfaction.FAIRLY, Satisfaction.NOT]:
        appeal = raise_appeal(world, at=at)
        appeals.appeal_accept(
            appeal=appeal, actor=world.officer_a, at=at + datetime.timedelta(hours=1)
        )
        appeals.appeal_answer(
            appeal=appeal,
            actor=world.officer_a,
            text="已处理。",
            at=at + datetime.timedelta(days=1),
        )
        appeals.appeal_rate(
            appeal=appeal,
            resolved=satisfaction != Satisfaction.NOT,
            satisfaction=satisfaction,
            rater=appeal.submitter,
            at=at + datetime.timedelta(days=2),
        )
    raise_appeal(world, at=at)  # never accepted: its deadline has passed
    # an applicant not talked with within the month after applying
    applicant = MemberFactory(
        branch=world.branch_a,
        stage=Member.Stage.APPLICANT,
        birth_date=datetime.date(2000, 5, 1),
        applied_on=today - datetime.timedelta(days=60),
        activist_on=None,
        candidate_on=None,
        admitted_on=None,
        full_on=None,
    )
    DevelopmentRecord.objects.create(member=applicant, step=1, done_on=applicant.applied_on)
    # commitments published this year, branch A's rated by six colleagues
    for unit, member in ((world.branch_a, world.member_a), (world.branch_b, world.member_b)):
        Commitment.objects.create(
            member=member.user,
            unit=unit,
            department=world.department_a,
            year=today.year,
            text="坚持每周巡查安全隐患。",
            services=["masses"],
            status=Commitment.Status.PUBLISHED,
            approved_by=world.officer_a,
            published_at=timezone.now(),
        )
    rated = Commitment.objects.get(unit=world.branch_a)
    for score in ["satisfied"] * 4 + ["fairly", "not_satisfied"]:
        CommitmentRating.objects.create(commitment=rated, user=UserFactory(), score=score)
    # pairings: branch A's never visited, branch B's visited last week
    for unit, member in ((world.branch_a, world.member_a), (world.branch_b, world.member_b)):
        pairing = Pairing.objects.create(
            unit=unit,
            member=member.user,
            employee=world.employee,
            reason=Pairing.Reason.ILLNESS,
            started_on=today - datetime.timedelta(days=200),
        )
    Visit.objects.create(pairing=pairing, date=today - datetime.timedelta(days=7))
    # training elsewhere: branch A's member reaches the 32 hours of a Party member
    ExternalTraining.objects.create(
        member=world.member_a,
        title="党校轮训",
        hours=Decimal(32),
        taken_on=yesterday if yesterday.year == today.year else today,
        certificate="x.png",
        certificate_name="x.png",
        content_type="image/png",
    )
    # written past learning's services: its hours tallies counted as the nightly job does
    from grassroots.learning.tallies import tallies_rebuild

    tallies_rebuild(today.year, today=today)
    # dues: branch A's member billed this month and paid today, within the month
    from grassroots.orgs.dues import services as dues

    dues.base_set(
        actor=None, member=world.member_a, kind="employee", amount=Decimal(4000), from_month=today
    )
    dues.bills_make(today)
    dues.payment_record(
        actor=None, member=world.member_a, months=[today], method="cash", paid_on=today
    )
    return today


@pytest.mark.parametrize("key", sorted(k for k, s in sources.SOURCES.items() if s.measure_many))
def test_a_batched_source_gives_what_unit_by_unit_gives(world, records, key):
    # given records behind every source this year (see `records`)
    today = records
    period = Period.year(today.year)
    units = [world.branch_a, world.branch_b, world.group_a, world.committee]
    # when the figures are read in one batch and one by one
    batched = sources.figures_for(key, units, period, today=today)
    single = {unit.pk: sources.figure_of(key, unit, period, today=today) for unit in units}
    # then the source has something to say (a figure other than nothing or 0)
    assert any(figure.value for figure in single.values()), single
    # and the two agree, value and basis, both ways
    for unit in units:
        assert batched[unit.pk] == single[unit.pk], (unit.name, batched[unit.pk], single[unit.pk])


def _link(key, world, today):
    """The records link of branch A's figure this year: its path and its parameters."""
    url = sources.records_of(key, world.branch_a, Period.year(today.year), today=today).url
    parts = urlsplit(url)
    return parts.path, dict(parse_qsl(parts.query, keep_blank_values=True))


@pytest.mark.parametrize(
    ("key", "name", "fixed"),
    [
        ("service.commitment_ratings", "service:commitments", {}),
        ("service.commitments_approved", "service:commitments", {}),
        ("service.deeds_delivered", "service:deeds", {"status": "done", "flagged": "poor"}),
        ("service.deeds_overdue", "service:deeds", {"status": "open", "flagged": "overdue"}),
    ],
)
def test_the_service_records_links_carry_the_unit_and_the_year(world, key, name, fixed):
    today = timezone.localdate()
    path, query = _link(key, world, today)
    assert path == reverse(name)
    assert query == fixed | {"unit": str(world.branch_a.pk), "year": str(today.year)}


def test_the_pairings_link_carries_the_unit_and_the_days_of_the_rule(world):
    today = timezone.localdate()
    path, query = _link("service.pairings_unvisited", world, today)
    assert path == reverse("service:pairings")
    assert query == {"unit": str(world.branch_a.pk), "unvisited": "90"}


def test_the_commitments_link_lists_the_branchs_commitments_of_the_year(world, records):
    # given commitments published this year in branch A and branch B (see `records`)
    today = records
    path, query = _link("service.commitments_approved", world, today)
    # when the committee officer over both follows branch A's link
    response = client_as(world.committee_officer).get(path, query)
    # then branch A's commitment, the one its figure counts, is all that is listed
    figure = sources.figure_of(
        "service.commitments_approved", world.branch_a, Period.year(today.year), today=today
    )
    listed = [c for c in response.context["overseen"] if c.status == "published"]
    assert [c.unit_id for c in listed] == [world.branch_a.pk]
    assert len(listed) == figure.value


def test_the_overdue_deeds_link_lists_the_deeds_the_figure_counts(world, records):
    # given an overdue deed of branch A this year (see `records`) and one of branch B
    today = records
    make_deed(world, actor=world.officer_b, unit=world.branch_b, owner=world.officer_b)
    backdate(
        make_deed(world, actor=world.officer_b, unit=world.branch_b, owner=world.officer_b),
        due_on=today - datetime.timedelta(days=1),
    )
    path, query = _link("service.deeds_overdue", world, today)
    # when the committee officer follows branch A's link
    response = client_as(world.committee_officer).get(path, query)
    # then the list holds as many deeds as the figure counts, all of branch A
    figure = sources.figure_of(
        "service.deeds_overdue", world.branch_a, Period.year(today.year), today=today
    )
    rows = response.context["rows"]
    assert figure.value == 1 and len(rows) == 1
    assert {deed.unit_id for deed in rows} == {world.branch_a.pk}


def test_the_unvisited_pairings_link_lists_the_rows_it_shows(world, records):
    # given branch A's pairing nobody visits and branch B's visited lately (see `records`)
    today = records
    period = Period.year(today.year)
    got = sources.records_of("service.pairings_unvisited", world.branch_a, period, today=today)
    path, query = _link("service.pairings_unvisited", world, today)
    # when the committee officer over both follows the link
    response = client_as(world.committee_officer).get(path, query)
    # then the list holds the pairings the breakdown lists, and the figure counts
    figure = sources.figure_of("service.pairings_unvisited", world.branch_a, period, today=today)
    listed = [
        reverse("service:pairing", args=[row.pairing.pk]) for row in response.context["overseen"]
    ]
    assert listed == [row.url for row in got.rows]
    assert len(listed) == figure.value == 1
