"""Old code against new, each served by its own process: the plumbing the in-process
comparisons share (bench/new_form.py, bench/submit_cost.py).

`export` writes a git revision's tree into a folder; `start` runs a script there (or in
this checkout) with `--serve`, waiting for its first line, `{"ready": true}`; `ask` sends
that process one command line and reads its one-line JSON answer. The script itself
decides what a command does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent.parent


def export(rev: str, into: Path) -> None:
    """The tree of `rev` (a commit, branch or tag of this repository) into `into`."""
    archive = subprocess.run(
        ["git", "-C", str(HERE), "archive", rev], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)


def start(
    script: Path, arguments: list[str], root: Path, env: dict[str, str]
) -> subprocess.Popen[str]:
    """`script --serve ARGUMENTS` run in `root` with Django's local settings and `env`
    on top, once it has said it is ready."""
    process = subprocess.Popen(
        [sys.executable, str(script), "--serve", *arguments],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DJANGO_ALLOWED_HOSTS": "testserver",
            **env,
        },
        cwd=str(root),
    )
    assert process.stdout is not None
    answer = json.loads(process.stdout.readline())
    assert answer.get("ready"), answer
    return process


def ask(process: subprocess.Popen[str], command: str, count: int) -> dict[str, Any]:
    """Send `command count` and read the answer."""
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(f"{command} {count}\n")
    process.stdin.flush()
    return json.loads(process.stdout.readline())
