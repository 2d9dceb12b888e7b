"""The race helper the apps' tests share: every call runs, in its own thread, together."""

from __future__ import annotations

import threading

from grassroots.core.testing.races import at_once


def test_every_call_runs_in_its_own_thread_and_returns():
    # when
    returned, raised = at_once(threading.get_ident, times=4)
    # then
    assert raised == [] and len(set(returned)) == 4


def test_the_calls_run_at_the_same_time():
    # given a call that holds the others back until all four are in it
    inside = threading.Barrier(4, timeout=5)
    # when
    returned, raised = at_once(inside.wait, times=4)
    # then no call timed out: all four were running at the same time
    assert raised == [] and sorted(returned) == [0, 1, 2, 3]


def test_what_a_call_raises_is_handed_back_not_lost():
    def refuse() -> None:
        raise ValueError("already sent")

    # when
    returned, raised = at_once(refuse, times=3)
    # then
    assert returned == [] and [str(e) for e in raised] == ["already sent"] * 3


def test_several_calls_each_run_the_times_asked():
    # when two different presses are made twice each
    returned, raised = at_once(lambda: "publish", lambda: "decide", times=2)
    # then
    assert raised == [] and sorted(returned) == ["decide", "decide", "publish", "publish"]
