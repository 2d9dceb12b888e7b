"""Migrations 0004–0006 on a database that already holds appeals: every row gets a
public id, what named the rows by primary key is rewritten to name them by it, the
numbers stay as they were and the counter starts after the highest of each year. Run
on SQLite and PostgreSQL. Going back (to 0004) is tested too: it puts the row numbers
back, which is how the rows are brought into their shape before the migration."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from grassroots.appeals import services
from grassroots.appeals.models import Appeal, Attachment, CoHandling, NumberCounter
from grassroots.appeals.tests.factories import raise_appeal
from grassroots.core.models import AuditEntry
from grassroots.core.public_ids import is_public_id
from grassroots.notifications.models import Delivery, Notification

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("appeals", "0004_public_ids_and_number_counter")]


def _migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _anonymous(world: Any) -> Appeal:
    return raise_appeal(world, submitter=None, anonymous=True, channel=Appeal.Channel.ANONYMOUS)


def test_existing_appeals_get_public_ids_and_their_links_follow(world):
    # given appeals raised (one merged into another, one with a department asked to help)
    from grassroots.accounts.models import Role, RoleAssignment
    from grassroots.accounts.tests.factories import UserFactory

    liaison = UserFactory(department=world.department_b)
    RoleAssignment.objects.create(
        user=liaison, role=Role.DEPARTMENT_LIAISON, department=world.department_b
    )
    world.officer_a.email = "officer.a@example.com"  # told by mail too: deliveries
    world.officer_a.save()
    named = raise_appeal(world)
    services.appeal_accept(appeal=named, actor=world.officer_a)
    services.cohandling_open(
        appeal=named, actor=world.officer_a, department=world.department_b, request="请核实"
    )
    anonymous = _anonymous(world)
    duplicate = raise_appeal(world, submitter=world.member_a.user)
    services.appeal_merge(appeal=duplicate, actor=world.officer_a, into=named)
    task = CoHandling.objects.get()
    rows = {a.pk: a.number for a in Appeal.objects.all()}

    # when the database goes back to before the public ids
    try:
        _migrate(BEFORE)
        # then the links, keys and audit entries name the rows by primary key again
        assert Notification.objects.filter(url=f"/appeals/handle/{named.pk}/").exists()
        assert Notification.objects.filter(url=f"/appeals/mine/{named.pk}/").exists()
        assert Notification.objects.filter(
            dedupe_key=f"appeal:{named.pk}:co:{task.pk}", url=f"/appeals/handle/{named.pk}/"
        ).exists()
        assert Delivery.objects.filter(dedupe_key__contains=f"appeal:{named.pk}:").exists()
        entry = AuditEntry.objects.get(action="appeal.merge")
        assert (entry.target_id, entry.changes["into"]) == (str(duplicate.pk), named.pk)
        with connection.cursor() as cursor:  # and the rows lose their public ids
            for table in ("appeals_appeal", "appeals_cohandling", "appeals_attachment"):
                cursor.execute(f"UPDATE {table} SET public_id = NULL")  # noqa: S608
            cursor.execute("DELETE FROM appeals_numbercounter")
    finally:
        # when it is migrated forward again
        _migrate(_latest())

    # then every row has its own public id and its number as before
    appeals = {a.pk: a for a in Appeal.objects.all()}
    assert {pk: a.number for pk, a in appeals.items()} == rows
    ids = [a.public_id for a in appeals.values()]
    ids += list(CoHandling.objects.values_list("public_id", flat=True))
    ids += list(Attachment.objects.values_list("public_id", flat=True))
    assert all(is_public_id(value) for value in ids) and len(set(ids)) == len(ids)
    named, anonymous, duplicate = (appeals[a.pk] for a in (named, anonymous, duplicate))
    task = CoHandling.objects.get()

    # and the notices and deliveries link and key them by it
    for model in (Notification, Delivery):
        for url, key in model.objects.values_list("url", "dedupe_key"):
            if url.startswith("/appeals/"):
                assert not any(part.isdigit() for part in url.split("/")), url
            assert f"appeal:{named.pk}:" not in key and f"appeal:{anonymous.pk}:" not in key
    assert Notification.objects.filter(url=f"/appeals/handle/{anonymous.public_id}/").exists()
    assert Notification.objects.filter(
        dedupe_key=f"appeal:{named.public_id}:co:{task.public_id}"
    ).exists()
    # and the audit log names them by it
    assert set(
        AuditEntry.objects.filter(action="appeal.submit").values_list("target_id", flat=True)
    ) == {a.public_id for a in appeals.values()}
    entry = AuditEntry.objects.get(action="appeal.merge")
    assert (entry.target_id, entry.changes["into"]) == (duplicate.public_id, named.public_id)

    # and the counter goes on after the highest named number of the year
    year = int(named.number[2:6])
    highest = max(int(a.number[6:]) for a in appeals.values() if not a.is_anonymous)
    assert NumberCounter.objects.get(year=year).last == highest
    later = raise_appeal(world, at=named.created_at)
    assert int(later.number[6:]) == highest + 1
