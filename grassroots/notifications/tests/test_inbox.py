"""The inbox grouped by subject, marking read (one group, all), and the daily-notice
choice on the preferences page."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from grassroots.notifications import services
from grassroots.notifications.models import DAILY, KindPreference, Notification

pytestmark = pytest.mark.django_db

INBOX = reverse("notifications:inbox")
MARK = reverse("notifications:mark_read")


@pytest.fixture(autouse=True)
def empty_inboxes(world):
    """The world's posts were announced to their holders: start from empty inboxes."""
    Notification.objects.all().delete()


def tell(user, key, *, url="", title=None, minutes=0, kind="reminder"):
    services.notify(
        recipients=[user],
        kind=kind,
        title=title or key,
        url=url,
        event_key=key,
        now=timezone.now() + datetime.timedelta(minutes=minutes),
    )


def test_notices_about_one_appeal_show_as_one_group_newest_first(world, client_for):
    # given: three notices about appeal X, one about Y in between, one without a link
    tell(world.officer_a, "x-new", url="/appeals/handle/x/", title="X 新诉求", minutes=1)
    tell(world.officer_a, "y-new", url="/appeals/handle/y/", title="Y 新诉求", minutes=2)
    tell(world.officer_a, "x-more", url="/appeals/handle/x/", title="X 补充材料", minutes=3)
    tell(world.officer_a, "x-late", url="/appeals/handle/x/", title="X 已超时", minutes=4)
    tell(world.officer_a, "plain", title="无链接提醒", minutes=0)
    # when
    response = client_for(world.officer_a).get(INBOX)
    # then: X first with its latest line, count, and the two earlier ones inside <details>
    groups = response.context["groups"]
    assert [g.latest.title for g in groups] == ["X 已超时", "Y 新诉求", "无链接提醒"]
    assert [g.notices[1].title for g in groups[:1]] == ["X 补充材料"]
    assert len(groups[0].notices) == 3 and len(groups[0].unread) == 3
    page = response.content.decode()
    assert page.count('<details class="mb-1 notice-earlier"') == 1
    assert "X 新诉求" in page.split("notice-earlier")[1]


def test_another_persons_notices_about_the_same_subject_are_not_in_my_group(world, client_for):
    tell(world.officer_a, "a", url="/appeals/handle/x/", title="我的")
    tell(world.officer_b, "b", url="/appeals/handle/x/", title="别人的")
    page = client_for(world.officer_a).get(INBOX).content.decode()
    assert "我的" in page and "别人的" not in page


def test_the_inbox_is_for_signed_in_people(client_for):
    response = client_for(None).get(INBOX)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_subjects_are_paginated(world, client_for):
    # given: one subject more than a page holds, each with two notices
    for number in range(settings.PAGE_SIZE + 1):
        for step in ("a", "b"):
            tell(
                world.officer_a, f"{number}{step}", url=f"/appeals/handle/{number}/", minutes=number
            )
    client = client_for(world.officer_a)
    # then: page one holds PAGE_SIZE subjects, page two the oldest one, both notices
    assert len(client.get(INBOX).context["groups"]) == settings.PAGE_SIZE
    [last] = client.get(INBOX + "?page=2").context["groups"]
    assert {n.dedupe_key for n in last.notices} == {"0a", "0b"}


def _queries_for(client_for, user, django_assert_num_queries, expected):
    client = client_for(user)
    client.get(INBOX)  # warm the session and the caches
    with django_assert_num_queries(expected):
        assert client.get(INBOX).status_code == 200


INBOX_QUERIES = 6  # the session (cache) and the roles and membership (kept) not counted


def test_the_inbox_takes_the_same_queries_for_one_notice_or_a_full_page(
    world, client_for, django_assert_num_queries
):
    # given: one notice
    tell(world.officer_a, "one", url="/s/one/")
    _queries_for(client_for, world.officer_a, django_assert_num_queries, INBOX_QUERIES)
    # given: a full page of groups, and a daily notice with items
    for number in range(settings.PAGE_SIZE + 3):
        for step in ("a", "b", "c"):
            tell(world.officer_a, f"{number}{step}", url=f"/s/{number}/", minutes=number)
    for number in range(3):
        tell(
            world.officer_a, f"w{number}", kind="appeals.warning", url=f"/appeals/handle/{number}/"
        )
    services.daily_notices_send(now=timezone.now() + datetime.timedelta(hours=2))
    # then: the same number of queries
    _queries_for(client_for, world.officer_a, django_assert_num_queries, INBOX_QUERIES)


def test_a_daily_notice_lists_its_appeals_with_links(world, client_for):
    for number in range(2):
        tell(
            world.officer_a,
            f"w{number}",
            kind="appeals.warning",
            url=f"/appeals/handle/a{number}/",
            title=f"诉求 {number}：时限已用去 80%",
        )
    services.daily_notices_send()
    page = client_for(world.officer_a).get(INBOX).content.decode()
    assert '<a href="/appeals/handle/a0/">诉求 0：时限已用去 80%</a>' in page
    assert '<a href="/appeals/handle/a1/">诉求 1：时限已用去 80%</a>' in page


