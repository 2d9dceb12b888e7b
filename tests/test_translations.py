"""The Chinese catalogue is complete, compiled, and covers every string in the code."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES"
needs_gettext = pytest.mark.skipif(
    shutil.which("msgfmt") is None, reason="GNU gettext is not installed"
)


def statistics(po: Path) -> str:
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(po)],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stderr


@needs_gettext
def test_catalogue_has_no_untranslated_or_fuzzy_entries():
    report = statistics(CATALOGUE / "django.po")
    assert "untranslated" not in report and "fuzzy" not in report, report


@needs_gettext
def test_compiled_catalogue_matches_the_source(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(
        ["msgfmt", "--check-format", "-o", str(compiled), str(CATALOGUE / "django.po")], check=True
    )
    assert compiled.read_bytes() == (CATALOGUE / "django.mo").read_bytes(), (
        "locale/zh_Hans/LC_MESSAGES/django.mo is stale: run manage.py compilemessages"
    )


@needs_gettext
def test_every_string_in_the_code_is_translated(tmp_path):
    # makemessages writes into ./locale of the folder it runs in: run it in a scratch
    # folder that links to the sources and holds a copy of the catalogue.
    shutil.copytree(ROOT / "locale", tmp_path / "locale")
    for name in ("grassroots", "templates", "config", "manage.py"):
        (tmp_path / name).symlink_to(ROOT / name)
    env = {**os.environ, "GRASSROOTS_LOCALE_DIR": str(tmp_path / "locale")}
    subprocess.run(
        [
            sys.executable,
            str(tmp_path / "manage.py"),
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-location",
            "--symlinks",
            "-v0",
            *("--ignore", ".venv/*", "--ignore", "node_modules/*", "--ignore", "var/*"),
            *("--ignore", "bench/*", "--ignore", "e2e/*", "--ignore", "tests/*"),
        ],
        cwd=tmp_path,
        env=env,
        check=True,
    )
    report = statistics(tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    assert "untranslated" not in report and "fuzzy" not in report, (
        "New strings need Chinese: run makemessages and translate them. " + report
    )
