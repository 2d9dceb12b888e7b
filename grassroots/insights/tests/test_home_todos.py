"""The home page lists what waits on this person, most urgent first (issue 14.1)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.appeals import services as appeal_services
from grassroots.appeals.tests.factories import raise_appeal
from grassroots.service.tests.deeds_factories import backdate, make_deed

pytestmark = pytest.mark.django_db


def todo_keys(response):
    return [todo.key for todo in response.context["todos"]]


def todo(response, key):
    return next(todo for todo in response.context["todos"] if todo.key == key)


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_branch_officer_sees_an_appeal_to_accept_and_the_other_branch_does_not(world, client_for):
    # given: an employee of department A raises an appeal (handled by branch A)
    appeal = raise_appeal(world)
    # when
    mine = client_for(world.officer_a).get(reverse("home"))
    other = client_for(world.officer_b).get(reverse("home"))
    # then
    waiting = todo(mine, "appeals.to_accept")
    assert waiting.count == 1 and "1" in waiting.text
    assert "appeals.to_accept" not in todo_keys(other)
    # and the link lists exactly that appeal, for this officer only
    listed = client_for(world.officer_a).get(waiting.url).content.decode()
    assert appeal.title in listed
    elsewhere = client_for(world.officer_b).get(waiting.url).content.decode()
    assert appeal.title not in elsewhere


def test_past_due_comes_before_what_simply_waits(world, client_for):
    # given: one appeal past its acceptance deadline, one new
    raise_appeal(world, title="更衣柜不够用", at=timezone.now() - datetime.timedelta(days=20))
    raise_appeal(world)
    # when
    response = client_for(world.officer_a).get(reverse("home"))
    # then
    keys = todo_keys(response)
    assert keys.index("appeals.overdue") < keys.index("appeals.to_accept")
    assert todo(response, "appeals.to_accept").count == 2
    page = response.content.decode()
    assert page.index('id="todo-appeals-overdue"') < page.index('id="todo-appeals-to-accept"')


def test_employee_is_asked_to_rate_an_answer_and_the_link_lists_it(world, client_for):
    # given: an answered appeal
    appeal = raise_appeal(world)
    appeal_services.appeal_accept(appeal=appeal, actor=world.officer_a)
    appeal_services.appeal_answer(appeal=appeal, actor=world.officer_a, text="已增加两个窗口")
    other = raise_appeal(world, title="宿舍热水不稳定")
    # when
    response = client_for(world.employee).get(reverse("home"))
    # then
    rating = todo(response, "appeals.to_rate")
    assert rating.count == 1
    listed = client_for(world.employee).get(rating.url).content.decode()
    assert appeal.title in listed and other.title not in listed
    # and a member of another branch has nothing to rate
    assert "appeals.to_rate" not in todo_keys(client_for(world.member_b.user).get(reverse("home")))


def test_an_overdue_deed_waits_on_its_branch_officer_only(world, client_for):
    # given
    deed = backdate(make_deed(world), due_on=timezone.localdate() - datetime.timedelta(days=3))
    # when
    mine = client_for(world.officer_a).get(reverse("home"))
    other = client_for(world.officer_b).get(reverse("home"))
    # then
    overdue = todo(mine, "service.deeds_overdue")
    assert overdue.count == 1
    assert "service.deeds_overdue" not in todo_keys(other)
    assert deed.title in client_for(world.officer_a).get(overdue.url).content.decode()


def test_a_member_is_asked_for_this_years_commitments_an_employee_is_not(world, client_for):
    member = client_for(world.member_a.user).get(reverse("home"))
    employee = client_for(world.employee).get(reverse("home"))
    assert "service.commitment_missing" in todo_keys(member)
    assert "service.commitment_missing" not in todo_keys(employee)
    assert (
        client_for(world.member_a.user)
        .get(todo(member, "service.commitment_missing").url)
        .status_code
        == 200
    )


def test_meeting_gaps_this_year_wait_on_the_branch_and_the_committee(world, client_for):
    # given: no meeting held anywhere this year (the year has months behind it)
    if timezone.localdate().month < 3:
        pytest.skip("too early in the year for a missed monthly meeting to be certain")
    # when
    branch = client_for(world.officer_a).get(reverse("home"))
    committee = client_for(world.committee_officer).get(reverse("home"))
    # then
    assert f"orglife.gaps.{world.branch_a.pk}" in todo_keys(branch)
    assert f"orglife.gaps.{world.branch_b.pk}" not in todo_keys(branch)
    overview = todo(committee, f"orglife.gaps.{world.committee.pk}")
    assert "gaps=1" in overview.url
    listed = client_for(world.committee_officer).get(overview.url)
    assert listed.status_code == 200
    assert listed.context["page_obj"].paginator.count == overview.count
    assert (
        client_for(world.officer_a)
        .get(todo(branch, f"orglife.gaps.{world.branch_a.pk}").url)
        .status_code
        == 200
    )


def test_nothing_waiting_says_so(world, client_for):
    page = client_for(world.admin).get(reverse("home"))
    assert page.context["todos"] == []
    assert re.search(r'id="todo-title"', page.content.decode())


def forget_kept():
    """Drop what the home page keeps between requests: the cold path is measured."""
    from grassroots.orglife import selectors as orglife_selectors
    from grassroots.orgs import selectors as orgs_selectors

    orgs_selectors._oversight_kept.changed()
    orglife_selectors._gaps_kept_list.changed()


def test_home_queries_do_not_grow_with_what_waits(world, client_for, django_assert_num_queries):
    # given: the committee officer's home read once with nothing waiting, nothing kept
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.committee_officer)
    client.get(reverse("home"))
    forget_kept()
    with CaptureQueriesContext(connection) as empty:
        client.get(reverse("home"))
    # when: appeals, overdue ones, overdue deeds and a followed deed pile up
    for n in range(6):
        raise_appeal(world, title=f"诉求{n}", at=timezone.now() - datetime.timedelta(days=n * 5))
        backdate(
            make_deed(world, title=f"实事{n}"),
            due_on=timezone.localdate() - datetime.timedelta(days=n + 1),
        )
    forget_kept()
    # then: the same number of queries
    with django_assert_num_queries(len(empty.captured_queries)):
        response = client.get(reverse("home"))
    assert todo(response, "appeals.to_accept").count == 6


def test_the_kept_oversight_shows_a_new_member_record_on_the_next_home_page(world, client_for):
    # given: branch B has too few full members (a danger on the committee's home)
    from grassroots.orgs.tests.factories import MemberFactory

    client = client_for(world.committee_officer)
    before = client.get(reverse("home")).context["panels"][0]
    assert (world.branch_b, "danger") in [(unit, sev) for unit, sev, _text in before.warnings]
    # when: a full member joins it (saved as usual: the kept figures are dropped)
    MemberFactory(branch=world.branch_b, user__department=world.department_b)
    # then: the very next page counts them
    after = client.get(reverse("home")).context["panels"][0]
    assert (world.branch_b, "danger") not in [(unit, sev) for unit, sev, _text in after.warnings]


def test_the_kept_meeting_gaps_drop_a_meeting_held_at_once(world, client_for):
    # given: branch A has missed its monthly meetings this year
    from grassroots.orglife import rules
    from grassroots.orglife import services as orglife_services

    today = timezone.localdate()
    quarter_began = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    last_quarter = quarter_began - datetime.timedelta(days=30)
    if last_quarter.year != today.year:
        pytest.skip("no earlier quarter this year for a missed assembly to close")
    client = client_for(world.officer_a)
    key = f"orglife.gaps.{world.branch_a.pk}"
    before = todo(client.get(reverse("home")), key)
    # when: a meeting is recorded as held (through the services)
    # an assembly (quarterly) in last quarter, which had none
    held_at = timezone.make_aware(datetime.datetime.combine(last_quarter, datetime.time(14)))
    meeting = orglife_services.meeting_plan(
        actor=world.officer_a,
        unit=world.branch_a,
        kind=rules.ASSEMBLY,
        topic="党员大会：学习贯彻全会精神",
        starts_at=held_at,
        place="三楼会议室",
    )
    present = {a.member_id: ("present", "") for a in meeting.attendances.all()}
    orglife_services.attendance_record(actor=world.officer_a, meeting=meeting, statuses=present)
    orglife_services.meeting_hold(actor=world.officer_a, meeting=meeting, minutes="讨论并通过。")
    # then
    after = [t for t in client.get(reverse("home")).context["todos"] if t.key == key]
    assert after and after[0].text != before.text  # one gap fewer, the groups' still there


def test_a_followed_deed_declared_done_asks_its_follower_until_they_answer(world, client_for):
    # given: the employee and the branch officer follow a deed of branch A, declared done
    from grassroots.service.deeds import services as deed_services
    from grassroots.service.tests.deeds_factories import done_deed

    deed = done_deed(world)
    other = done_deed(world, title="修好澡堂热水")
    deed_services.deed_follow(user=world.employee, deed=deed)
    deed_services.deed_follow(user=world.officer_a, deed=deed)
    client = client_for(world.employee)
    # when
    asked = todo(client.get(reverse("home")), "service.deeds_to_rate")
    # then: the follower is asked, the link lists just that deed
    assert asked.count == 1
    listed = client.get(asked.url).content.decode()
    assert deed.title in listed and other.title not in listed
    # and the officer who answers for it is not asked to judge it
    assert "service.deeds_to_rate" not in todo_keys(
        client_for(world.officer_a).get(reverse("home"))
    )
    # when the employee answers, the line goes
    deed_services.deed_rate(user=world.employee, deed=deed, delivered="satisfied")
    assert "service.deeds_to_rate" not in todo_keys(client_for(world.employee).get(reverse("home")))
    # and for an anonymous visitor the filter means nothing: the public list as usual
    client.logout()
    assert client.get(asked.url).status_code == 200


def test_activities_coming_up_count_what_their_link_lists(world, client_for):
    # given: the employee signed up for one activity coming up and one already over
    from grassroots.service.activities import services as activity_services
    from grassroots.service.models import Activity
    from grassroots.service.tests.test_signup import make_activity

    coming = make_activity(world)
    over = make_activity(world, title="春节慰问走访")
    activity_services.signup(user=world.employee, activity=coming)
    activity_services.signup(user=world.employee, activity=over)
    ended = timezone.now() - datetime.timedelta(days=2)
    Activity.objects.filter(pk=over.pk).update(starts_at=ended, ends_at=ended)
    client = client_for(world.employee)
    # when
    line = todo(client.get(reverse("home")), "service.activities_coming")
    # then: one, and the linked list shows just that one
    assert line.count == 1
    listed = client.get(line.url).content.decode()
    assert coming.title in listed and over.title not in listed
    # and someone who signed up for nothing has no such line
    assert "service.activities_coming" not in todo_keys(
        client_for(world.member_b.user).get(reverse("home"))
    )


def test_assigned_appeals_count_what_the_queue_lists(world, client_for):
    # given: two appeals assigned to a member of branch A, one since answered
    member = world.member_a.user
    appeals = [raise_appeal(world, title=f"诉求{n}") for n in range(2)]
    for appeal in appeals:
        appeal_services.appeal_accept(appeal=appeal, actor=world.officer_a)
        appeal_services.appeal_assign(appeal=appeal, actor=world.officer_a, assignee=member)
    appeal_services.appeal_answer(appeal=appeals[0], actor=member, text="已处理")
    client = client_for(member)
    # when
    line = todo(client.get(reverse("home")), "appeals.assigned")
    # then
    assert line.count == 1
    assert client.get(line.url).context["page_obj"].paginator.count == 1


def test_a_committees_figures_worked_out_ahead_are_read_ready_made_and_dated(world, client_for):
    # given: the scheduler worked out the committee's health and gaps
    from grassroots.orglife import jobs as orglife_jobs
    from grassroots.orgs import jobs as orgs_jobs

    now = timezone.now()
    orgs_jobs.oversight_publish(now)
    orglife_jobs.gaps_publish(now)
    forget_kept()
    client = client_for(world.committee_officer)
    # when the committee officer opens the home page
    response = client.get(reverse("home"))
    # then: the panel says when it was worked out, and the counts are not read again
    panel = response.context["panels"][0]
    assert panel.as_of is not None and abs((panel.as_of - now).total_seconds()) < 60
    assert timezone.localtime(panel.as_of).strftime("%H:%M") in response.content.decode()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    forget_kept()
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("home"))
    gaps_reads = [q for q in captured.captured_queries if "orglife_meetingmonths" in q["sql"]]
    assert gaps_reads == []
    health_counts = [
        q
        for q in captured.captured_queries
        if '"orgs_member"' in q["sql"] and "GROUP BY" in q["sql"]
    ]
    assert health_counts == []


def test_figures_published_long_ago_are_not_used(world, client_for):
    # given: figures worked out twenty minutes ago (the job stopped since)
    from grassroots.orgs import jobs as orgs_jobs

    orgs_jobs.oversight_publish(timezone.now() - datetime.timedelta(minutes=20))
    forget_kept()
    # when
    panel = client_for(world.committee_officer).get(reverse("home")).context["panels"][0]
    # then: worked out for this request
    assert panel.as_of is None


def test_a_committee_elected_shows_in_the_kept_gaps_at_once(world, client_for):
    # given: branch A's gaps as its officer's home shows them (no committee yet)
    from grassroots.orglife.selectors import units_with_gaps
    from grassroots.orgs.models import OrgPost
    from grassroots.orgs.services import orgpost_assign
    from grassroots.orgs.tests.factories import MemberFactory

    today = datetime.date(timezone.localdate().year, 6, 15)  # months behind it, any time of year
    before = {
        u.unit_id: u.gaps for u in units_with_gaps(world.branch_a, year=today.year, today=today)
    }
    # when: it elects a committee (two more committee posts), so its committee must meet monthly
    for kind in (OrgPost.Kind.ORGANISATION, OrgPost.Kind.PROPAGANDA):
        orgpost_assign(
            actor=None,
            unit=world.branch_a,
            member=MemberFactory(branch=world.branch_a),
            kind=kind,
            starts_on=datetime.date(today.year, 1, 1),
        )
    after = {
        u.unit_id: u.gaps for u in units_with_gaps(world.branch_a, year=today.year, today=today)
    }
    # then: more gaps at once (its committee's missed months)
    assert after[world.branch_a.pk] > before[world.branch_a.pk]
