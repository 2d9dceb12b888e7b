"""Sign-in records (django-axes: attempts, access and failure logs) name a person, an
address and a time: they are kept for a short, configurable time (SIGN_IN_RECORD_DAYS,
30 by default), pruned by a daily job, and shown to administrators only."""

from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.tests.clients import client_as
from grassroots.accounts.tests.factories import UserFactory
from grassroots.core.scheduling import JOBS

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 6, 3, 0, tzinfo=datetime.UTC)
RECORDS = (AccessAttempt, AccessLog, AccessFailureLog)


def record(model, *, days_ago: float, username: str = "T00001"):
    extra = {"failures_since_start": 1} if model is AccessAttempt else {}
    row = model.objects.create(
        username=username, ip_address="192.0.2.1", user_agent="test", path_info="/", **extra
    )
    # attempt_time is auto_now_add: set it afterwards
    model.objects.filter(pk=row.pk).update(attempt_time=NOW - datetime.timedelta(days=days_ago))
    return row


def test_the_default_is_thirty_days(settings):
    from config.settings import base

    assert base.SIGN_IN_RECORD_DAYS == 30


@pytest.mark.parametrize("model", RECORDS)
def test_records_older_than_the_period_are_deleted(model):
    from grassroots.accounts.services import sign_in_records_prune

    # given: one record a day past the 30 days, one a day short of them
    old = record(model, days_ago=31, username="T00001")
    recent = record(model, days_ago=29, username="T00002")
    # when
    deleted = sign_in_records_prune(now=NOW)
    # then
    assert deleted == 1
    assert list(model.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not model.objects.filter(pk=old.pk).exists()


def test_the_period_is_a_setting(settings):
    from grassroots.accounts.services import sign_in_records_prune

    settings.SIGN_IN_RECORD_DAYS = 7
    record(AccessLog, days_ago=8)
    kept = record(AccessLog, days_ago=6)
    assert sign_in_records_prune(now=NOW) == 1
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [kept.pk]


def test_a_daily_job_prunes_them():
    job = JOBS["accounts.sign_in_records_prune"]
    assert job.daily_at is not None
    record(AccessLog, days_ago=45)
    job.func(timezone.now())
    assert not AccessLog.objects.exists()


ADMIN_PAGES = [f"admin:axes_{model.__name__.lower()}_changelist" for model in RECORDS]


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_administrators_see_sign_in_records(world, page):
    record(AccessLog, days_ago=1)
    assert client_as(world.admin).get(reverse(page)).status_code == 200


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_staff_with_permissions_on_them_do_not(world, page):
    # given: a member of staff granted every permission on the sign-in records
    staff = UserFactory(is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="axes"))
    # when / then: not listed, not opened
    client = client_as(staff)
    assert client.get(reverse(page)).status_code == 403
    index = client.get(reverse("admin:index"))
    assert "axes" not in {app["app_label"] for app in index.context["app_list"]}


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_visitors_are_sent_to_sign_in(page):
    response = client_as(None).get(reverse(page))
    assert response.status_code == 302 and "/login/" in response.url
