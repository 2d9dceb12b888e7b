"""Results after close: per group count, mean and distribution, small groups hidden
and left out of the weighted score; low scores flagged, comments grouped by keyword
beside the subject's appeals; a plan's items before and after."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from grassroots.accounts.scope import scope_for
from grassroots.appeals.tests.factories import category, raise_appeal
from grassroots.evaluation.campaigns import policy, rules, selectors, services
from grassroots.evaluation.tests.test_campaigns_world import opened, people, vote

pytestmark = pytest.mark.django_db


def _closed_with_votes(world, *, probationary=3, comment=""):
    crowd = people(world, per_group=5)
    made = opened(world)
    for user in crowd.employees:
        vote(made, user, score=2, comment=comment)
    for user in crowd.full:
        vote(made, user, score=4)
    for user in crowd.probationary[:probationary]:
        vote(made, user, score=5)
    for user in crowd.activists:
        vote(made, user, score=3)
    services.campaign_close(actor=None, campaign=made, today=timezone.localdate())
    made.refresh_from_db()
    return made


def test_groups_below_five_ballots_are_hidden_and_the_weights_renormalised(world):
    made = _closed_with_votes(world)
    (result,) = selectors.results(made, made.subjects.all())
    groups = {line.group: line for line in result.groups}
    assert groups[rules.EMPLOYEES].mean == Decimal("2.00")
    assert groups[rules.EMPLOYEES].ballots == 5
    assert dict(groups[rules.EMPLOYEES].distribution)["2"] == 10  # 5 ballots x 2 questions
    assert groups[rules.PROBATIONARY].ballots == 3
    assert groups[rules.PROBATIONARY].mean is None
    assert groups[rules.PROBATIONARY].distribution == ()
    assert result.left_out
    # (0.4*2 + 0.3*4 + 0.15*3) / 0.85
    assert result.score == Decimal("2.88")
    assert result.low  # below 80 % of 5
    assert all(item.low for item in result.items)  # below 70 % of 5


def test_with_every_group_shown_nothing_is_left_out(world):
    made = _closed_with_votes(world, probationary=5)
    (result,) = selectors.results(made, made.subjects.all())
    assert not result.left_out
    assert result.score == Decimal("3.20")  # 0.4*2 + 0.3*4 + 0.15*5 + 0.15*3


def test_comments_are_grouped_by_keywords_beside_the_appeals_of_the_period(world):
    raise_appeal(world, title="食堂排队太久")
    made = _closed_with_votes(world, comment="食堂排队太久，希望增加窗口")
    made.categories.set([category()])
    subject = made.subjects.get()
    found = selectors.analysis(subject)
    keywords = {group.keyword for group in found.keyword_groups}
    assert keywords <= {"食堂", "排队", "窗口", "增加", "太久"} and keywords
    assert sum(group.total for group in found.keyword_groups) == 5
    assert [group.comments for group in found.keyword_groups] == [
        (("食堂排队太久，希望增加窗口", 5),)
    ]
    assert [line.title for line in found.appeals] == ["食堂排队太久"]


def test_the_next_campaign_shows_the_plan_before_and_after(world):
    first = _closed_with_votes(world, probationary=5)
    subject = first.subjects.get()
    item = first.items.first()
    services.rectification_add(
        actor=world.officer_a,
        subject=subject,
        action="每月走访职工",
        owner=world.officer_a,
        due_on=timezone.localdate(),
        item=item,
    )
    # the next campaign of the same branch, with the same question
    from grassroots.evaluation.campaigns.models import Campaign

    Campaign.objects.filter(pk=first.pk).update(
        opens_on=first.opens_on - datetime.timedelta(days=60),
        closes_on=first.closes_on - datetime.timedelta(days=60),
    )
    second = opened(world, title="下一轮测评")
    voters = [e.user for e in second.electors.select_related("user")]
    for user in voters:
        vote(second, user, score=5)
    services.campaign_close(actor=None, campaign=second, today=timezone.localdate())
    second.refresh_from_db()
    (result,) = selectors.results(second, second.subjects.all())
    seen = policy.seen_subjects(scope_for(world.officer_a), world.officer_a)
    rows = selectors.before_and_after(second.subjects.get(), result, seen=seen)
    assert len(rows) == 1
    assert rows[0].plan.action == "每月走访职工"
    assert rows[0].before == Decimal("3.20")
    assert rows[0].after == Decimal("5.00")


def test_keyword_grouping_is_pure():
    groups, others = rules.group_comments(
        ["食堂 窗口", "食堂 排队", "停车", "食堂 排队"], lambda text: text.split()
    )
    assert [(g.keyword, g.comments) for g in groups] == [
        ("食堂", (("食堂 排队", 2), ("食堂 窗口", 1)))
    ]
    assert others == (("停车", 1),)


def test_results_read_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    made = _closed_with_votes(world, probationary=5)
    subjects = list(made.subjects.all())
    with django_assert_max_num_queries(6):
        selectors.results(made, subjects)


def test_results_read_no_row_per_ballot(world):
    """The box is summed in the database: no query answers with a row per ballot (20
    ballots here, of one score per group, so every other query has at most a few rows)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    made = _closed_with_votes(world, probationary=5)
    subjects = list(made.subjects.all())
    with CaptureQueriesContext(connection) as captured:
        (result,) = selectors.results(made, subjects)
    assert [line.ballots for line in result.groups] == [5, 5, 5, 5]
    assert [line.mean for line in result.groups] == [
        Decimal("2.00"),
        Decimal("4.00"),
        Decimal("5.00"),
        Decimal("3.00"),
    ]
    from grassroots.evaluation.campaigns.models import Mark

    box_queries = [q["sql"] for q in captured.captured_queries if Mark._meta.db_table in q["sql"]]
    assert box_queries
    with connection.cursor() as cursor:
        for sql in box_queries:
            cursor.execute(sql)
            assert len(cursor.fetchall()) < 20, sql


def test_a_groups_mean_from_sums_is_the_mean_of_its_ballots_means():
    import random

    from grassroots.evaluation import rules as evaluation_rules

    draw = random.Random(11)
    for ballots in (0, 4, 5, 7, 23):
        boxes = [[draw.randint(1, 5) for _ in range(3)] for _ in range(ballots)]
        by_ballot = evaluation_rules.group_result(
            rules.EMPLOYEES, [Decimal(sum(box)) / len(box) for box in boxes]
        )
        from_sums = rules.group_result_from_sums(
            rules.EMPLOYEES, ballots, sum(map(sum, boxes)), 3 * ballots
        )
        assert from_sums == by_ballot