def unread(user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def test_mark_all_read_marks_only_mine_and_twice_is_harmless(world, client_for):
    # given: notices for me and for someone else
    for key in ("a", "b", "c"):
        tell(world.officer_a, key, url=f"/s/{key}/")
    tell(world.officer_b, "theirs")
    client = client_for(world.officer_a)
    # when: I press "mark all as read" twice (a double submit)
    first = client.post(MARK)
    second = client.post(MARK)
    # then: mine are read, theirs is not, and both answers go back to the inbox
    assert unread(world.officer_a) == 0 and unread(world.officer_b) == 1
    assert first.status_code == second.status_code == 302
    assert first["Location"] == INBOX


def test_mark_read_is_post_only_and_for_signed_in_people(world, client_for):
    tell(world.officer_a, "a")
    assert client_for(world.officer_a).get(MARK).status_code == 405
    response = client_for(None).post(MARK)
    assert response.status_code == 302 and "/login" in response["Location"]
    assert unread(world.officer_a) == 1


def test_mark_read_needs_the_csrf_token(world, client_for):
    from django.test import Client

    tell(world.officer_a, "a")
    client = Client(enforce_csrf_checks=True)
    client.force_login(
        world.officer_a, backend="grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"
    )
    assert client.post(MARK).status_code == 403
    assert unread(world.officer_a) == 1


def test_marking_a_group_read_marks_that_subject_only(world, client_for):
    # given: two notices about X, one about Y
    tell(world.officer_a, "x1", url="/appeals/handle/x/")
    tell(world.officer_a, "x2", url="/appeals/handle/x/")
    tell(world.officer_a, "y1", url="/appeals/handle/y/")
    x1 = Notification.objects.get(dedupe_key="x1")
    # when: the group's form is sent (it names one unread notice of the group)
    client_for(world.officer_a).post(MARK, {"notification": x1.reference, "group": "1"})
    # then: both X notices are read, Y is not
    assert set(
        Notification.objects.filter(read_at__isnull=True).values_list("dedupe_key", flat=True)
    ) == {"y1"}


def test_another_person_cannot_mark_my_group_read(world, client_for):
    # given: my group about X, and the other officer's own notice about X
    tell(world.officer_a, "mine", url="/appeals/handle/x/")
    tell(world.officer_b, "theirs", url="/appeals/handle/x/")
    mine = Notification.objects.get(dedupe_key="mine")
    # when: the other officer sends my notice's reference
    response = client_for(world.officer_b).post(
        MARK, {"notification": mine.reference, "group": "1"}
    )
    # then: nothing of mine changed (nor theirs: no notice of theirs was named)
    assert response.status_code == 302
    assert unread(world.officer_a) == 1 and unread(world.officer_b) == 1
    assert (
        client_for(world.officer_b).post(MARK, {"notification": "x", "group": "1"}).status_code
        == 404
    )


def test_preferences_offer_the_daily_choice_for_deadline_warnings(world, client_for):
    client = client_for(world.officer_a)
    # given: the default is one notice a day
    form = client.get(reverse("notifications:preferences")).context["form"]
    assert form.initial["when_appeals_warning"] == "daily"
    # when: the officer chooses one notice each
    response = client.post(
        reverse("notifications:preferences"),
        {"quiet_start": "22:00", "quiet_end": "07:30", "when_appeals_warning": "each"},
    )
    # then: it is kept, and the page shows it chosen
    assert response.status_code == 302
    assert not KindPreference.objects.get(
        user=world.officer_a, kind="appeals.warning", channel=DAILY
    ).enabled
    form = client.get(reverse("notifications:preferences")).context["form"]
    assert form.initial["when_appeals_warning"] == "each"


def test_preferences_refuse_a_missing_or_unknown_daily_answer(world, client_for):
    client = client_for(world.officer_a)
    for answer in ({}, {"when_appeals_warning": "weekly"}):
        response = client.post(
            reverse("notifications:preferences"),
            {"quiet_start": "22:00", "quiet_end": "07:30", **answer},
        )
        assert response.status_code == 200
        assert "when_appeals_warning" in response.context["form"].errors
    assert not KindPreference.objects.filter(user=world.officer_a).exists()


def test_notices_that_share_a_list_link_stay_apart_and_are_marked_read_apart(world, client_for):
    # given: two reminders and two transfer notices, each pair sharing a list's link
    from grassroots.notifications import services

    for n, url in enumerate(
        ["/notifications/", "/notifications/", "/orgs/transfers/", "/orgs/transfers/"]
    ):
        services.notify(
            recipients=[world.officer_a],
            kind="reminder",
            title=f"提醒{n}",
            url=url,
            event_key=f"r{n}",
        )
    # when the inbox is read
    client = client_for(world.officer_a)
    groups = client.get(reverse("notifications:inbox")).context["groups"]
    # then each is a group of its own
    ours = [g for g in groups if g.latest.title.startswith("提醒")]
    assert len(ours) == 4 and all(len(g.notices) == 1 for g in ours)
    # and marking one read with its group leaves the other three unread
    services.notification_mark_read(
        user=world.officer_a, notification_ids=[ours[0].latest.pk], with_subject=True
    )
    assert Notification.objects.filter(title__startswith="提醒", read_at__isnull=True).count() == 3
