"""The data migrations that give older records their history: 0010 fills leaving and
dissolution days from the audit log, 0012 builds the status history. Each is run here
by calling its function over the current models, on records made to look as they did
before (the new fields emptied, the history rows removed)."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from grassroots.core.models import AuditEntry
from grassroots.orgs import services
from grassroots.orgs.models import Member, MemberStatusChange, OrgUnit
from grassroots.orgs.tests.factories import OrgUnitFactory

pytestmark = pytest.mark.django_db

fill_days = importlib.import_module(
    "grassroots.orgs.migrations.0010_leaving_and_dissolution_days_from_audit_log"
).fill_days
backfill = importlib.import_module(
    "grassroots.orgs.migrations.0012_member_status_history_backfill"
).backfill


def _history(member):
    return [
        (row.from_status, row.to_status, row.on, row.reason, row.source)
        for row in MemberStatusChange.objects.filter(member=member).order_by("on", "pk")
    ]


def test_leaving_and_dissolution_days_come_from_the_audit_log(world):
    # given: a member and a branch made inactive through the services (audited), their
    # days then emptied as before 0008; and a member and a branch made inactive past
    # the services (no audit entry)
    services.member_update(actor=None, member=world.member_b, status=Member.Status.SUSPENDED)
    branch = OrgUnitFactory(kind=OrgUnit.Kind.BRANCH, parent=world.committee)
    services.orgunit_update(actor=None, unit=branch, is_active=False)
    Member.objects.filter(pk=world.member_b.pk).update(left_on=None, leaving_reason="")
    OrgUnit.objects.filter(pk=branch.pk).update(dissolved_on=None)
    Member.objects.filter(pk=world.member_a.pk).update(status=Member.Status.LEFT)
    silent = OrgUnitFactory(kind=OrgUnit.Kind.BRANCH, parent=world.committee, is_active=False)
    # when
    fill_days(apps, None)
    # then: the audited ones get the day the change was recorded, the others none
    world.member_b.refresh_from_db()
    world.member_a.refresh_from_db()
    branch.refresh_from_db()
    silent.refresh_from_db()
    assert world.member_b.left_on == timezone.localdate()
    assert world.member_b.leaving_reason == Member.LeavingReason.SUSPENDED  # its status says so
    assert branch.dissolved_on == timezone.localdate()
    assert world.member_a.left_on is None
    assert silent.dissolved_on is None


def test_the_history_is_rebuilt_from_the_audit_log(world):
    # given: member_b suspended in 2023 and restored (today), both through the services;
    # their history rows removed as before 0011
    services.member_update(
        actor=world.officer_b,
        member=world.member_b,
        status=Member.Status.SUSPENDED,
        left_on=datetime.date(2023, 3, 1),
    )
    services.member_update(actor=world.officer_b, member=world.member_b, status="restored")
    MemberStatusChange.objects.all().delete()
    # when
    backfill(apps, None)
    # then: the record's start, the suspension on its leaving day, the restoration on
    # the day it was recorded (the only day the log knows)
    today = timezone.localdate()
    assert _history(world.member_b) == [
        ("", "normal", datetime.date(2000, 3, 1), "", "record"),
        ("normal", "suspended", datetime.date(2023, 3, 1), "suspended", "audit_log"),
        ("suspended", "restored", today, "", "audit_log"),
    ]
    recorded_by = {row.recorded_by for row in MemberStatusChange.objects.filter(source="audit_log")}
    assert recorded_by == {world.officer_b}


def test_without_audit_entries_the_history_is_what_the_record_says(world):
    # given: member_a gone since 2024-05-01 and member_b in good standing, both written
    # past the services; a third gone with no day
    Member.objects.filter(pk=world.member_a.pk).update(
        status=Member.Status.LEFT, left_on=datetime.date(2024, 5, 1), leaving_reason="death"
    )
    Member.objects.filter(pk=world.officer_a.member.pk).update(status=Member.Status.LEFT)
    # when
    backfill(apps, None)
    # then
    assert _history(world.member_a) == [
        ("", "normal", datetime.date(2000, 3, 1), "", "record"),
        ("normal", "left", datetime.date(2024, 5, 1), "death", "record"),
    ]
    assert _history(world.member_b) == [("", "normal", datetime.date(2000, 3, 1), "", "record")]
    assert _history(world.officer_a.member) == []  # gone, nobody knows since when
    # and running it again adds nothing
    count = MemberStatusChange.objects.count()
    backfill(apps, None)
    assert MemberStatusChange.objects.count() == count


def test_audit_entries_that_name_no_change_of_status_are_skipped(world):
    # given: an entry with a status that does not exist and one with the same twice
    member_type = ContentType.objects.get_for_model(Member)
    for member, changes in [
        (world.member_a, {"status": ["normal", "bogus"]}),
        (world.member_b, {"status": ["left", "left"]}),
    ]:
        AuditEntry.objects.create(
            at=timezone.now(),
            action="member.update",
            target_type=member_type,
            target_id=str(member.pk),
            target_label="x",
            changes=changes,
        )
    MemberStatusChange.objects.all().delete()
    # when
    backfill(apps, None)
    # then: each record has only what the record says, with statuses that exist
    for member in (world.member_a, world.member_b):
        assert _history(member) == [("", "normal", datetime.date(2000, 3, 1), "", "record")]
