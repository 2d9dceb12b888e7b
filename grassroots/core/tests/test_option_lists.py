"""Option lists kept per process (core.option_lists): what is kept and when it goes."""

from __future__ import annotations

from django.core.cache import cache

from grassroots.core import option_lists
from grassroots.core.option_lists import OptionList


def test_entries_past_their_stamp_or_age_are_dropped_once_per_age_not_at_every_miss(
    monkeypatch,
):
    clock = [1000.0]
    monkeypatch.setattr(option_lists.time, "monotonic", lambda: clock[0])
    built: list[int] = []

    def build(key: int) -> int:
        built.append(key)
        return key * 2

    kept = OptionList("tests.doubled", build, models=[], max_age=30.0)
    assert (kept(1), kept(2), kept(1)) == (2, 4, 2)
    assert built == [1, 2]  # the second 1 was kept
    cache.set(kept.stamp_key, "another process saved a row")  # 1 and 2 are stale
    clock[0] += 10
    kept(3)  # a miss within the age: nothing copied or dropped yet
    assert set(kept._kept) == {1, 2, 3}
    assert kept(1) == 2 and built == [1, 2, 3, 1]  # stale: built again, not read
    clock[0] += 30
    kept(4)  # a miss a whole age later: the stale and the old are dropped
    assert set(kept._kept) == {4}
