"""Orgs' read contract for commendations: the state of a subject's public notice, and
sections an app above orgs adds to member records and organisation pages."""

from __future__ import annotations

import pytest
from django.utils import timezone

from grassroots.orgs import selectors
from grassroots.orgs.tests.publicity_factories import make_notice

pytestmark = pytest.mark.django_db


def test_public_notice_states_by_subject_in_one_query(world, django_assert_num_queries):
    make_notice(world, kind="k", subject_id=1)
    make_notice(world, kind="k", subject_id=2, days_ago=9, days_left=-2)
    with django_assert_num_queries(1):
        states = selectors.public_notice_states("k", [1, 2, 3], today=timezone.localdate())
    assert {key: state.phase for key, state in states.items()} == {1: "open", 2: "closed"}
    assert selectors.public_notice_state("k", 3, today=timezone.localdate()) is None


def test_record_sources_add_sections_to_members_and_units(world, monkeypatch):
    monkeypatch.setattr(selectors, "_member_record_sources", {})
    monkeypatch.setattr(selectors, "_unit_record_sources", {})
    seen: list[int] = []

    def member_source(user_id: int) -> selectors.RecordSection | None:
        seen.append(user_id)
        if user_id != world.member_a.user_id:
            return None
        return selectors.RecordSection(key="test", title="荣誉", lines=("2026 · 优秀共产党员",))

    selectors.register_record_source(
        "test",
        member=member_source,
        unit=lambda unit_id: selectors.RecordSection(key="u", title="t", lines=(str(unit_id),)),
    )
    [section] = selectors.member_record_sections(world.member_a)
    assert section.lines == ("2026 · 优秀共产党员",)
    assert selectors.member_record_sections(world.member_b) == []
    assert seen == [world.member_a.user_id, world.member_b.user_id]
    assert selectors.unit_record_sections(world.branch_a)[0].lines == (str(world.branch_a.pk),)
