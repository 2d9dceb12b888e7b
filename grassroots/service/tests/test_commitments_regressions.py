"""Regressions found in review of the commitment code: each test names the hole it keeps
shut."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.core.models import AuditEntry
from grassroots.service.commitments import services
from grassroots.service.models import Commitment, CommitmentProgress

pytestmark = pytest.mark.django_db
BACKEND = "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"
DRAFT_TEXT = "草稿：每月走访班组困难职工一次。"


def client_as(user):
    client = Client()
    if user is not None:
        client.force_login(user, backend=BACKEND)
    return client


def published(world):
    return Commitment.objects.create(
        member=world.member_a.user,
        unit=world.branch_a,
        department=world.department_a,
        year=timezone.localdate().year,
        text="坚持每周巡查安全隐患。",
        services=["masses"],
        status=Commitment.Status.PUBLISHED,
        approved_by=world.officer_a,
        published_at=timezone.now(),
    )


# --- Double submits -------------------------------------------------------------------


def test_the_draft_form_sent_twice_saves_one_draft(world):
    # given the member's draft form
    client = client_as(world.member_a.user)
    data = {
        "year": timezone.localdate().year,
        "text": DRAFT_TEXT,
        "services": ["masses"],
    }
    # when it is sent twice (a double click)
    first = client.post(reverse("service:commitment_new"), data)
    second = client.post(reverse("service:commitment_new"), data)
    # then one draft exists, and both answers lead to it
    commitment = Commitment.objects.get()
    assert first["Location"] == second["Location"]
    assert first["Location"] == reverse("service:commitment", args=[commitment.pk])


def test_two_different_drafts_for_a_year_are_both_kept(world):
    for text in ("第一份承诺", "第二份承诺"):
        services.commitment_draft(
            actor=world.member_a.user,
            year=timezone.localdate().year,
            text=text,
            services=["masses"],
        )
    assert Commitment.objects.count() == 2


def test_a_progress_note_sent_twice_is_added_once(world):
    # given a published commitment and its member
    commitment = published(world)
    client = client_as(world.member_a.user)
    data = {
        "action": "progress",
        "progress-date": timezone.localdate().isoformat(),
        "progress-text": "走访了三个班组。",
    }
    url = reverse("service:commitment", args=[commitment.pk])
    # when the note is sent twice
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    # then it is on record once
    assert CommitmentProgress.objects.filter(commitment=commitment).count() == 1


def test_returning_twice_answers_the_second_click_without_a_404(world):
    # given a submitted commitment and the branch officer
    commitment = services.commitment_draft(
        actor=world.member_a.user,
        year=timezone.localdate().year,
        text=DRAFT_TEXT,
        services=["masses"],
    )
    services.commitment_submit(actor=world.member_a.user, commitment=commitment)
    client = client_as(world.officer_a)
    url = reverse("service:commitment", args=[commitment.pk])
    data = {"action": "return", "return-reason": "请写得更具体"}
    # when "Return to the member" is clicked twice
    first = client.post(url, data)
    second = client.post(url, data)
    # then both lead back to the page, and it was returned once
    assert first.status_code == 302 and second.status_code == 302
    assert AuditEntry.objects.filter(action="commitment.return").count() == 1
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.RETURNED


def test_others_still_cannot_return_a_returned_commitment(world):
    commitment = services.commitment_draft(
        actor=world.member_a.user,
        year=timezone.localdate().year,
        text=DRAFT_TEXT,
        services=["masses"],
    )
    services.commitment_submit(actor=world.member_a.user, commitment=commitment)
    services.commitment_return(actor=world.officer_a, commitment=commitment, reason="请具体")
    url = reverse("service:commitment", args=[commitment.pk])
    for user in (world.officer_b, world.employee, world.member_a.user):
        response = client_as(user).post(url, {"action": "return", "return-reason": "x"})
        assert response.status_code == 404


# --- A draft is the member's own work --------------------------------------------------


def test_the_audit_log_keeps_no_draft_text_from_the_committee(world):
    # given a draft written and changed, never submitted
    commitment = services.commitment_draft(
        actor=world.member_a.user,
        year=timezone.localdate().year,
        text=DRAFT_TEXT,
        services=["masses"],
    )
    services.commitment_update(
        actor=world.member_a.user,
        commitment=commitment,
        text=DRAFT_TEXT + "（改）",
        services=["masses"],
    )
    # then the audit log (read by committee officers) does not hold the draft's words
    stored = json.dumps(
        list(AuditEntry.objects.filter(action__startswith="commitment.").values("changes")),
        ensure_ascii=False,
    )
    assert "草稿" not in stored
    page = client_as(world.committee_officer).get(reverse("insights:audit_log")).content.decode()
    assert "commitment.draft" in page and "草稿" not in page
    # and once submitted, the text the branch received is on record
    services.commitment_submit(actor=world.member_a.user, commitment=commitment)
    submitted = AuditEntry.objects.get(action="commitment.submit")
    assert DRAFT_TEXT + "（改）" in json.dumps(submitted.changes, ensure_ascii=False)


# --- Bad input in GET parameters -------------------------------------------------------


@pytest.mark.parametrize("year", ["abc", "99999", "1e5", "", "-1", "²", "2025.0"])
def test_a_strange_year_shows_this_year(world, year):
    response = client_as(world.officer_a).get(reverse("service:commitments"), {"year": year})
    assert response.status_code == 200
    assert response.context["year"] == timezone.localdate().year


# --- A double click whose two requests arrive together -----------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sendings_of_one_draft_at_the_same_moment_save_one(world):
    """The member's row is locked while drafting: the second sending finds the first."""
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    drafted: list[int] = []

    def press():
        try:
            barrier.wait()
            commitment = services.commitment_draft(
                actor=world.member_a.user,
                year=timezone.localdate().year,
                text=DRAFT_TEXT,
                services=["masses"],
            )
            drafted.append(commitment.pk)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Commitment.objects.count() == 1
    assert len(set(drafted)) == 1
