"""The demo is believable: nothing happened after it was loaded, answers fit their
appeals, names fit genders, and it shows both good and bad examples (issue 14, point 7).

The demo is loaded once for the module, on the next working day's morning just after work
starts, so that anything scheduled "later today" would show up as happening after the
load. (A day to come, not a fixed one: the reference rows the migrations wrote carry the
real time, and they must lie before the load as they do in real use.)
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import models, transaction
from django.db.models import Count, Q
from django.test import override_settings

from grassroots.demo import appeals as demo_appeals
from grassroots.demo import enterprise as demo_enterprise
from grassroots.demo import service_commitments as demo_commitments
from grassroots.demo import service_deeds as demo_deeds


def _next_working_morning() -> datetime.datetime:
    """08:40 on the next working day: work has begun, most of the day is still to come."""
    from grassroots.core import workcalendar

    zone = ZoneInfo(settings.TIME_ZONE)
    day = datetime.datetime.now(zone).date() + datetime.timedelta(days=1)
    while not workcalendar.is_workday(day):
        day += datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(8, 40), zone)


# Fields legitimately after the load moment, and which rows may be (None: every row).
# Everything else with a date or a time must lie at or before the load.
MAY_BE_LATER: dict[str, Q | None] = {
    # Deadlines and reminders are in the future by nature.
    "core.Deadline.due_at": None,
    "appeals.Appeal.accept_due_at": None,
    "appeals.Appeal.answer_due_at": None,
    "appeals.Appeal.current_due_at": None,
    "appeals.CoHandling.due_at": None,
    "service.Deed.due_on": None,
    "plans.PlanItem.due_on": None,  # a plan's items fall due through the year
    "service.DeedMilestone.due_on": Q(done_on__isnull=True),  # a milestone not yet reached
    "evaluation.Rectification.due_on": None,
    # Terms of office and public notices run into the future.
    "orgs.OrgUnit.term_ends_on": None,
    "orgs.PublicNotice.ends_on": None,
    # A campaign open now closes later, and covers the current year.
    "evaluation.Campaign.closes_on": None,
    "evaluation.Campaign.period_last": None,
    # A consultation open now takes comments until its last day.
    "openness.Consultation.closes_on": Q(status="open"),
    # Planned (not held) meetings, activities and service-post visits.
    "orglife.Meeting.starts_at": Q(status="planned"),
    "orglife.MeetingCount.held_on": Q(planned=True),
    "service.Activity.starts_at": Q(status="planned"),
    "service.Activity.ends_at": Q(status="planned"),
    "service.PostVisit.date": Q(status="planned"),
    "resources.Booking.starts_at": None,  # venues are booked ahead
    "resources.Booking.ends_at": None,
}


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[datetime.datetime]:
    """The demo as loaded on the next working morning, kept for the module and rolled
    back after it. Yields the moment it was loaded."""
    with (
        django_db_blocker.unblock(),
        override_settings(DATA_DIR=tmp_path_factory.mktemp("demo")),
        transaction.atomic(),
    ):
        loaded_at = _next_working_morning()
        with mock.patch("django.utils.timezone.now", return_value=loaded_at):
            call_command("load_demo")
        yield loaded_at
        transaction.set_rollback(True)


@pytest.fixture
def demo(loaded, db) -> datetime.datetime:
    """The moment the demo was loaded; each test reads it in its own (rolled back)
    transaction."""
    return loaded


def test_no_record_is_dated_after_the_demo_was_loaded(demo):
    # Given the demo loaded at demo, when every date and time field of every model
    # is read, then none lies after the load, except the allow-listed ones.
    later: list[str] = []
    seen: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateTimeField):
                limit: object = demo
            elif isinstance(field, models.DateField):
                limit = demo.date()
            else:
                continue
            label = f"{model._meta.label}.{field.name}"
            rows = model._base_manager.filter(**{f"{field.name}__gt": limit})
            if label in MAY_BE_LATER:
                seen.add(label)
                allowed = MAY_BE_LATER[label]
                if allowed is None:
                    continue
                rows = rows.exclude(allowed)
            if count := rows.count():
                later.append(f"{label}: {count}")
    assert not later, "; ".join(later)
    assert seen == set(MAY_BE_LATER)  # the allow-list names real fields only


def test_every_appeals_steps_come_in_a_possible_order(demo):
    from grassroots.appeals.models import Appeal, AppealEvent, Rating

    for appeal in Appeal.objects.prefetch_related("events"):
        kinds = [event.kind for event in appeal.events.all()]  # in time order
        assert kinds[0] == "submitted", appeal.number
        assert appeal.events.all()[0].created_at == appeal.created_at
        for step, needs in (("rated", "answered"), ("answered", "accepted")):
            if step in kinds:
                assert needs in kinds[: kinds.index(step)], (appeal.number, kinds)
        if "published" in kinds:
            assert kinds[-1] == "published", (appeal.number, kinds)
            assert appeal.closed_at and appeal.published_at > appeal.closed_at
    answers: dict[int, datetime.datetime] = {}
    for appeal_id, at in AppealEvent.objects.filter(kind="answered").values_list(
        "appeal_id", "created_at"
    ):
        answers[appeal_id] = min(at, answers.get(appeal_id, at))
    for rating in Rating.objects.all():
        assert rating.created_at > answers[rating.appeal_id]


def test_answers_are_drawn_from_their_appeals_topic(demo):
    from grassroots.appeals.models import AppealEvent

    # Given the answered appeals of the demo's year of appeals (the few raised at service
    # posts or on pairing visits are written one by one, each with its own answer)
    events = AppealEvent.objects.filter(kind="answered").select_related("appeal__category")
    answered = [
        (event, topic)
        for event in events
        if (topic := demo_appeals.topic_of(event.appeal.category.code, event.appeal.title))
    ]
    assert len(answered) > 100
    # Then each answer is one written for that appeal's topic
    for event, topic in answered:
        assert event.text in (*topic.answers, demo_appeals.SECOND_ANSWER), (
            event.appeal.title,
            event.text,
        )
        # And what the outcome wall says is that answer
        if event.appeal.published_at:
            assert any(answer in event.appeal.public_summary for answer in topic.answers)
    assert any(event.appeal.published_at for event, _topic in answered)


def test_names_fit_genders(demo):
    from grassroots.orgs.models import Member

    members = Member.objects.select_related("user").exclude(gender="")
    checked = 0
    for member in members:
        expected = demo_enterprise.gender_of(member.user.name)
        if expected is not None:
            assert member.gender == expected, (member.user.name, member.gender)
            checked += 1
        if member.id_card_number:
            female = int(member.id_card_number[16]) % 2 == 0
            assert (member.gender == Member.Gender.FEMALE) == female, member.user.name
    assert checked > members.count() / 2


def test_meeting_topics_do_not_repeat_the_kind(demo):
    from grassroots.orglife.models import Meeting

    for meeting in Meeting.objects.all():
        assert str(meeting.get_kind_display()) not in meeting.topic, meeting.topic
        assert not re.match(r"^(主题党日|党课|组织生活会|民主评议党员)[：:]", meeting.topic)


def test_held_things_happened_and_planned_things_are_to_come(demo):
    from grassroots.orglife.models import Meeting
    from grassroots.service.models import Activity, PostVisit

    assert not Meeting.objects.filter(status="held", starts_at__gt=demo).exists()
    assert not Meeting.objects.filter(status="planned", starts_at__date__lt=demo.date()).exists()
    assert not Activity.objects.filter(status="held", starts_at__gt=demo).exists()
    assert not PostVisit.objects.filter(status="held", date__gt=demo.date()).exists()


def test_deed_progress_reports_fit_their_deed(demo):
    from grassroots.service.models import DeedUpdate

    updates = DeedUpdate.objects.select_related("deed").prefetch_related("deed__milestones")
    assert updates.exists()
    for update in updates:
        steps = [m.title for m in update.deed.milestones.all()]
        assert update.text in demo_deeds.GENERIC_UPDATES or any(
            f"「{step}」" in update.text for step in steps
        ), (update.deed.title, update.text)


def test_commitment_reports_and_assessments_fit_their_commitment(demo):
    from grassroots.service.models import Commitment, CommitmentProgress

    fits = {text: (progress, end) for text, _d, progress, end in demo_commitments.COMMITMENTS}
    reports = CommitmentProgress.objects.select_related("commitment")
    assert reports.exists()
    for report in reports:
        assert report.text in fits[report.commitment.text][0], report.text
    for commitment in Commitment.objects.exclude(self_assessment=""):
        assert commitment.self_assessment == fits[commitment.text][1]


def test_some_upcoming_activities_are_full_and_some_have_places(demo):
    from grassroots.service.models import Activity

    upcoming = Activity.objects.filter(status="planned", starts_at__gt=demo).annotate(
        confirmed=Count("signups", filter=Q(signups__status="confirmed"))
    )
    full = [a for a in upcoming if a.capacity is not None and a.confirmed >= a.capacity]
    open_ = [a for a in upcoming if a.capacity is None or a.confirmed < a.capacity]
    assert full and open_


def test_some_branches_are_in_good_order_and_some_show_warnings(demo):
    from grassroots.orglife import selectors as orglife
    from grassroots.orgs import health
    from grassroots.orgs.models import OrgUnit

    branches = list(OrgUnit.objects.filter(kind="branch"))
    warnings = health.units_health(branches, today=demo.date())
    committee = OrgUnit.objects.get(kind="committee")
    gaps = {
        each.unit_id: each.gaps
        for each in orglife.subtree_gaps(committee, year=demo.date().year, today=demo.date())
    }
    good = [b.code for b in branches if not warnings[b.pk] and gaps[b.pk] == 0]
    bad = [b.code for b in branches if warnings[b.pk] or gaps[b.pk]]
    assert good, gaps
    assert bad


def test_the_readme_logins_still_hold_their_roles(demo):
    from pathlib import Path

    from grassroots.accounts.models import RoleAssignment, User

    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([a-z ()]+) \| `(\w+)` \| (\S+) — ", readme, flags=re.M)
    assert len(rows) == 8
    for role, number, name in rows:
        user = User.objects.get(employee_number__iexact=number)
        assert user.name == name
        if role.startswith("branch officer"):
            assert RoleAssignment.objects.current().filter(user=user, role="branch_officer")


def test_openness_has_a_year_of_notices_and_one_catalogue_item_overdue(demo):
    # Given the demo, when the catalogue is read for every organisation, then only the
    # first workshop's branch misses one item; every kind but adoption was published, a
    # 公示 runs with a named (answered) and an anonymous (waiting) objection, and each
    # notice's read total is its reads.
    from grassroots.openness import rules
    from grassroots.openness.models import CatalogueItem, Notice, NoticeRead
    from grassroots.openness.notices.services import PUBLICITY_KIND
    from grassroots.orgs.models import OrgUnit
    from grassroots.orgs.publicity.models import PublicNotice

    today = demo.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    missing = []
    for unit in OrgUnit.objects.exclude(kind=OrgUnit.Kind.GROUP):
        for item in CatalogueItem.objects.filter(unit_kind=unit.kind):
            due = rules.period_due(item.frequency, item.timing, item.grace_days, today=today)
            if (
                due
                and not Notice.objects.filter(
                    unit=unit, kind=item.notice_kind, period_key=due[0].key
                ).exists()
            ):
                missing.append((unit.code, item.notice_kind))
    assert missing == [("B03", "work_summary")]
    kinds = set(Notice.objects.values_list("kind", flat=True))
    # every kind; adoption reports come from the consultations that closed
    assert kinds == {value for value, _label in Notice.Kind.choices}
    running = PublicNotice.objects.get(
        subject_kind=PUBLICITY_KIND, starts_on__lte=today, ends_on__gte=today
    )
    objections = list(running.objections.order_by("pk"))
    assert [(o.is_anonymous, o.answered_at is not None) for o in objections] == [
        (False, True),
        (True, False),
    ]
    reads = dict(
        NoticeRead.objects.values_list("notice").annotate(n=Count("pk")).values_list("notice", "n")
    )
    assert all(n.read_count == reads.get(n.pk, 0) for n in Notice.objects.all())
    assert Notice.objects.filter(published_at__lt=demo - datetime.timedelta(days=300)).exists()


def test_this_years_plans_are_about_half_done_with_links(demo):
    from grassroots.plans.models import WorkPlan
    from grassroots.plans.selectors import plan_view

    plans = list(WorkPlan.objects.filter(year=demo.date().year).select_related("unit"))
    assert plans
    done = total = 0
    for plan in plans:
        view = plan_view(plan)
        total += view.progress.total
        done += view.progress.done
        assert all(each.record is not None for item in view.items for each in item.links)
    assert done <= 0.6 * total
    # early in the year few of the year's records are done yet: about half only from April
    assert done >= 0.25 * total or demo.date().month <= 3


def test_the_member_login_is_named_for_an_audio_course_with_a_quiz_not_yet_studied(demo):
    from grassroots.learning import selectors as learning
    from grassroots.learning.models import QuizAnswer
    from grassroots.orgs.models import Member

    # given the member login's record, when their courses are read
    member = Member.objects.select_related("branch", "group").get(user__employee_number="30106")
    courses = {c.course.title: c for c in learning.my_courses(member, today=demo.date())}
    named = courses["新任党小组长岗前学习"]
    # then the named course (an uploaded audio file) has a quiz, which others answered
    [(material, studied)] = named.materials
    assert named.course.audience == "named" and named.has_quiz and not studied
    assert material.content_type == "audio/wav" and material.file.open("rb").read(4) == b"RIFF"
    # enough answers for the officers to see the share right of each question
    from grassroots.learning.quiz import selectors as quiz

    assert all(row.percent_right is not None for row in quiz.summary(named.course))
    assert not QuizAnswer.objects.filter(member=member).exists()


def test_the_committee_has_hot_topics_for_its_recent_months(demo):
    # by name: nothing imports insights, the demo's tests neither
    TopicRun = apps.get_model("insights", "TopicRun")
    HotTopic = apps.get_model("insights", "HotTopic")
    runs = TopicRun.objects.filter(status="done", unit__parent__isnull=True)
    assert runs.values("month").distinct().count() == 4
    busiest = max(runs, key=lambda run: run.texts)
    topics = list(HotTopic.objects.filter(run=busiest))
    assert busiest.texts >= 20 and len(topics) >= 3
    assert sum(t.size for t in topics) == busiest.texts
    assert any(t.previous_size is not None for t in HotTopic.objects.filter(run__in=runs))
