from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grassroots.insights.tests.topic_factories import month_appeals, other_committee
from grassroots.insights.topics import services
from grassroots.insights.topics.models import HotTopic, TopicRun
from grassroots.orglife.models import Meeting

pytestmark = pytest.mark.django_db

OCTOBER = datetime.date(2026, 10, 1)
PAGE = reverse("insights:topics")


@pytest.fixture
def topics(world, django_capture_on_commit_callbacks):
    month_appeals(world, OCTOBER, categories=("canteen", "bus"))
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_request(actor=None, unit=world.committee, month=OCTOBER)
    return list(TopicRun.objects.get(pk=run.pk).topics.order_by("rank"))


def test_a_committee_officer_sees_the_months_topics(world, client_for, topics):
    response = client_for(world.committee_officer).get(
        PAGE, {"unit": world.committee.pk, "month": "2026-10"}
    )
    assert response.status_code == 200
    view = response.context["view"]
    assert view.unit == world.committee and view.run.texts == 12
    assert [t.pk for t in view.topics] == [t.pk for t in topics]
    assert response.context["may_adopt"]
    assert reverse("insights:topic_adopt", args=[topics[0].pk]).encode() in response.content


def test_an_officer_of_another_committee_gets_404(world, client_for, topics):
    _committee, outsider = other_committee()
    client = client_for(outsider)
    assert client.get(PAGE, {"unit": world.committee.pk}).status_code == 404
    adopt = reverse("insights:topic_adopt", args=[topics[0].pk])
    assert client.get(adopt).status_code == 404
    assert client.post(adopt, {"into": "deed", "title": "x"}).status_code == 404
    run = reverse("insights:topics_run")
    assert client.post(run, {"unit": world.committee.pk, "month": "2026-10"}).status_code == 404


@pytest.mark.parametrize("who", ["officer_a", "employee", "member"])
def test_branch_officers_members_and_employees_get_404(world, client_for, topics, who):
    user = world.member_a.user if who == "member" else getattr(world, who)
    client = client_for(user)
    assert client.get(PAGE).status_code == 404
    assert client.get(reverse("insights:topic_adopt", args=[topics[0].pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client_for, topics):
    client = client_for(None)
    assert client.get(PAGE).status_code == 302
    assert client.get(reverse("insights:topic_adopt", args=[topics[0].pk])).status_code == 302


def test_the_page_reads_a_fixed_number_of_queries(world, client_for, topics):
    client = client_for(world.committee_officer)
    args = {"unit": world.committee.pk, "month": "2026-10"}

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(PAGE, args).status_code == 200
        return len(captured)

    queries()
    before = queries()
    run = TopicRun.objects.get()
    HotTopic.objects.bulk_create(
        HotTopic(run=run, rank=50 + i, size=1, keywords=["词"], examples=["例"]) for i in range(5)
    )
    assert queries() == before


def test_asking_for_a_fresh_run_queues_one(world, client_for, django_capture_on_commit_callbacks):
    client = client_for(world.committee_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("insights:topics_run"), {"unit": world.committee.pk, "month": "2026-10"}
        )
    assert response.status_code == 302
    assert TopicRun.objects.get().status == TopicRun.Status.DONE


def test_adopting_as_a_themed_day_in_one_step(world, client_for, topics):
    client = client_for(world.committee_officer)
    adopt = reverse("insights:topic_adopt", args=[topics[0].pk])
    assert client.get(adopt).status_code == 200
    starts = timezone.localtime() + datetime.timedelta(days=5)
    response = client.post(
        adopt,
        {
            "into": "themed_day",
            "title": "每月一题：食堂",
            "branch": world.branch_b.pk,
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "place": "党员活动室",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert (meeting.unit, meeting.kind, meeting.topic) == (
        world.branch_b,
        "themed_day",
        "每月一题：食堂",
    )
    topics[0].refresh_from_db()
    assert topics[0].adopted_as == "themed_day"
    page = client.get(PAGE, {"unit": world.committee.pk, "month": "2026-10"})
    assert page.context["view"].adopted == topics[0] and not page.context["may_adopt"]


def test_adopting_with_missing_fields_shows_errors_and_saves_nothing(world, client_for, topics):
    client = client_for(world.committee_officer)
    adopt = reverse("insights:topic_adopt", args=[topics[0].pk])
    response = client.post(adopt, {"into": "themed_day", "title": "x"})
    assert response.status_code == 200
    assert {"branch", "starts_at", "place"} <= set(response.context["form"].errors)
    response = client.post(adopt, {"into": "deed", "title": "x"})
    assert response.status_code == 200
    assert {"services", "due_on"} <= set(response.context["form"].errors)
    assert not Meeting.objects.exists()
    assert not HotTopic.objects.exclude(adopted_as="").exists()
