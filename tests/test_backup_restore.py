"""The backup and restore steps in docs/operations.md, carried out once for real."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("DATABASE_URL", "")


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


def script(env: dict[str, str], name: str, *args: str) -> str:
    result = subprocess.run(
        [str(ROOT / "bin" / name), *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def base_env(data_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "GRASSROOTS_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
    }
    env.pop("DATABASE_URL", None)
    return env


def test_sqlite_backup_and_restore(tmp_path):
    # given: a product database with the demo enterprise and an uploaded file
    env = base_env(tmp_path / "data")
    manage(env, "migrate", "-v0")
    manage(env, "load_demo")
    (tmp_path / "data" / "media").mkdir(parents=True, exist_ok=True)
    (tmp_path / "data" / "media" / "note.txt").write_text("upload")
    database = tmp_path / "data" / "grassroots.sqlite3"
    users_before = (
        sqlite3.connect(database).execute("select count(*) from accounts_user").fetchone()[0]
    )
    # when: back up, lose everything, restore
    out = script(env, "backup", str(tmp_path / "backups"))
    folder = out.strip().rsplit(" ", 1)[-1]
    database.unlink()
    (tmp_path / "data" / "media" / "note.txt").unlink()
    script(env, "restore", folder)
    # then
    users_after = (
        sqlite3.connect(database).execute("select count(*) from accounts_user").fetchone()[0]
    )
    assert users_after == users_before > 500
    assert (tmp_path / "data" / "media" / "note.txt").read_text() == "upload"


@pytest.mark.postgres
@pytest.mark.skipif(
    not DATABASE_URL.startswith("postgres"), reason="runs in the PostgreSQL pass of CI"
)
def test_postgresql_backup_and_restore(tmp_path):
    import psycopg

    server = DATABASE_URL.rsplit("/", 1)[0]
    names = [
        f"grassroots_backup_{uuid.uuid4().hex[:8]}",
        f"grassroots_restore_{uuid.uuid4().hex[:8]}",
    ]
    with psycopg.connect(server + "/postgres", autocommit=True) as connection:
        for name in names:
            connection.execute(f'CREATE DATABASE "{name}"')
    try:
        source_env = base_env(tmp_path / "data") | {"DATABASE_URL": f"{server}/{names[0]}"}
        manage(source_env, "migrate", "-v0")
        manage(source_env, "load_demo")
        out = script(source_env, "backup", str(tmp_path / "backups"))
        folder = out.strip().rsplit(" ", 1)[-1]
        target_env = base_env(tmp_path / "data") | {"DATABASE_URL": f"{server}/{names[1]}"}
        script(target_env, "restore", folder)
        counts = []
        for name in names:
            with psycopg.connect(f"{server}/{name}") as connection:
                counts.append(
                    connection.execute(
                        "select (select count(*) from accounts_user),"
                        " (select count(*) from orgs_member)"
                    ).fetchone()
                )
        assert counts[0] == counts[1] and counts[0][0] > 500
    finally:
        with psycopg.connect(server + "/postgres", autocommit=True) as connection:
            for name in names:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
