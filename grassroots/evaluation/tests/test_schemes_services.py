"""Indicator schemes: defining, publishing, scoring, judging and objections."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from grassroots.core.models import AuditEntry
from grassroots.evaluation.schemes import services
from grassroots.evaluation.schemes.models import (
    Assessment,
    Indicator,
    IndicatorScheme,
    IndicatorScore,
    Objection,
    ScoringRun,
)
from grassroots.evaluation.tests.schemes_factories import make_scheme, scored

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 6)
MONDAY = datetime.date(2026, 3, 2)  # an ordinary working week follows


def test_publishing_refuses_points_that_do_not_total_100_and_changes_nothing(world):
    # given a draft whose indicators add up to 80
    scheme = make_scheme(world, publish=False)
    Indicator.objects.filter(name="服务场所").delete()
    # when it is published
    with pytest.raises(ValidationError) as refused:
        services.scheme_publish(actor=world.committee_officer, scheme=scheme)
    # then the message says what is missing, on the points, and it stays a draft
    assert "20" in refused.value.message_dict["points"][0]
    scheme.refresh_from_db()
    assert scheme.status == IndicatorScheme.Status.DRAFT and scheme.published_at is None


def test_a_curve_whose_floor_is_above_its_target_is_refused_on_the_floor(world):
    scheme = make_scheme(world, publish=False)
    dimension = scheme.dimensions.first()
    with pytest.raises(ValidationError) as refused:
        services.indicator_save(
            actor=world.committee_officer,
            dimension=dimension,
            name="x",
            points=Decimal(5),
            applies_to=["branch"],
            source="orglife.compliance",
            curve={"kind": "linear", "floor": 95, "target": 60},
        )
    assert "floor" in refused.value.message_dict
    assert Indicator.objects.filter(name="x").count() == 0


@pytest.mark.parametrize(
    ("source", "curve", "field"),
    [
        # more themed days is better: a higher threshold earning fewer points
        ("orglife.themed_days", {"kind": "steps", "thresholds": [[6, 5], [12, 2]]}, "thresholds"),
        # more is better, but the steps are reached from above
        (
            "orglife.themed_days",
            {"kind": "steps", "thresholds": [[6, 5]], "descending": True},
            "descending",
        ),
        # fewer overdue deeds is better, but the steps count up
        ("service.deeds_overdue", {"kind": "steps", "thresholds": [[1, 5], [3, 2]]}, "descending"),
        # fewer is better: the lower threshold must earn at least as much as the higher
        (
            "service.deeds_overdue",
            {"kind": "steps", "thresholds": [[0, 2], [3, 5]], "descending": True},
            "thresholds",
        ),
    ],
)
def test_steps_whose_points_fall_as_the_figure_improves_are_refused(world, source, curve, field):
    scheme = make_scheme(world, publish=False)
    with pytest.raises(ValidationError) as refused:
        services.indicator_save(
            actor=world.committee_officer,
            dimension=scheme.dimensions.first(),
            name="x",
            points=Decimal(5),
            applies_to=["branch"],
            source=source,
            curve=curve,
        )
    assert list(refused.value.message_dict) == [field]
    assert not Indicator.objects.filter(name="x").exists()


@pytest.mark.parametrize(
    ("source", "curve"),
    [
        ("orglife.themed_days", {"kind": "steps", "thresholds": [[12, 5], [6, 2]]}),
        (
            "service.deeds_overdue",
            {"kind": "steps", "thresholds": [[3, 2], [0, 5]], "descending": True},
        ),
    ],
)
def test_steps_that_rise_as_the_figure_improves_are_kept(world, source, curve):
    scheme = make_scheme(world, publish=False)
    indicator = services.indicator_save(
        actor=world.committee_officer,
        dimension=scheme.dimensions.first(),
        name="x",
        points=Decimal(5),
        applies_to=["branch"],
        source=source,
        curve=curve,
    )
    assert indicator.curve == curve


def test_an_unreadable_curve_is_refused_on_the_curve(world):
    scheme = make_scheme(world, publish=False)
    with pytest.raises(ValidationError) as refused:
        services.indicator_save(
            actor=world.committee_officer,
            dimension=scheme.dimensions.first(),
            name="x",
            points=Decimal(5),
            applies_to=["branch"],
            source="orglife.compliance",
            curve={"kind": "linear", "floor": 60, "target": 60},
        )
    assert "curve" in refused.value.message_dict


def test_a_published_scheme_no_longer_changes(world):
    scheme = make_scheme(world)
    with pytest.raises(ValidationError):
        services.dimension_add(actor=world.committee_officer, scheme=scheme, name="新")
    # publishing twice changes nothing
    again = services.scheme_publish(actor=world.committee_officer, scheme=scheme)
    assert again.published_at == IndicatorScheme.objects.get(pk=scheme.pk).published_at


def test_last_years_scheme_is_copied_in_one_step(world):
    last = make_scheme(world, year=2025)
    copy = services.scheme_copy(actor=world.committee_officer, scheme=last, year=2026)
    assert copy.status == IndicatorScheme.Status.DRAFT and copy.copied_from == last

    def names(s):
        return sorted(
            Indicator.objects.filter(dimension__scheme=s).values_list("name", "points", "source")
        )

    assert names(copy) == names(last)
    # a second copy for the same year is refused on the year
    with pytest.raises(ValidationError) as refused:
        services.scheme_copy(actor=world.committee_officer, scheme=last, year=2026)
    assert "year" in refused.value.message_dict


def test_scoring_stores_every_branchs_scores_with_their_figures(world):
    # given a published scheme for 2025 and no records at all
    scheme = scored(world)
    # then both branches (not the committee, not the group) are scored
    assessments = Assessment.objects.filter(scheme=scheme)
    assert {a.unit_id for a in assessments} == {world.branch_a.pk, world.branch_b.pk}
    score = IndicatorScore.objects.get(assessment__unit=world.branch_a, indicator__name="三会一课")
    # no meeting held in a finished year: 0 % held, no points; the counts are kept
    assert score.value == Decimal("0.0") and score.earned == Decimal("0.00")
    assert score.basis["missing"] > 0
    overdue = IndicatorScore.objects.get(
        assessment__unit=world.branch_a, indicator__name="办实事逾期"
    )
    assert overdue.earned == Decimal("20.00")
    hand = IndicatorScore.objects.get(assessment__unit=world.branch_a, indicator__name="服务场所")
    assert hand.earned is None  # not judged yet: left out of the total
    total = Assessment.objects.get(scheme=scheme, unit=world.branch_a).total
    assert total == Decimal("25.00")  # 20 of the 80 judged points, scaled to 100


def test_scoring_again_keeps_hand_judged_scores(world):
    scheme = scored(world)
    score = IndicatorScore.objects.get(assessment__unit=world.branch_a, indicator__name="服务场所")
    services.score_judge(
        actor=world.committee_officer, score=score, earned=Decimal(15), reason="有活动室"
    )
    services.scheme_score(scheme=scheme, today=TODAY)
    score.refresh_from_db()
    assert score.earned == Decimal(15) and score.reason == "有活动室"
    assert Assessment.objects.get(scheme=scheme, unit=world.branch_a).total == Decimal("35.00")


def test_scoring_reads_a_fixed_number_of_queries_however_many_branches(
    world, django_assert_max_num_queries
):
    from grassroots.orgs.models import OrgUnit
    from grassroots.orgs.tests.factories import OrgUnitFactory

    scheme = make_scheme(world)
    with django_assert_max_num_queries(40) as few:
        services.scheme_score(scheme=scheme, today=TODAY)
    for n in range(8):
        OrgUnitFactory(
            name=f"新支部{n}", code=f"N{n}", kind=OrgUnit.Kind.BRANCH, parent=world.committee
        )
    with django_assert_max_num_queries(len(few.captured_queries) + 2):
        services.scheme_score(scheme=scheme, today=TODAY)
    assert Assessment.objects.filter(scheme=scheme).count() == 10


def test_a_judged_score_needs_a_reason_and_stays_within_its_points(world):
    scored(world)
    score = IndicatorScore.objects.get(assessment__unit=world.branch_a, indicator__name="服务场所")
    with pytest.raises(ValidationError) as no_reason:
        services.score_judge(
            actor=world.committee_officer, score=score, earned=Decimal(5), reason=" "
        )
    assert "reason" in no_reason.value.message_dict
    with pytest.raises(ValidationError) as too_many:
        services.score_judge(
            actor=world.committee_officer, score=score, earned=Decimal(21), reason="好"
        )
    assert "earned" in too_many.value.message_dict
    score.refresh_from_db()
    assert score.earned is None


def test_an_objection_within_five_working_days_is_answered_and_the_change_audited(world):
    # given results released on a Monday
    scheme = scored(world, release_on=MONDAY)
    assessment = Assessment.objects.get(scheme=scheme, unit=world.branch_a)
    indicator = Indicator.objects.get(dimension__scheme=scheme, name="三会一课")
    # when the branch objects on the fifth working day after
    objection = services.objection_lodge(
        actor=world.officer_a,
        assessment=assessment,
        indicator=indicator,
        text="三月的支部大会漏记",
        today=MONDAY + datetime.timedelta(days=7),
    )
    # and the assessor answers with a changed score
    services.objection_answer(
        actor=world.committee_officer,
        objection=objection,
        answer="已核实，补记",
        new_score=Decimal(30),
    )
    # then the score changed, is kept by the next computation, and its history is audited
    services.scheme_score(scheme=scheme, today=MONDAY + datetime.timedelta(days=7))
    score = IndicatorScore.objects.get(assessment=assessment, indicator=indicator)
    assert score.earned == Decimal(30) and score.overridden
    entry = AuditEntry.objects.get(action="evaluation.score_change")
    assert entry.changes["earned"] == ["0.00", "30"] or entry.changes["earned"][1] in (
        "30",
        30,
        "30.00",
    )
    objection.refresh_from_db()
    assert (
        objection.answered
        and objection.score_before == Decimal(0)
        and objection.score_after == Decimal(30)
    )


def test_an_objection_after_the_window_is_refused_clearly(world):
    scheme = scored(world, release_on=MONDAY)
    assessment = Assessment.objects.get(scheme=scheme, unit=world.branch_a)
    with pytest.raises(ValidationError) as refused:
        services.objection_lodge(
            actor=world.officer_a,
            assessment=assessment,
            indicator=None,
            text="不服",
            today=MONDAY + datetime.timedelta(days=8),
        )
    assert "2026-03-09" in refused.value.messages[0]
    assert Objection.objects.count() == 0


def test_a_double_submitted_objection_is_lodged_once(world):
    scheme = scored(world, release_on=MONDAY)
    assessment = Assessment.objects.get(scheme=scheme, unit=world.branch_a)
    for _ in range(2):
        services.objection_lodge(
            actor=world.officer_a, assessment=assessment, indicator=None, text="不服", today=MONDAY
        )
    assert Objection.objects.count() == 1


def test_results_are_not_released_while_a_hand_judged_score_is_missing(world):
    # given a scored scheme whose hand-judged indicator is judged for branch A only
    scheme = scored(world)
    score = IndicatorScore.objects.get(assessment__unit=world.branch_a, indicator__name="服务场所")
    services.score_judge(
        actor=world.committee_officer, score=score, earned=Decimal(15), reason="有活动室"
    )
    # when the assessor releases the results
    with pytest.raises(ValidationError) as refused:
        services.results_publish(actor=world.committee_officer, scheme=scheme, today=MONDAY)
    # then it is refused, naming the indicator, and nothing is released
    assert "服务场所" in " ".join(refused.value.messages)
    scheme.refresh_from_db()
    assert scheme.results_published_on is None
    # once branch B is judged too, the results go out with every indicator in the total
    other = IndicatorScore.objects.get(assessment__unit=world.branch_b, indicator__name="服务场所")
    services.score_judge(
        actor=world.committee_officer, score=other, earned=Decimal(10), reason="合用会议室"
    )
    services.results_publish(actor=world.committee_officer, scheme=scheme, today=MONDAY)
    scheme.refresh_from_db()
    assert scheme.results_published_on == MONDAY
    assert Assessment.objects.get(scheme=scheme, unit=world.branch_b).total == Decimal("30.00")


def test_a_scoring_run_records_its_progress(world):
    scheme = make_scheme(world)
    run = services.run_request(actor=world.committee_officer, scheme=scheme)
    services.run_perform(run=run, today=TODAY)
    run.refresh_from_db()
    assert run.status == ScoringRun.Status.DONE and run.units_done == run.units_total == 2
    assert run.percent == 100


def test_the_nightly_job_scores_this_and_last_years_published_schemes(world):
    from django.utils import timezone

    from grassroots.core.scheduling import JOBS
    from grassroots.evaluation.schemes import jobs

    # given last year's scheme published and a draft for this year
    now = timezone.now()
    year = timezone.localdate(now).year
    published = make_scheme(world, year=year - 1)
    draft = make_scheme(world, year=year, publish=False)
    # when the nightly job runs
    assert "evaluation.scheme_scores" in JOBS
    scored_units = jobs.scheme_scores(now)
    # then the published scheme is scored for both branches, the draft not at all
    assert scored_units == 2
    assert Assessment.objects.filter(scheme=published).count() == 2
    assert not Assessment.objects.filter(scheme=draft).exists()


def test_scores_are_final_once_the_objection_window_is_over(world):
    from django.utils import timezone

    from grassroots.evaluation.schemes import jobs
    from grassroots.service.tests.deeds_factories import backdate, make_deed

    # given last year's scheme, released in January, its objection window long over
    now = timezone.now()
    year = timezone.localdate(now).year
    scheme = scored(world, year=year - 1, release_on=datetime.date(year, 1, 12))
    overdue = IndicatorScore.objects.get(
        assessment__unit=world.branch_a, indicator__name="办实事逾期"
    )
    assessment = Assessment.objects.get(scheme=scheme, unit=world.branch_a)
    # and a late record that would change branch A's score
    backdate(make_deed(world), due_on=datetime.date(year - 1, 12, 1))
    # when the nightly job runs, then the scheme is not scored again
    assert jobs.scheme_scores(now) == 0
    overdue.refresh_from_db()
    assert overdue.earned == Decimal(20) and overdue.value == Decimal(0)
    assert Assessment.objects.get(pk=assessment.pk).total == assessment.total
    # and scoring on demand is refused, saying why
    with pytest.raises(ValidationError) as refused:
        services.run_request(actor=world.committee_officer, scheme=scheme)
    deadline = services.objection_deadline(scheme)
    assert deadline is not None and deadline.isoformat() in " ".join(refused.value.messages)
    assert not ScoringRun.objects.filter(scheme=scheme).exists()
    with pytest.raises(ValidationError):
        services.scheme_score(scheme=scheme, today=timezone.localdate(now))
    # they became final when the window closed, not before
    assert services.scores_final(scheme, timezone.localdate(now))
    assert not services.scores_final(scheme, datetime.date(year, 1, 16))


def test_the_assessor_is_told_of_an_objection_and_the_branch_of_the_answer(
    world, django_capture_on_commit_callbacks
):
    from grassroots.notifications import selectors as inbox

    scheme = scored(world, release_on=MONDAY)
    assessment = Assessment.objects.get(scheme=scheme, unit=world.branch_a)
    with django_capture_on_commit_callbacks(execute=True):
        objection = services.objection_lodge(
            actor=world.officer_a, assessment=assessment, indicator=None, text="不服", today=MONDAY
        )
    assert next(n.title for n in inbox.inbox(world.committee_officer)).startswith(
        world.branch_a.name
    )
    before = inbox.unread_count(world.officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.objection_answer(actor=world.committee_officer, objection=objection, answer="维持")
    assert inbox.unread_count(world.officer_a) == before + 1
    assert next(n.title for n in inbox.inbox(world.officer_a)).find(world.branch_a.name) >= 0
