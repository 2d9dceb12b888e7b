"""The privacy of a pairing's reason (the issue asks for its own test).

The kind of difficulty, its details, the visit notes and the reason the pairing ended are
seen by the paired member and the officers of the pairing's own branch — and by nobody
else: not committee officers, not administrators, not the colleague helped, not the audit
log, not any notice, not any list."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.core.models import AuditEntry
from grassroots.notifications.models import Notification
from grassroots.service.models import Pairing
from grassroots.service.pairings import jobs, services

pytestmark = pytest.mark.django_db
BACKEND = "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"
DETAIL = "确诊乳腺癌，正在化疗，丈夫下岗"
HELP = "陪同去医院复查，送去营养品"
NEEDS = "希望夜班调成白班，方便去医院"
END_REASON = "病情稳定，已回岗位"
SECRETS = (DETAIL, HELP, NEEDS, END_REASON)


def client_as(user):
    client = Client()
    if user is not None:
        client.force_login(user, backend=BACKEND)
    return client


@pytest.fixture
def story(world):
    """A pairing made, visited and (for the second one) ended through the services."""
    today = timezone.localdate()
    live = services.pairing_create(
        actor=world.officer_a,
        unit=world.branch_a,
        member=world.member_a.user,
        employee=world.employee,
        reason=Pairing.Reason.ILLNESS,
        reason_detail=DETAIL,
        started_on=today - datetime.timedelta(days=200),
    )
    services.visit_record(
        actor=world.member_a.user,
        pairing=live,
        on=today - datetime.timedelta(days=120),
        help_given=HELP,
        needs_heard=NEEDS,
    )
    ended = services.pairing_create(
        actor=world.officer_a,
        unit=world.branch_a,
        member=world.officer_a,
        employee=world.employee,
        reason=Pairing.Reason.ILLNESS,
        reason_detail=DETAIL,
        started_on=today - datetime.timedelta(days=300),
    )
    services.pairing_end(actor=world.officer_a, pairing=ended, on=today, reason=END_REASON)
    jobs.pairing_visit_reminders(timezone.now())  # 120 days without a visit: reminders go out
    return live, ended


def pages(pairings):
    live, ended = pairings
    return [
        reverse("service:pairings"),
        reverse("service:pairing", args=[live.pk]),
        reverse("service:pairing", args=[ended.pk]),
    ]


def reason_label():
    return str(Pairing.Reason.ILLNESS.label)


@pytest.mark.parametrize("who", ["member", "officer_a"])
def test_the_member_and_the_branch_officers_see_the_reason(world, story, who):
    live, ended = story
    user = world.member_a.user if who == "member" else world.officer_a
    page = client_as(user).get(reverse("service:pairing", args=[live.pk])).content.decode()
    assert DETAIL in page and HELP in page and NEEDS in page and reason_label() in page
    if who == "officer_a":
        page = client_as(user).get(reverse("service:pairing", args=[ended.pk])).content.decode()
        assert END_REASON in page


@pytest.mark.parametrize("who", ["committee_officer", "admin"])
def test_committee_officers_and_admins_see_the_pairing_but_not_the_reason(world, story, who):
    client = client_as(getattr(world, who))
    for url in pages(story):
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        for secret in SECRETS:
            assert secret not in page, (url, secret)
        assert reason_label() not in page
    # they can follow up: the pairing, its days without a visit and its visit count show
    live, _ended = story
    response = client.get(reverse("service:pairing", args=[live.pk]))
    assert response.context["days"] == 120 and response.context["visit_count"] == 1
    assert response.context["visits"] == []


def test_the_colleague_helped_sees_nothing_of_it(world, story):
    client = client_as(world.employee)
    for url in pages(story):
        assert client.get(url).status_code == 404
    # nor in their inbox
    assert not Notification.objects.filter(recipient=world.employee).exists()
    page = client.get(reverse("notifications:inbox")).content.decode()
    for secret in SECRETS:
        assert secret not in page


def test_officers_of_another_branch_see_nothing(world, story):
    client = client_as(world.officer_b)
    live, ended = story
    assert client.get(reverse("service:pairing", args=[live.pk])).status_code == 404
    assert client.get(reverse("service:pairing", args=[ended.pk])).status_code == 404
    page = client.get(reverse("service:pairings")).content.decode()
    assert world.employee.name not in page


def test_the_lists_never_show_the_reason_even_to_those_who_may_see_it(world, story):
    for user in (world.member_a.user, world.officer_a, world.committee_officer, world.admin):
        page = client_as(user).get(reverse("service:pairings")).content.decode()
        for secret in SECRETS:
            assert secret not in page


def test_the_audit_log_keeps_no_reason_no_notes_no_end_reason(world, story):
    entries = AuditEntry.objects.filter(action__startswith="pairing.")
    assert {e.action for e in entries} >= {"pairing.create", "pairing.visit", "pairing.end"}
    stored = json.dumps([[e.changes, e.target_label] for e in entries], ensure_ascii=False)
    for secret in SECRETS:
        assert secret not in stored
    assert "reason" not in stored  # neither the kind nor the field name
    # and the audit log page a committee officer reads shows none of it
    page = client_as(world.committee_officer).get(reverse("insights:audit_log")).content.decode()
    assert "pairing.create" in page
    for secret in SECRETS:
        assert secret not in page
    assert reason_label() not in page


def test_notices_name_the_people_but_never_the_difficulty(world, story):
    notices = Notification.objects.filter(kind="service.pairing")
    assert notices.filter(recipient=world.member_a.user).count() == 2  # paired, and reminded
    assert notices.filter(recipient=world.officer_a).exists()  # reminded as branch officer
    for notice in notices:
        text = notice.title + notice.body
        for secret in SECRETS:
            assert secret not in text
        assert reason_label() not in text
