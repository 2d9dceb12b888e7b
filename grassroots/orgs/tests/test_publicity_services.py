"""Writes to public notices: publishing on the work calendar, objections only while the
notice runs (anonymous ones keep nobody), answers once, and the state other parts read."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from grassroots.core.models import AuditEntry, CalendarDay
from grassroots.core.parameters import forget_cached_values
from grassroots.core.workcalendar import forget_overrides
from grassroots.notifications.models import Notification
from grassroots.orgs import selectors as orgs_selectors
from grassroots.orgs.publicity import selectors, services
from grassroots.orgs.publicity.models import NoticeObjection, PublicNotice
from grassroots.orgs.tests.publicity_factories import make_notice

pytestmark = pytest.mark.django_db


def publish(world, **changes):
    values = {
        "actor": world.committee_officer,
        "unit": world.committee,
        "title": "关于拟表彰对象的公示",
        "text": "拟表彰名单如下。",
        "subject_kind": "evaluation.commendation_round",
        "subject_id": 7,
        "subject_label": "2026 年度表彰",
    } | changes
    return services.notice_publish(**values)


def test_a_notice_runs_five_working_days_by_default_on_the_calendar(world):
    # given a week with Wednesday declared a holiday
    monday = datetime.date(2030, 6, 3)
    CalendarDay.objects.create(date=monday + datetime.timedelta(days=2), is_workday=False)
    forget_overrides()
    # when
    notice = publish(world, published_on=monday)
    # then Mon, Tue, Thu, Fri and the next Monday
    assert (notice.starts_on, notice.ends_on, notice.working_days) == (
        monday,
        monday + datetime.timedelta(days=7),
        5,
    )
    assert AuditEntry.objects.filter(action="public_notice.publish").count() == 1


def test_the_default_period_is_a_parameter(world, settings):
    from grassroots.core.models import RuleParameter

    RuleParameter.objects.filter(key="orgs.public_notice_working_days").update(value=7)
    forget_cached_values()
    notice = publish(world, published_on=datetime.date(2030, 6, 3))
    assert notice.working_days == 7


def test_a_subject_has_one_notice_and_a_second_publication_changes_nothing(world):
    publish(world)
    with pytest.raises(ValidationError, match="已在公示"):
        publish(world, title="再次公示")
    assert PublicNotice.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"title": "  "}, "title"), ({"text": ""}, "text"), ({"working_days": 0}, "working_days")],
)
def test_bad_input_is_refused_field_by_field(world, changes, field):
    with pytest.raises(ValidationError) as error:
        publish(world, **changes)
    assert field in error.value.message_dict
    assert not PublicNotice.objects.exists()


def test_a_named_objection_keeps_its_author_and_an_anonymous_one_keeps_nobody(world):
    notice = make_notice(world)
    named = services.objection_lodge(
        actor=world.employee, notice=notice, text="事迹不实", anonymous=False
    )
    sealed = services.objection_lodge(
        actor=world.member_b.user, notice=notice, text="群众反映一般", anonymous=True
    )
    assert (named.author, named.is_anonymous) == (world.employee, False)
    assert (sealed.author, sealed.is_anonymous) == (None, True)
    entry = AuditEntry.objects.get(action="public_notice.objection", changes__objection=sealed.pk)
    assert entry.actor_id is None
    # and its time is the day only, like the objection's (a named one keeps its time)
    local = timezone.localtime(entry.at)
    assert (local.date(), local.time()) == (sealed.lodged_on, datetime.time.min)
    named_entry = AuditEntry.objects.get(
        action="public_notice.objection", changes__objection=named.pk
    )
    assert timezone.now() - named_entry.at < datetime.timedelta(minutes=5)
    # nothing in the objection's row or its audit entry names the person
    row = NoticeObjection.objects.filter(pk=sealed.pk).values().get()
    assert world.member_b.user.pk not in {v for k, v in row.items() if k != "id"}
    # the committee's officer is told of each, and no message names the anonymous person
    told = Notification.objects.filter(kind="orgs.notice_objection")
    assert list(told.values_list("recipient", flat=True)) == [world.committee_officer.pk] * 2
    assert all(world.member_b.user.name not in n.title + n.body for n in told)


@pytest.mark.parametrize(("days_ago", "days_left"), [(-1, 4), (6, -1)])
def test_objections_are_refused_before_and_after_the_notice_runs(world, days_ago, days_left):
    notice = make_notice(world, days_ago=days_ago, days_left=days_left)
    with pytest.raises(ValidationError, match="只在公示期内"):
        services.objection_lodge(actor=world.employee, notice=notice, text="异议", anonymous=False)
    assert not NoticeObjection.objects.exists()


def test_an_empty_objection_is_refused(world):
    notice = make_notice(world)
    with pytest.raises(ValidationError) as error:
        services.objection_lodge(actor=world.employee, notice=notice, text=" ", anonymous=True)
    assert "text" in error.value.message_dict


def test_an_objection_is_answered_once(world):
    notice = make_notice(world)
    objection = services.objection_lodge(
        actor=world.employee, notice=notice, text="事迹不实", anonymous=False
    )
    services.objection_answer(actor=world.committee_officer, objection=objection, answer="已核实")
    with pytest.raises(ValidationError, match="已经答复"):
        services.objection_answer(actor=world.admin, objection=objection, answer="再答")
    objection.refresh_from_db()
    assert (objection.answer, objection.answered_by) == ("已核实", world.committee_officer)


def test_the_state_says_when_a_subject_is_settled(world):
    # given a notice of subject 5 closed yesterday with one objection
    notice = make_notice(world, kind="k", subject_id=5, days_ago=1, days_left=2)
    objection = services.objection_lodge(
        actor=world.employee, notice=notice, text="异议", anonymous=True
    )
    today = timezone.localdate()
    later = today + datetime.timedelta(days=3)
    # then: running with one unanswered objection; over but not settled; then settled
    state = selectors.notice_state("k", 5, today=today)
    assert state is not None and (state.is_open, state.objections, state.unanswered) == (
        True,
        1,
        1,
    )
    assert not selectors.notice_state("k", 5, today=later).settled
    services.objection_answer(actor=world.committee_officer, objection=objection, answer="已核实")
    assert selectors.notice_state("k", 5, today=later).settled
    assert selectors.notice_state("k", 6, today=today) is None
    assert set(selectors.notice_states("k", [5, 6], today=later)) == {5}


def test_the_orgs_read_contract_offers_the_notice_state(world):
    make_notice(world, kind="k", subject_id=9)
    assert orgs_selectors.public_notice_state("k", 9, today=timezone.localdate()).is_open
