"""The notifications' read contract for other apps."""

from __future__ import annotations

import pytest

from grassroots.notifications import selectors, services

pytestmark = pytest.mark.django_db


def test_was_told_of_is_true_only_for_the_recipient_of_that_link(world):
    # given a notice with a link, sent to branch A's officer
    services.notify(
        recipients=[world.officer_a],
        kind="reminder",
        title="t",
        event_key="k:1",
        url="/appeals/handle/7/",
    )
    # then it is known to them, for that link only, and to nobody else
    assert selectors.was_told_of(world.officer_a, url="/appeals/handle/7/")
    assert not selectors.was_told_of(world.officer_a, url="/appeals/handle/70/")
    assert not selectors.was_told_of(world.officer_b, url="/appeals/handle/7/")
