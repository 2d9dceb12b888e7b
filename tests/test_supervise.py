"""bin/supervise (what bin/run uses): a process that stops is started again with
back-off while the others keep running; SIGINT or SIGTERM stops them all."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait_for(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


@pytest.mark.parametrize("stop_with", [signal.SIGINT, signal.SIGTERM])
def test_a_stopped_process_is_restarted_and_the_others_keep_running(tmp_path, stop_with):
    # given: one process that stops at once every time, and one that keeps running
    starts, steady_pid = tmp_path / "starts", tmp_path / "steady.pid"
    supervisor = subprocess.Popen(
        [
            str(ROOT / "bin" / "supervise"),
            "flaky",
            f"sh -c 'echo start >> {starts}; exit 3'",
            "steady",
            f"sh -c 'echo $$ > {steady_pid}; exec sleep 120'",
        ],
        env={**os.environ, "GRASSROOTS_RESTART_FIRST": "1", "GRASSROOTS_RESTART_MAX": "2"},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(lambda: steady_pid.exists() and steady_pid.read_text().strip())
        steady = int(steady_pid.read_text())
        # when: a few seconds pass
        _wait_for(lambda: starts.exists() and starts.read_text().count("start") >= 3)
        # then: the flaky one was started again and again, and the steady one never stopped
        assert _alive(steady)
        assert int(steady_pid.read_text()) == steady
        # and Ctrl-C (or SIGTERM) stops everything
        supervisor.send_signal(stop_with)
        supervisor.wait(timeout=15)
        _wait_for(lambda: not _alive(steady), 5)
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
    log = supervisor.stderr.read() if supervisor.stderr else ""
    assert "flaky stopped (exit 3); starting it again in 1 s" in log
    assert "flaky stopped (exit 3); starting it again in 2 s" in log
