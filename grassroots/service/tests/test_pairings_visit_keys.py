"""A visit form carries a one-time key (the page's script or the offline queue fills it):
the same form sent again — a retry, a double tap, two tabs, a queue that lost the answer —
records one visit."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.core.testing.races import at_once
from grassroots.service.models import Pairing, Visit
from grassroots.service.pairings import services

BACKEND = "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"


def make(world, *, employee=None):
    return Pairing.objects.create(
        unit=world.branch_a,
        member=world.member_a.user,
        employee=employee or world.employee,
        reason=Pairing.Reason.FAMILY,
        reason_detail="父亲瘫痪在床，独自照顾",
        started_on=timezone.localdate() - datetime.timedelta(days=30),
        created_by=world.officer_a,
    )


def record(world, pairing, key, *, actor=None, help_given="送去慰问金"):
    return services.visit_record(
        actor=actor or world.member_a.user,
        pairing=pairing,
        on=timezone.localdate(),
        help_given=help_given,
        needs_heard="",
        idempotency_key=key,
    )


@pytest.mark.django_db
def test_the_same_key_gives_back_the_first_visit_even_with_other_text(world):
    pairing = make(world)
    first = record(world, pairing, "k-1")
    again = record(world, pairing, "k-1", help_given="第二次点击时改过的字")
    assert again.pk == first.pk
    assert Visit.objects.filter(pairing=pairing).count() == 1


@pytest.mark.django_db
def test_two_keys_make_two_visits_even_with_the_same_text(world):
    pairing = make(world)
    record(world, pairing, "k-1", help_given="送去慰问金")
    record(world, pairing, "k-2", help_given="帮忙联系维修")
    record(world, pairing, "k-3", help_given="帮忙联系维修")
    # same day and text without a key or with another key: the content check still folds it
    assert Visit.objects.filter(pairing=pairing).count() == 2


@pytest.mark.django_db
def test_a_key_used_on_another_pairing_is_refused_and_saves_nothing(world):
    pairing = make(world)
    other = make(world, employee=world.officer_b)
    record(world, pairing, "k-1")
    with pytest.raises(ValidationError, match="已经提交过"):
        record(world, other, "k-1")
    assert not Visit.objects.filter(pairing=other).exists()


@pytest.mark.django_db
def test_the_key_is_once_per_person(world):
    pairing = make(world)
    record(world, pairing, "k-1", help_given="送去慰问金")
    record(world, pairing, "k-1", actor=world.officer_a, help_given="书记也去了")
    assert Visit.objects.filter(pairing=pairing).count() == 2


@pytest.mark.django_db
def test_the_page_fills_a_key_and_a_second_post_of_the_form_records_once(world):
    pairing = make(world)
    client = Client()
    client.force_login(world.member_a.user, backend=BACKEND)
    url = reverse("service:pairing", args=[pairing.pk])
    page = client.get(url)
    key = page.context["visit_form"]["key"].value()
    assert key and 'name="visit-key"' in page.content.decode()
    form = {
        "action": "visit",
        "visit-date": timezone.localdate().isoformat(),
        "visit-help_given": "送去慰问金",
        "visit-needs_heard": "",
        "visit-key": key,
    }
    assert client.post(url, form).status_code == 302
    assert client.post(url, form | {"visit-help_given": "又点了一次"}).status_code == 302
    assert Visit.objects.filter(pairing=pairing).count() == 1


@pytest.mark.django_db
def test_an_over_long_key_is_refused_with_nothing_saved(world):
    pairing = make(world)
    client = Client()
    client.force_login(world.member_a.user, backend=BACKEND)
    response = client.post(
        reverse("service:pairing", args=[pairing.pk]),
        {
            "action": "visit",
            "visit-date": timezone.localdate().isoformat(),
            "visit-help_given": "送去慰问金",
            "visit-key": "x" * 65,
        },
    )
    assert response.status_code == 200
    assert not Visit.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_threads_with_the_same_key_record_one_visit(world):
    pairing = make(world)
    visits, failed = at_once(lambda: record(world, pairing, "same-key").pk, times=4)
    assert failed == []
    assert len(set(visits)) == 1
    assert Visit.objects.filter(pairing=pairing).count() == 1
