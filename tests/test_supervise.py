"""bin/supervise (what bin/run uses): a process that stops is started again with
back-off while the others keep running; SIGINT or SIGTERM stops them all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
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
        preexec_fn=_sigint_as_in_a_terminal,
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


def _start(tmp_path, *commands: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(ROOT / "bin" / "supervise"), *commands],
        env={**os.environ, **env},
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as in a terminal
        # Ctrl-C works as in a terminal even when this run was started with SIGINT
        # ignored (a runner in the background, nohup): bash cannot trap a signal that
        # was ignored when it started
        preexec_fn=_sigint_as_in_a_terminal,
    )


def _sigint_as_in_a_terminal() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _pids_in_group(pgid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) == pgid:
                found.append(int(entry.name))
        except ProcessLookupError:
            continue
    return found


@pytest.mark.parametrize("stop_with", [signal.SIGINT, signal.SIGTERM])
def test_a_process_in_its_back_off_does_not_delay_the_stop(tmp_path, stop_with):
    # given: one process that keeps stopping, now in a 30-second back-off, and one running
    starts, steady_pid = tmp_path / "starts", tmp_path / "steady.pid"
    supervisor = _start(
        tmp_path,
        "flaky",
        f"sh -c 'echo start >> {starts}; exit 3'",
        "steady",
        f"sh -c 'echo $$ > {steady_pid}; exec sleep 120'",
        GRASSROOTS_RESTART_FIRST="30",
        GRASSROOTS_RESTART_MAX="30",
        GRASSROOTS_STOP_GRACE="1",  # SIGINT to the supervisor alone: SIGTERM after 1 s
    )
    try:
        _wait_for(lambda: steady_pid.exists() and steady_pid.read_text().strip())
        _wait_for(lambda: "flaky stopped" in _peek(supervisor), 10)
        # when: the supervisor is told to stop
        began = time.monotonic()
        supervisor.send_signal(stop_with)
        supervisor.wait(timeout=10)
        # then: it stopped at once, with nothing of its own left behind
        assert time.monotonic() - began < 5
        _wait_for(lambda: not _pids_in_group(supervisor.pid), 5)
        assert starts.read_text().count("start") == 1
    finally:
        if supervisor.poll() is None:
            os.killpg(supervisor.pid, signal.SIGKILL)


def test_ctrl_c_stops_everything_once_and_restarts_nothing(tmp_path):
    # given: two processes that, like the worker and the scheduler, end cleanly (exit 0)
    # on Ctrl-C; and a restart that would be immediate
    starts, signals = tmp_path / "starts", tmp_path / "signals"
    program = (
        "import signal, sys, time\n"
        "def stop(number, frame):\n"
        f"    open({str(signals)!r}, 'a').write(signal.Signals(number).name + chr(10))\n"
        "    time.sleep(0.5)\n"  # finishing its task, as the worker does
        "    sys.exit(0)\n"
        "signal.signal(signal.SIGINT, stop)\n"
        "signal.signal(signal.SIGTERM, stop)\n"
        "time.sleep(120)\n"
    )
    (tmp_path / "program.py").write_text(program)
    program_path = tmp_path / "program.py"
    supervisor = _start(
        tmp_path,
        "worker",
        f"sh -c 'echo worker >> {starts}; exec {sys.executable} {program_path}'",
        "scheduler",
        f"sh -c 'echo scheduler >> {starts}; exec {sys.executable} {program_path}'",
        GRASSROOTS_RESTART_FIRST="0",
        GRASSROOTS_RESTART_MAX="0",
    )
    try:
        _wait_for(lambda: starts.exists() and len(starts.read_text().split()) == 2)
        time.sleep(1)  # both have set up their signal handlers
        # when: Ctrl-C in the terminal (SIGINT to the whole process group)
        os.killpg(supervisor.pid, signal.SIGINT)
        supervisor.wait(timeout=10)
        # then: all stopped, each told once (a second signal would make the worker
        # abandon its task), and neither was started again on the way out
        _wait_for(lambda: not _pids_in_group(supervisor.pid), 5)
        time.sleep(0.5)
        assert sorted(signals.read_text().split()) == ["SIGINT", "SIGINT"]
        assert sorted(starts.read_text().split()) == ["scheduler", "worker"]
        assert not _pids_in_group(supervisor.pid)
    finally:
        if supervisor.poll() is None:
            os.killpg(supervisor.pid, signal.SIGKILL)


_seen: dict[int, str] = {}


def _peek(process: subprocess.Popen[str]) -> str:
    """What the supervisor has said so far (its stderr, read without blocking)."""
    assert process.stderr is not None
    os.set_blocking(process.stderr.fileno(), False)
    chunk = process.stderr.read() or ""
    _seen[process.pid] = _seen.get(process.pid, "") + chunk
    return _seen[process.pid]


def test_ctrl_c_stops_even_a_process_that_ignores_it(tmp_path):
    # given: a process that ignores SIGINT
    started = tmp_path / "started"
    supervisor = _start(
        tmp_path,
        "stubborn",
        f"sh -c 'trap \"\" INT; echo > {started}; exec sleep 120'",
        GRASSROOTS_STOP_GRACE="1",
    )
    try:
        _wait_for(started.exists)
        time.sleep(0.3)
        # when: Ctrl-C in the terminal
        os.killpg(supervisor.pid, signal.SIGINT)
        # then: after the grace it is sent SIGTERM, and everything stops
        supervisor.wait(timeout=10)
        _wait_for(lambda: not _pids_in_group(supervisor.pid), 5)
    finally:
        if supervisor.poll() is None:
            os.killpg(supervisor.pid, signal.SIGKILL)
