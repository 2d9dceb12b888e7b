"""The status history: which rows each write appends, and what it refuses."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from grassroots.orgs import services
from grassroots.orgs.models import Member, MemberStatusChange, OrgUnit
from grassroots.orgs.tests.factories import OrgUnitFactory
from grassroots.orgs.tests.test_importing import import_as_gone

pytestmark = pytest.mark.django_db

Source = MemberStatusChange.Source


def _history(member):
    return [
        (row.from_status, row.to_status, row.on, row.reason, row.source, row.corrects_id)
        for row in MemberStatusChange.objects.filter(member=member).order_by("on", "pk")
    ]


def test_a_new_record_opens_its_history_on_its_first_day(world):
    # when
    member = services.member_create(
        actor=world.officer_a,
        user=world.employee,
        stage=Member.Stage.APPLICANT,
        branch=world.branch_a,
        applied_on=datetime.date(2024, 5, 6),
    )
    # then
    row = MemberStatusChange.objects.get(member=member)
    assert (row.from_status, row.to_status, row.on) == ("", "normal", datetime.date(2024, 5, 6))
    assert (row.recorded_by, row.source) == (world.officer_a, Source.RECORDED)


def test_suspending_and_restoring_appends_rows_and_keeps_what_the_record_said(world):
    # given: a record without history (opened before it was kept)
    member = world.member_b
    # when
    services.member_update(
        actor=world.officer_b,
        member=member,
        status=Member.Status.SUSPENDED,
        left_on=datetime.date(2023, 3, 1),
    )
    services.member_update(
        actor=world.officer_b,
        member=member,
        status=Member.Status.RESTORED,
        status_on=datetime.date(2025, 6, 1),
    )
    # then: the record's own story first, then the two changes
    assert _history(member) == [
        ("", "normal", datetime.date(2000, 3, 1), "", Source.RECORD, None),
        ("normal", "suspended", datetime.date(2023, 3, 1), "suspended", Source.RECORDED, None),
        ("suspended", "restored", datetime.date(2025, 6, 1), "", Source.RECORDED, None),
    ]
    member.refresh_from_db()
    assert (member.status, member.left_on) == ("restored", None)


def test_a_change_before_the_change_in_force_is_refused_and_nothing_is_saved(world):
    # given
    member = world.member_b
    services.member_update(
        actor=None, member=member, status=Member.Status.SUSPENDED, left_on=datetime.date(2024, 3, 1)
    )
    rows = _history(member)
    # when: restored "before" the suspension
    with pytest.raises(ValidationError) as error:
        services.member_update(
            actor=None,
            member=member,
            status=Member.Status.RESTORED,
            status_on=datetime.date(2024, 1, 1),
        )
    # then
    assert "status_on" in error.value.message_dict
    member.refresh_from_db()
    assert member.status == Member.Status.SUSPENDED
    assert _history(member) == rows


def test_a_status_change_day_in_the_future_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.member_update(
            actor=None,
            member=world.member_b,
            status=Member.Status.RETAINED,
            status_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert "status_on" in error.value.message_dict
    assert not MemberStatusChange.objects.filter(member=world.member_b).exists()


def test_a_leaving_day_put_right_is_a_new_row_that_corrects_the_old_one(world):
    # given
    member = world.member_b
    services.member_update(
        actor=None, member=member, status=Member.Status.LEFT, left_on=datetime.date(2024, 3, 1)
    )
    wrong = MemberStatusChange.objects.get(member=member, to_status="left")
    # when
    services.member_update(actor=None, member=member, left_on=datetime.date(2024, 9, 1))
    # then: the old row is as it was, the new one names it
    wrong.refresh_from_db()
    assert wrong.on == datetime.date(2024, 3, 1)
    right = MemberStatusChange.objects.get(corrects=wrong)
    assert (right.from_status, right.to_status, right.on) == (
        "normal",
        "left",
        datetime.date(2024, 9, 1),
    )


def test_an_edit_that_leaves_the_status_alone_writes_no_row(world):
    services.member_update(actor=None, member=world.member_b, education="bachelor")
    assert not MemberStatusChange.objects.filter(member=world.member_b).exists()


def test_the_import_appends_a_status_change(world):
    # given
    member = world.member_a
    # when: the import says they left the Party
    batch = import_as_gone(world, member)
    # then
    assert batch.outcome == "applied", batch.errors
    last = MemberStatusChange.objects.filter(member=member).order_by("on", "pk").last()
    assert (last.from_status, last.to_status, last.on) == (
        "normal",
        "left",
        timezone.localdate(),
    )
    assert last.recorded_by == world.officer_a


def test_an_officer_records_the_day_a_member_was_restored(world, client_for):
    # given: member_a suspended in 2023
    services.member_update(
        actor=None,
        member=world.member_a,
        status=Member.Status.SUSPENDED,
        left_on=datetime.date(2023, 3, 1),
    )
    data = {
        "stage": "full",
        "status": "restored",
        "status_on": "2025-06-01",
        "left_on": "",
        "leaving_reason": "",
        "branch": world.branch_a.pk,
        "group": world.group_a.pk,
        "applied_on": "2000-03-01",
        "activist_on": "2000-09-01",
        "candidate_on": "2001-10-01",
        "admitted_on": "2002-01-01",
        "full_on": "2003-01-02",
        "birth_date": "1975-06-15",
        "gender": "m",
        "ethnicity": "汉族",
        "education": "high_school",
        "id_card_number": "",
    }
    url = reverse("orgs:member_edit", args=[world.member_a.pk])
    # when: an officer of another branch tries, then the member's own officer
    assert client_for(world.officer_b).post(url, data).status_code == 404
    assert (
        client_for(world.officer_a).post(url, data | {"status_on": "not a day"}).status_code == 200
    )
    response = client_for(world.officer_a).post(url, data)
    # then
    assert response.status_code == 302
    last = MemberStatusChange.objects.filter(member=world.member_a).order_by("on", "pk").last()
    assert (last.from_status, last.to_status, last.on) == (
        "suspended",
        "restored",
        datetime.date(2025, 6, 1),
    )
    assert last.recorded_by == world.officer_a


def test_an_officer_fills_in_the_day_a_branch_was_dissolved(world, client_for):
    # given: a branch of the committee made inactive before the day was kept
    branch = OrgUnitFactory(
        kind=OrgUnit.Kind.BRANCH, parent=world.committee, is_active=False, name="旧支部"
    )
    url = reverse("orgs:unit_edit", args=[branch.pk])
    data = {"name": "旧支部", "dissolved_on": "2019-05-01", "term_ends_on": ""}
    # when: a visitor, an officer of another organisation, then the committee's officer
    assert client_for(None).post(url, data).status_code == 302
    assert client_for(world.officer_b).post(url, data).status_code == 404
    branch.refresh_from_db()
    assert branch.dissolved_on is None
    response = client_for(world.committee_officer).post(url, data)
    # then
    assert response.status_code == 302
    branch.refresh_from_db()
    assert branch.dissolved_on == datetime.date(2019, 5, 1)
    # a day in the future is refused with the form shown again
    response = client_for(world.committee_officer).post(url, data | {"dissolved_on": "2999-01-01"})
    assert response.status_code == 200
    branch.refresh_from_db()
    assert branch.dissolved_on == datetime.date(2019, 5, 1)


def test_an_active_organisation_is_not_offered_a_dissolution_day(world, client_for):
    response = client_for(world.committee_officer).get(
        reverse("orgs:unit_edit", args=[world.branch_b.pk])
    )
    assert "dissolved_on" not in response.context["form"].fields


def test_a_restoration_before_the_leaving_day_the_record_gives_is_refused(world):
    # given: a record without history, suspended since 2024-03-01 (written past the
    # services, as older records were)
    Member.objects.filter(pk=world.member_b.pk).update(
        status=Member.Status.SUSPENDED, left_on=datetime.date(2024, 3, 1)
    )
    # when / then
    with pytest.raises(ValidationError) as error:
        services.member_update(
            actor=None,
            member=world.member_b,
            status=Member.Status.RESTORED,
            status_on=datetime.date(2023, 1, 1),
        )
    assert "status_on" in error.value.message_dict
    assert not MemberStatusChange.objects.filter(member=world.member_b).exists()


def _suspend_restore_suspend(world):
    member = world.member_b
    services.member_update(
        actor=None, member=member, status=Member.Status.SUSPENDED, left_on=D(2023, 3, 1)
    )
    services.member_update(
        actor=None, member=member, status=Member.Status.RESTORED, status_on=D(2025, 6, 1)
    )
    services.member_update(
        actor=None, member=member, status=Member.Status.SUSPENDED, left_on=D(2025, 9, 1)
    )
    member.refresh_from_db()
    return member


D = datetime.date


def test_a_leaving_day_put_right_cannot_go_before_the_change_in_force_before_it(world):
    # given: suspended, restored on 2025-06-01, suspended again on 2025-09-01
    member = _suspend_restore_suspend(world)
    rows = _history(member)
    # when: the second suspension's day is put right to before the restoration
    with pytest.raises(ValidationError) as refused:
        services.member_update(actor=None, member=member, left_on=D(2024, 1, 1))
    # then: refused on the leaving day, nothing written
    assert "left_on" in refused.value.message_dict
    assert _history(member) == rows
    member.refresh_from_db()
    assert member.left_on == D(2025, 9, 1)
    # a day after the restoration is put right
    services.member_update(actor=None, member=member, left_on=D(2025, 7, 1))
    right = MemberStatusChange.objects.get(member=member, corrects__isnull=False)
    assert (right.from_status, right.to_status, right.on) == (
        "restored",
        "suspended",
        D(2025, 7, 1),
    )


def test_a_leaving_day_put_right_cannot_go_before_the_record_opened(world):
    # given: a member in good standing since their first day, suspended in 2023
    member = world.member_b
    services.member_update(
        actor=None, member=member, status=Member.Status.SUSPENDED, left_on=D(2023, 3, 1)
    )
    member.refresh_from_db()
    first = _history(member)[0][2]
    # when / then: a leaving day before the opening row is refused
    with pytest.raises(ValidationError) as refused:
        services.member_update(actor=None, member=member, left_on=first - datetime.timedelta(1))
    assert "left_on" in refused.value.message_dict
    services.member_update(actor=None, member=member, left_on=first)
    assert MemberStatusChange.objects.get(member=member, corrects__isnull=False).on == first


def test_a_change_between_statuses_out_of_good_standing_takes_its_day_from_status_on(world):
    # given: suspended on 2023-03-01
    member = world.member_b
    services.member_update(
        actor=None, member=member, status=Member.Status.SUSPENDED, left_on=D(2023, 3, 1)
    )
    member.refresh_from_db()
    # when: a new leaving day with the change to left is refused ...
    with pytest.raises(ValidationError) as refused:
        services.member_update(
            actor=None,
            member=member,
            status=Member.Status.LEFT,
            left_on=D(2024, 5, 1),
            leaving_reason=Member.LeavingReason.DEATH,
        )
    assert "left_on" in refused.value.message_dict
    # ... and the day of the change is given as status_on
    services.member_update(
        actor=None,
        member=member,
        status=Member.Status.LEFT,
        leaving_reason=Member.LeavingReason.DEATH,
        status_on=D(2024, 5, 1),
    )
    # then: the record keeps the day it left good standing, the row has the day of death
    member.refresh_from_db()
    assert (member.left_on, member.leaving_reason) == (D(2023, 3, 1), "death")
    assert _history(member)[-2:] == [
        ("normal", "suspended", D(2023, 3, 1), "suspended", Source.RECORDED, None),
        ("suspended", "left", D(2024, 5, 1), "death", Source.RECORDED, None),
    ]


def test_a_leaving_day_put_right_after_a_second_change_corrects_the_first(world):
    # given: suspended on 2023-03-01, died on 2024-05-01
    member = world.member_b
    services.member_update(
        actor=None, member=member, status=Member.Status.SUSPENDED, left_on=D(2023, 3, 1)
    )
    services.member_update(
        actor=None,
        member=member,
        status=Member.Status.LEFT,
        leaving_reason=Member.LeavingReason.DEATH,
        status_on=D(2024, 5, 1),
    )
    member.refresh_from_db()
    suspension = MemberStatusChange.objects.get(member=member, to_status="suspended")
    death = MemberStatusChange.objects.get(member=member, to_status="left")
    # when: a leaving day on or after the death is refused, one before the suspension
    # is put right
    with pytest.raises(ValidationError):
        services.member_update(actor=None, member=member, left_on=D(2024, 6, 1))
    services.member_update(actor=None, member=member, left_on=D(2023, 2, 1))
    # then: the suspension row is corrected, the death row stays in force
    correction = MemberStatusChange.objects.get(corrects__isnull=False)
    assert correction.corrects == suspension
    assert (correction.from_status, correction.to_status, correction.on) == (
        "normal",
        "suspended",
        D(2023, 2, 1),
    )
    assert correction.reason == "suspended"
    assert not death.corrections.exists()


def test_a_change_between_statuses_out_of_good_standing_before_the_last_is_refused(world):
    member = world.member_b
    services.member_update(
        actor=None, member=member, status=Member.Status.SUSPENDED, left_on=D(2023, 3, 1)
    )
    member.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.member_update(
            actor=None, member=member, status=Member.Status.LEFT, status_on=D(2023, 1, 1)
        )
    assert "status_on" in refused.value.message_dict


def test_the_leaving_day_of_a_member_out_of_good_standing_cannot_be_cleared(world):
    member = world.member_b
    services.member_update(
        actor=None, member=member, status=Member.Status.SUSPENDED, left_on=D(2023, 3, 1)
    )
    member.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.member_update(actor=None, member=member, left_on=None)
    assert "left_on" in refused.value.message_dict
    member.refresh_from_db()
    assert member.left_on == D(2023, 3, 1)
