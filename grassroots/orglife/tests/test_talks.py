"""谈心谈话: who has not yet talked with whom, recording a talk, and who may see it."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from grassroots.orglife import rules, selectors, services
from grassroots.orgs.models import OrgPost
from grassroots.orgs.services import orgpost_assign
from grassroots.orgs.tests.factories import MemberFactory

BACKEND = "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"


def test_missing_talks_between_committee_members_and_with_members():
    pairs, alone = rules.missing_talks({1, 2, 3}, {1, 2, 3, 4, 5}, [(1, 2), (4, 3)])
    assert pairs == [(1, 3), (2, 3)]
    assert alone == [5]


@given(st.sets(st.integers(1, 12), max_size=6), st.sets(st.integers(1, 30), max_size=20))
def test_once_everyone_has_talked_nothing_is_missing(committee, others):
    members = committee | others
    talks = [(a, b) for a in committee for b in committee if a < b]
    talks += [(min(committee), m) for m in others - committee] if committee else []
    pairs, alone = rules.missing_talks(committee, members, talks)
    assert pairs == []
    assert alone == ([] if committee else sorted(others))


@pytest.mark.django_db
def test_recording_a_talk_closes_a_gap_and_keeps_notes_out_of_the_audit(world):
    from grassroots.core.models import AuditEntry

    today = timezone.localdate()
    secretary = world.officer_a.member
    deputy = MemberFactory(branch=world.branch_a)
    orgpost_assign(
        actor=None,
        unit=world.branch_a,
        member=deputy,
        kind=OrgPost.Kind.DEPUTY_SECRETARY,
        starts_on=today - datetime.timedelta(days=30),
    )
    before = selectors.talk_status(world.branch_a, year=today.year, on=today)
    assert world.member_a in before.missing_members
    services.talk_record(
        actor=world.officer_a,
        unit=world.branch_a,
        talker=secretary,
        talkee=world.member_a,
        held_on=today,
        notes="家中老人住院，需要调班",
    )
    after = selectors.talk_status(world.branch_a, year=today.year, on=today)
    assert world.member_a not in after.missing_members
    assert "住院" not in str(list(AuditEntry.objects.values_list("changes", flat=True)))
    with pytest.raises(ValidationError) as error:
        services.talk_record(
            actor=world.officer_a,
            unit=world.branch_a,
            talker=world.member_a,
            talkee=secretary,
            held_on=today,
        )
    assert "talker" in error.value.message_dict


@pytest.mark.django_db
def test_only_the_branch_officers_see_the_talks(world):
    url = reverse("orglife:talks", args=[world.branch_a.pk])
    for user, status in (
        (world.officer_a, 200),
        (world.committee_officer, 200),
        (world.officer_b, 404),
        (world.member_a.user, 404),
        (None, 302),
    ):
        client = Client()
        if user is not None:
            client.force_login(user, backend=BACKEND)
        assert client.get(url).status_code == status
    officer = Client()
    officer.force_login(world.officer_a, backend=BACKEND)
    response = officer.post(
        url,
        {
            "talker": world.officer_a.member.pk,
            "talkee": world.member_a.pk,
            "held_on": timezone.localdate().isoformat(),
            "notes": "谈工作",
        },
    )
    assert response.status_code == 302
    assert "谈工作" in officer.get(url).content.decode()
