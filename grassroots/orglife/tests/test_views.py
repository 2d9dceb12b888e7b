"""Organisational-life pages: who may open each, and the plan → attend → hold loop."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.core.periods import MONTH, Period
from grassroots.orglife import rules, services
from grassroots.orglife.models import Meeting

pytestmark = pytest.mark.django_db
BACKEND = "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"
PEOPLE = (
    "member",
    "employee",
    "branch officer",
    "other branch officer",
    "committee officer",
    "anonymous",
)
OK, HIDDEN, LOGIN = 200, 404, 302


def client_as(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user, backend=BACKEND)
    return client


@pytest.fixture
def scene(world):
    meeting = services.meeting_plan(
        actor=world.officer_a,
        unit=world.branch_a,
        kind=rules.ASSEMBLY,
        topic="季度党员大会",
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        place="三楼会议室",
    )
    people = {
        "member": world.member_a.user,
        "employee": world.employee,
        "branch officer": world.officer_a,
        "other branch officer": world.officer_b,
        "committee officer": world.committee_officer,
        "anonymous": None,
    }
    return {"world": world, "meeting": meeting, "people": people}


PAGES = {
    "mine": (OK, HIDDEN, OK, OK, OK, LOGIN),
    "overview": (HIDDEN, HIDDEN, HIDDEN, HIDDEN, OK, LOGIN),
    "unit": (HIDDEN, HIDDEN, OK, HIDDEN, OK, LOGIN),
    "group": (HIDDEN, HIDDEN, OK, HIDDEN, OK, LOGIN),
    "meeting_new": (HIDDEN, HIDDEN, OK, HIDDEN, OK, LOGIN),
    "meeting": (OK, HIDDEN, OK, HIDDEN, OK, LOGIN),
    "meeting_edit": (HIDDEN, HIDDEN, OK, HIDDEN, OK, LOGIN),
    "meeting_print": (HIDDEN, HIDDEN, OK, HIDDEN, OK, LOGIN),
}


def url_for(page: str, scene) -> str:
    world, meeting = scene["world"], scene["meeting"]
    if page in ("mine", "overview"):
        return reverse(f"orglife:{page}")
    if page == "unit":
        return reverse("orglife:unit", args=[world.branch_a.pk])
    if page == "group":
        return reverse("orglife:unit", args=[world.group_a.pk])
    if page == "meeting_new":
        return reverse("orglife:meeting_new", args=[world.branch_a.pk])
    return reverse(f"orglife:{page}", args=[meeting.pk])


@pytest.mark.parametrize("page", sorted(PAGES))
def test_who_may_open_each_page(scene, page):
    url = url_for(page, scene)
    got = tuple(client_as(scene["people"][who]).get(url).status_code for who in PEOPLE)
    # An employee with no member record has no organisational life: the page is not for them.
    expected = PAGES[page]
    assert dict(zip(PEOPLE, got, strict=True)) == dict(zip(PEOPLE, expected, strict=True))


def test_missing_meetings_and_units_look_like_out_of_scope(scene):
    client = client_as(scene["people"]["branch officer"])
    assert client.get(reverse("orglife:meeting", args=[99999])).status_code == HIDDEN
    assert client.get(reverse("orglife:unit", args=[99999])).status_code == HIDDEN
    assert client.get(reverse("orglife:overview") + "?unit=abc").status_code == HIDDEN
    committee = scene["world"].committee
    assert client.get(reverse("orglife:overview") + f"?unit={committee.pk}").status_code == HIDDEN


def test_a_member_cannot_record_attendance_or_hold(scene):
    meeting = scene["meeting"]
    member = client_as(scene["people"]["member"])
    url = reverse("orglife:meeting", args=[meeting.pk])
    response = member.post(url, {"action": "hold", "hold-minutes": "伪造"})
    assert response.status_code == HIDDEN
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED


def test_plan_record_and_hold_in_the_pages_closes_the_gap(scene):
    world = scene["world"]
    officer = client_as(world.officer_a)
    unit_url = reverse("orglife:unit", args=[world.branch_a.pk])
    response = officer.post(
        reverse("orglife:meeting_new", args=[world.branch_a.pk]),
        {
            "kind": rules.THEMED_DAY,
            "topic": "主题党日：走访困难职工",
            "starts_at": (timezone.localtime() - datetime.timedelta(hours=1)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "place": "一车间",
            "agenda": "1. 学习\n2. 走访",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(kind=rules.THEMED_DAY)
    url = reverse("orglife:meeting", args=[meeting.pk])
    data = {"action": "attendance"}
    for attendance in meeting.attendances.all():
        data[f"att-m{attendance.member_id}"] = "present"
    assert officer.post(url, data).status_code == 302
    response = officer.post(url, {"action": "hold", "hold-minutes": "走访了三户职工家庭。"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    page = officer.get(unit_url)
    month = Period.of(timezone.localdate(), MONTH)
    row = next(r for r in page.context["rows"] if r.kind == rules.THEMED_DAY)
    assert next(c for c in row.cells if c.period == month).status == rules.DONE


def test_bad_input_is_refused_with_a_message_and_nothing_saved(scene):
    world = scene["world"]
    officer = client_as(world.officer_a)
    before = Meeting.objects.count()
    response = officer.post(
        reverse("orglife:meeting_new", args=[world.branch_a.pk]),
        {"kind": "lecture", "topic": "x" * 300, "starts_at": "not a date", "place": ""},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"topic", "starts_at", "place"}
    assert Meeting.objects.count() == before
    script = officer.post(
        reverse("orglife:meeting_new", args=[world.branch_a.pk]),
        {
            "kind": "lecture",
            "topic": "<script>alert(1)</script>",
            "starts_at": "2026-12-01T09:00",
            "place": "会议室",
        },
    )
    assert script.status_code == 200  # a lecture needs its lecturer
    assert (
        "lecturer" in str(script.context["form"].errors)
        or script.context["form"].non_field_errors()
    )
    assert "<script>alert(1)</script>" not in script.content.decode()


def test_a_member_asks_for_leave_and_the_organiser_sees_it(scene):
    world = scene["world"]
    meeting = services.meeting_plan(
        actor=world.officer_a,
        unit=world.branch_a,
        kind=rules.LECTURE,
        topic="党课",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        place="礼堂",
        lecturer="支部书记",
    )
    url = reverse("orglife:meeting", args=[meeting.pk])
    member = client_as(world.member_a.user)
    assert member.post(url, {"action": "leave", "leave-reason": "夜班"}).status_code == 302
    page = client_as(world.officer_a).get(url).content.decode()
    assert "夜班" in page
    assert client_as(world.member_a.user).get(url).context["mine"].status == "leave"


def test_everyone_not_marked_otherwise_can_be_marked_present_at_once(scene):
    meeting = scene["meeting"]
    first, *others = list(meeting.attendances.order_by("member_id"))
    response = client_as(scene["world"].officer_a).post(
        reverse("orglife:meeting", args=[meeting.pk]),
        {
            "action": "attendance",
            "all_present": "1",
            f"att-m{first.member_id}": "leave",
            f"att-m{first.member_id}_reason": "出差",
        },
    )
    assert response.status_code == 302
    statuses = dict(meeting.attendances.values_list("member_id", "status"))
    assert statuses[first.member_id] == "leave"
    assert all(statuses[a.member_id] == "present" for a in others)


def test_a_committee_officer_plans_centre_group_study_on_the_committee_s_calendar(
    world, client_for
):
    from grassroots.orglife.models import Meeting

    url = f"/orglife/units/{world.committee.pk}/meetings/new/"
    page = client_for(world.committee_officer).get(url)
    assert page.status_code == 200
    offered = [kind for kind, _label in page.context["form"].fields["kind"].choices]
    assert offered == ["centre_study"]
    assert 'value="centre_study"' in page.content.decode()
    response = client_for(world.committee_officer).post(
        url,
        {
            "kind": "centre_study",
            "topic": "中心组学习",
            "starts_at": "2026-12-20T09:00",
            "place": "党委会议室",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(kind="centre_study")
    assert meeting.unit == world.committee
    assert (
        client_for(world.committee_officer).get(f"/orglife/units/{world.committee.pk}/").status_code
        == 200
    )
    # a branch officer below cannot plan for the committee (404); anonymous signs in
    assert client_for(world.officer_a).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302
