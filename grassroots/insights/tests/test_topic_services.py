from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from grassroots.appeals.models import Appeal
from grassroots.appeals.tests.factories import category, raise_appeal
from grassroots.insights.tests.topic_factories import PHONE, month_appeals
from grassroots.insights.topics import services
from grassroots.insights.topics.models import HotTopic, TopicRun
from grassroots.orglife.models import Meeting
from grassroots.service.models import Deed

pytestmark = pytest.mark.django_db

OCTOBER, NOVEMBER = datetime.date(2026, 10, 1), datetime.date(2026, 11, 1)
SECRET = "匿名暗记"  # said only by anonymous appeals: must never be quoted
CONDUCT = "作风粗暴"


def _run(world, month, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_request(actor=world.committee_officer, unit=world.committee, month=month)
    run.refresh_from_db()
    return run


def test_a_run_groups_the_months_appeals_into_topics(world, django_capture_on_commit_callbacks):
    # given canteen and bus appeals in October
    month_appeals(world, OCTOBER, categories=("canteen", "bus"))
    # when the committee's October is grouped
    run = _run(world, OCTOBER, django_capture_on_commit_callbacks)
    # then the topics cover them, named by their words
    assert run.status == TopicRun.Status.DONE
    assert run.texts == run.appeals == 12
    topics = list(run.topics.order_by("rank"))
    assert len(topics) >= 2 and sum(t.size for t in topics) == 12
    words = {w for t in topics for w in t.keywords}
    assert "食堂" in words and "班车" in words
    assert all(t.change == "new" for t in topics)


def test_examples_are_de_identified_and_anonymous_senders_never_named(
    world, django_capture_on_commit_callbacks
):
    month_appeals(world, OCTOBER, categories=("canteen", "bus"), anonymous_marker=SECRET)
    run = _run(world, OCTOBER, django_capture_on_commit_callbacks)
    examples = [text for t in run.topics.all() for text in t.examples]
    assert examples
    assert all(PHONE not in text and world.employee.name not in text for text in examples)
    assert all(SECRET not in text for text in examples)
    assert all(len(set(t.examples)) == len(t.examples) <= 3 for t in run.topics.all())


def test_an_anonymous_appeal_taken_off_the_wall_is_not_quoted(
    world, django_capture_on_commit_callbacks
):
    # given anonymous appeals whose summaries stay after they were taken off the wall
    # (appeal_unpublish clears the day of publication only)
    month_appeals(world, OCTOBER, categories=("canteen", "bus"))
    for appeal in Appeal.objects.filter(is_anonymous=True):
        appeal.public_summary = f"{appeal.title}{SECRET}"
        appeal.published_at = None
        appeal.save(update_fields=["public_summary", "published_at"])
    # when the month is grouped
    run = _run(world, OCTOBER, django_capture_on_commit_callbacks)
    # then they count, but nothing of theirs is quoted
    assert run.appeals == 12
    examples = [text for t in run.topics.all() for text in t.examples]
    assert examples and all(SECRET not in text for text in examples)


def test_conduct_complaints_are_neither_counted_nor_quoted(
    world, django_capture_on_commit_callbacks
):
    # given canteen and bus appeals, and named conduct complaints (作风问题) of October,
    # which only discipline officers see
    month_appeals(world, OCTOBER, categories=("canteen", "bus"))
    at = timezone.make_aware(datetime.datetime(2026, 10, 20, 9))
    for index in range(6):
        raise_appeal(
            world,
            category=category("conduct"),
            title=f"支部书记{CONDUCT}问题{index}",
            description=f"支部书记{CONDUCT}，上班时间打牌喝酒，群众意见很大，第{index}次反映。",
            at=at + datetime.timedelta(hours=index),
        )
    # when the month is grouped
    run = _run(world, OCTOBER, django_capture_on_commit_callbacks)
    # then they are not among the texts, nor in any topic's words or examples
    assert (run.appeals, run.texts) == (12, 12)
    assert sum(t.size for t in run.topics.all()) == 12
    for topic in run.topics.all():
        assert all(CONDUCT not in text and "打牌" not in text for text in topic.examples)
        assert "打牌" not in topic.keywords


def test_a_persons_name_in_several_texts_is_never_a_keyword(
    world, django_capture_on_commit_callbacks
):
    # given canteen appeals that all name the canteen's manager, bus ones its driver
    names = {"canteen": "食堂管理员孙志强态度不好。", "bus": "司机王建国开车太快。"}
    month_appeals(world, OCTOBER, categories=("canteen", "bus"), says=names)
    # when the month is grouped
    run = _run(world, OCTOBER, django_capture_on_commit_callbacks)
    # then the topics are there, but neither name, nor its given name, is a keyword
    words = {w for t in run.topics.all() for w in t.keywords}
    assert "食堂" in words and "班车" in words
    assert not words & {"孙志强", "志强", "王建国", "建国"}


def test_the_change_from_last_month_is_shown(world, django_capture_on_commit_callbacks):
    # given October with canteen appeals, November with canteen and dormitory ones
    month_appeals(world, OCTOBER, categories=("canteen", "bus"), each=6)
    _run(world, OCTOBER, django_capture_on_commit_callbacks)
    month_appeals(world, NOVEMBER, categories=("canteen", "dormitory"), each=12)
    # when November is grouped
    run = _run(world, NOVEMBER, django_capture_on_commit_callbacks)
    # then the canteen topic continues October's, bigger; the dormitory one is new
    topics = list(run.topics.all())
    canteen = next(t for t in topics if "食堂" in t.keywords)
    dormitory = next(t for t in topics if "宿舍" in t.keywords)
    assert canteen.previous_size is not None and canteen.change == "up"
    assert dormitory.change == "new"


def test_the_monthly_job_groups_last_month_once_per_committee(world):
    month_appeals(world, OCTOBER, categories=("canteen", "bus"), each=6)
    assert services.monthly_runs(today=datetime.date(2026, 11, 3)) == 1
    assert services.monthly_runs(today=datetime.date(2026, 11, 4)) == 0
    run = TopicRun.objects.get()
    assert (run.unit, run.month, run.status) == (world.committee, OCTOBER, "done")


def test_a_run_asked_for_before_the_month_ended_is_not_the_months_result(
    world, django_capture_on_commit_callbacks
):
    # given October's appeals so far grouped on demand in mid-October
    month_appeals(world, OCTOBER, categories=("canteen", "bus"), each=6)
    early = _run(world, OCTOBER, django_capture_on_commit_callbacks)
    TopicRun.objects.filter(pk=early.pk).update(
        created_at=timezone.make_aware(datetime.datetime(2026, 10, 15, 9))
    )
    # when the nightly job runs after October ended
    assert services.monthly_runs(today=datetime.date(2026, 11, 3)) == 1
    # then October is grouped again, once
    assert services.monthly_runs(today=datetime.date(2026, 11, 4)) == 0
    assert TopicRun.objects.filter(month=OCTOBER, status="done").count() == 2


def test_the_nightly_job_leaves_a_month_whose_theme_was_chosen(
    world, django_capture_on_commit_callbacks
):
    # given a mid-October run one of whose topics was adopted as the month's theme
    topic = _topic(world, django_capture_on_commit_callbacks)
    TopicRun.objects.filter(pk=topic.run_id).update(
        created_at=timezone.make_aware(datetime.datetime(2026, 10, 15, 9))
    )
    services.topic_adopt_as_deed(
        actor=world.committee_officer,
        topic=topic,
        title="",
        services=["masses"],
        due_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    # then the nightly job does not group October again
    assert services.monthly_runs(today=datetime.date(2026, 11, 3)) == 0
    assert TopicRun.objects.count() == 1


def test_one_committee_failing_does_not_stop_the_nightly_job(world, monkeypatch, caplog):
    from grassroots.insights.tests.topic_factories import other_committee

    # given two committees, the first of which cannot be grouped
    other_committee()
    read = services.appeals.appeal_words_in_period
    calls: list[str] = []

    def failing_first(path, period):
        calls.append(path)
        if len(calls) == 1:
            raise RuntimeError("statement timeout")
        return read(path, period)

    monkeypatch.setattr(services.appeals, "appeal_words_in_period", failing_first)
    # when the nightly job runs
    performed = services.monthly_runs(today=datetime.date(2026, 11, 3))
    # then the first's run is recorded as failed and logged, the second is grouped
    assert performed == 1 and len(calls) == 2
    failed, done = (TopicRun.objects.get(unit__path=path) for path in calls)
    assert (failed.status, done.status) == ("failed", "done")
    assert "statement timeout" in failed.error
    assert "statement timeout" in caplog.text


def test_a_quiet_month_has_no_topics(world, django_capture_on_commit_callbacks):
    run = _run(world, OCTOBER, django_capture_on_commit_callbacks)
    assert run.status == TopicRun.Status.DONE and run.texts == 0 and not run.topics.exists()


def _topic(world, django_capture_on_commit_callbacks):
    month_appeals(world, OCTOBER, categories=("canteen", "bus"), each=6)
    return _run(world, OCTOBER, django_capture_on_commit_callbacks).topics.first()


def test_adopting_a_topic_plans_a_themed_party_day(world, django_capture_on_commit_callbacks):
    topic = _topic(world, django_capture_on_commit_callbacks)
    starts = timezone.now() + datetime.timedelta(days=7)
    topic = services.topic_adopt_as_themed_day(
        actor=world.committee_officer,
        topic=topic,
        branch=world.branch_a,
        title="",
        starts_at=starts,
        place="党员活动室",
    )
    meeting = Meeting.objects.get()
    assert (meeting.unit, meeting.kind) == (world.branch_a, "themed_day")
    assert topic.keywords[0] in meeting.topic
    assert topic.adopted_as == "themed_day" and topic.adopted_url.endswith(f"/{meeting.pk}/")


def test_what_a_topic_becomes_says_the_edited_title_not_the_keywords(
    world, django_capture_on_commit_callbacks
):
    # given a topic adopted as a themed day under a title the officer wrote
    topic = _topic(world, django_capture_on_commit_callbacks)
    title = "改善就餐条件"
    services.topic_adopt_as_themed_day(
        actor=world.committee_officer,
        topic=topic,
        branch=world.branch_a,
        title=title,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        place="党员活动室",
    )
    # then its agenda gives that title and the way back, none of the keywords
    agenda = Meeting.objects.get().agenda
    assert title in agenda and "/insights/topics/?unit=" in agenda
    assert not [k for k in topic.keywords if k not in title and k in agenda]


def test_adopting_a_topic_as_a_deed_links_back(world, django_capture_on_commit_callbacks):
    topic = _topic(world, django_capture_on_commit_callbacks)
    topic = services.topic_adopt_as_deed(
        actor=world.committee_officer,
        topic=topic,
        title="改善职工就餐",
        services=["masses"],
        due_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    deed = Deed.objects.get()
    assert deed.unit == world.committee and deed.owner == world.committee_officer
    assert "/insights/topics/" in deed.origin_url
    assert "改善职工就餐" in deed.description
    assert not [k for k in topic.keywords if k not in "改善职工就餐" and k in deed.description]
    assert topic.adopted_as == "deed" and topic.adopted_title == "改善职工就餐"


def test_one_theme_a_month_and_its_topics_kept(world, django_capture_on_commit_callbacks):
    topic = _topic(world, django_capture_on_commit_callbacks)
    due = timezone.localdate() + datetime.timedelta(days=30)
    services.topic_adopt_as_deed(
        actor=world.committee_officer, topic=topic, title="", services=["masses"], due_on=due
    )
    other = HotTopic.objects.exclude(pk=topic.pk).first()
    with pytest.raises(ValidationError):
        services.topic_adopt_as_deed(
            actor=world.committee_officer, topic=other, title="", services=["masses"], due_on=due
        )
    with pytest.raises(ValidationError):
        services.run_request(actor=world.committee_officer, unit=world.committee, month=OCTOBER)
    assert Deed.objects.count() == 1


def test_requests_and_adoptions_lock_the_committee(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    from django.db import transaction

    topic = _topic(world, django_capture_on_commit_callbacks)
    lock = services.orgunit_lock
    locked: list[tuple[int, bool]] = []

    def spy(unit):
        locked.append((unit.pk, transaction.get_connection().in_atomic_block))
        return lock(unit)

    monkeypatch.setattr(services, "orgunit_lock", spy)
    services.run_request(actor=world.committee_officer, unit=world.committee, month=NOVEMBER)
    due = timezone.localdate() + datetime.timedelta(days=30)
    services.topic_adopt_as_deed(
        actor=world.committee_officer, topic=topic, title="", services=["masses"], due_on=due
    )
    assert locked == [(world.committee.pk, True), (world.committee.pk, True)]


def test_a_topic_of_another_run_of_the_month_is_refused_once_one_is_adopted(
    world, django_capture_on_commit_callbacks
):
    # given two finished runs of the committee's October
    topic = _topic(world, django_capture_on_commit_callbacks)
    other = _run(world, OCTOBER, django_capture_on_commit_callbacks).topics.first()
    assert other.run_id != topic.run_id
    due = timezone.localdate() + datetime.timedelta(days=30)
    services.topic_adopt_as_deed(
        actor=world.committee_officer, topic=topic, title="", services=["masses"], due_on=due
    )
    # then a topic of the other run can no longer be adopted
    with pytest.raises(ValidationError):
        services.topic_adopt_as_themed_day(
            actor=world.committee_officer,
            topic=other,
            branch=world.branch_a,
            title="",
            starts_at=timezone.now() + datetime.timedelta(days=3),
            place="会议室",
        )
    assert Deed.objects.count() == 1 and not Meeting.objects.exists()


def test_a_refused_deed_saves_nothing(world, django_capture_on_commit_callbacks):
    topic = _topic(world, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as refused:
        services.topic_adopt_as_deed(
            actor=world.committee_officer, topic=topic, title="", services=[], due_on=None
        )
    assert {"services", "due_on"} <= set(refused.value.message_dict)
    topic.refresh_from_db()
    assert topic.adopted_as == "" and not Deed.objects.exists()


def test_a_themed_day_is_held_by_a_branch_of_the_committee(
    world, django_capture_on_commit_callbacks
):
    from grassroots.insights.tests.topic_factories import other_committee

    topic = _topic(world, django_capture_on_commit_callbacks)
    committee, _officer = other_committee()
    with pytest.raises(ValidationError):
        services.topic_adopt_as_themed_day(
            actor=world.committee_officer,
            topic=topic,
            branch=committee.children.get(),
            title="",
            starts_at=timezone.now() + datetime.timedelta(days=3),
            place="会议室",
        )
    assert not Meeting.objects.exists()


def test_comments_and_visit_notes_count_and_are_never_quoted(
    world, django_capture_on_commit_callbacks
):
    from grassroots.appeals.selectors import words_of
    from grassroots.insights.tests.topic_texts import labelled_texts
    from grassroots.openness.models import Comment
    from grassroots.openness.tests.factories import make_consultation
    from grassroots.service.models import Pairing, Visit

    # given this month's comments on a consultation (one hidden) and visit notes
    today = timezone.localdate()
    texts = [t for c, t in labelled_texts(20) if c in ("canteen", "bus")]
    consultation = make_consultation(world.branch_a)
    for index, text in enumerate(texts[:16]):
        Comment.objects.create(
            consultation=consultation,
            author=world.employee,
            text=text,
            tokens=words_of(text),
            hidden=index == 0,
            hidden_reason="离题" if index == 0 else "",
            hidden_by=world.committee_officer if index == 0 else None,
        )
    pairing = Pairing.objects.create(
        unit=world.branch_a,
        member=world.member_a.user,
        employee=world.employee,
        reason="illness",
        started_on=today,
    )
    for text in texts[16:26]:
        Visit.objects.create(pairing=pairing, date=today, needs_heard=text)
    # when this month is grouped
    run = _run(world, today, django_capture_on_commit_callbacks)
    # then they count, the hidden comment left out, and nothing of theirs is quoted
    assert (run.appeals, run.comments, run.visit_notes, run.texts) == (0, 15, 10, 25)
    assert run.topics.exists()
    assert all(t.examples == [] for t in run.topics.all())


def test_the_monthly_job_is_registered_and_the_command_groups_months(world):
    from django.core.management import call_command

    from grassroots.core.scheduling import JOBS

    assert "insights.hot_topics" in JOBS
    call_command("group_topics", months=2, verbosity=0)
    assert TopicRun.objects.filter(unit=world.committee, status="done").count() == 2


def test_a_request_while_one_is_queued_returns_it_unless_it_is_stale(world):
    first = services.run_request(actor=None, unit=world.committee, month=OCTOBER)
    assert services.run_request(actor=None, unit=world.committee, month=OCTOBER) == first
    TopicRun.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=2)
    )
    assert services.run_request(actor=None, unit=world.committee, month=OCTOBER) != first
