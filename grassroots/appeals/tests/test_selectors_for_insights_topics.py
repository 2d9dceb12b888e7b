"""What the hot topics may read of the appeals: `appeal_words_in_period` (which appeals
count, which may be quoted) and `deidentified_texts` (what a quote says)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from grassroots.appeals import selectors
from grassroots.appeals.models import Appeal
from grassroots.appeals.tests.factories import category, raise_appeal
from grassroots.core.periods import Period

pytestmark = pytest.mark.django_db

OCTOBER = Period.month(2026, 10)
AT = timezone.make_aware(datetime.datetime(2026, 10, 5, 10))


def _rows(world) -> dict[int, bool]:
    return {
        pk: quotable
        for pk, _w, quotable in selectors.appeal_words_in_period(world.committee.path, OCTOBER)
    }


def test_conduct_complaints_are_neither_counted_nor_quoted(world):
    # given a named canteen appeal and a named conduct complaint (作风问题) of October
    canteen = raise_appeal(world, at=AT)
    conduct = raise_appeal(
        world,
        category=category("conduct"),
        title="支部书记作风问题",
        description="支部书记上班时间经常打牌，群众意见很大。",
        at=AT,
    )
    assert conduct.category.to_discipline
    # when the month's words are read for the hot topics
    rows = _rows(world)
    # then the conduct complaint is not among them at all
    assert canteen.pk in rows and conduct.pk not in rows


def test_an_anonymous_appeal_taken_off_the_wall_is_not_quotable(world):
    # given anonymous appeals: one with a summary on the wall, one whose summary stays
    # after it was taken off, one never published
    shown, taken_off, never = (
        raise_appeal(world, anonymous=True, submitter=None, at=AT) for _ in range(3)
    )
    Appeal.objects.filter(pk=shown.pk).update(public_summary="食堂已增加窗口。", published_at=AT)
    Appeal.objects.filter(pk=taken_off.pk).update(public_summary="食堂已增加窗口。")
    # then only the one on the wall may be quoted
    rows = _rows(world)
    assert (rows[shown.pk], rows[taken_off.pk], rows[never.pk]) == (True, False, False)


def test_a_quote_uses_the_summary_only_while_it_is_on_the_wall(world):
    # given named appeals with a summary, one on the wall, one taken off
    text = f"食堂排队太久，我是{world.employee.name}。"
    shown = raise_appeal(world, description=text, at=AT)
    taken_off = raise_appeal(world, description=text, at=AT)
    Appeal.objects.filter(pk=shown.pk).update(public_summary="墙上的摘要", published_at=AT)
    Appeal.objects.filter(pk=taken_off.pk).update(public_summary="撤下的摘要")
    # then the one on the wall is quoted by its summary, the other by its scrubbed text
    texts = selectors.deidentified_texts([shown.pk, taken_off.pk])
    assert texts[shown.pk] == "墙上的摘要"
    assert "撤下的摘要" not in texts[taken_off.pk] and "食堂排队" in texts[taken_off.pk]
    assert world.employee.name not in texts[taken_off.pk]
