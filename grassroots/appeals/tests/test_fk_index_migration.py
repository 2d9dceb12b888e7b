"""Migration 0007 drops the four single-column indexes of appeal.assignee, category,
submitter and unit, and nothing else: no foreign key is dropped and re-added (which on
PostgreSQL re-checks every row while the table is locked), no table is rebuilt (SQLite).
Going back puts the indexes back. Run on SQLite and PostgreSQL."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from grassroots.appeals.models import Appeal

BEFORE = ("appeals", "0006_public_ids_required")
AFTER = ("appeals", "0007_appeal_drop_single_column_fk_indexes")
# transaction: SQLite's schema editor runs outside an atomic block, even for sqlmigrate
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

COLUMNS = ("assignee_id", "category_id", "submitter_id", "unit_id")


def _sql(*options: str) -> list[str]:
    out = io.StringIO()
    call_command("sqlmigrate", *AFTER, *options, stdout=out)
    return [line for line in out.getvalue().splitlines() if line and not line.startswith("--")]


def _migrate(target: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def _single_column_indexes() -> set[str]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Appeal._meta.db_table)
    return {
        spec["columns"][0]
        for spec in found.values()
        if spec["index"] and not spec["unique"] and len(spec["columns"]) == 1
    } & set(COLUMNS)


def _foreign_keys() -> set[str]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Appeal._meta.db_table)
    return {spec["columns"][0] for spec in found.values() if spec["foreign_key"]} & set(COLUMNS)


@pytest.mark.parametrize("backwards", [False, True])
def test_the_migration_only_drops_or_creates_the_four_indexes(backwards):
    statements = _sql(*(["--backwards"] if backwards else []))
    body = [s for s in statements if s not in {"BEGIN;", "COMMIT;"}]
    verb = "CREATE INDEX" if backwards else "DROP INDEX"
    assert len(body) == 4 and all(s.startswith(verb) for s in body), statements


def test_migrating_back_and_forth_keeps_the_foreign_keys_and_moves_only_the_indexes():
    # given the database as migrated: no single-column index on the four, their keys kept
    assert _single_column_indexes() == set()
    keys = _foreign_keys()
    assert keys == set(COLUMNS)
    try:
        # when migrated back, then the four indexes are there again
        _migrate(BEFORE)
        assert _single_column_indexes() == set(COLUMNS)
        assert _foreign_keys() == keys
    finally:
        # and when migrated forwards again, they are gone, and the keys still there
        _migrate(AFTER)
    assert _single_column_indexes() == set()
    assert _foreign_keys() == keys
