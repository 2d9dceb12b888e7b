"""The "you said, we did" page: public, one organisation and those under it, three
sources merged newest first, de-identified as the outcome wall is, paged by a keyset."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.appeals.models import Appeal
from grassroots.appeals.tests.factories import raise_appeal
from grassroots.openness.models import Notice
from grassroots.openness.tests.factories import make_consultation, make_notice
from grassroots.openness.vocabulary import Audience, NoticeKind
from grassroots.openness.yousaid import selectors
from grassroots.service.models import Deed
from grassroots.service.tests.deeds_factories import done_deed, make_deed

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def url(unit: Any, **query: str) -> str:
    address = reverse("openness:yousaid", args=[unit.pk])
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def on_wall(
    world: Any, *, unit: Any, at: datetime.datetime, summary: str = "食堂增加了窗口"
) -> Appeal:
    """An appeal put on the outcome wall (written straight to the table)."""
    appeal = raise_appeal(world, title="张三反映食堂排队", description="我是张三，一车间的")
    Appeal.objects.filter(pk=appeal.pk).update(
        unit=unit, public_summary=summary, published_at=at, consent_publish=True
    )
    appeal.refresh_from_db()
    return appeal


def delivered(world: Any, *, unit: Any, on: datetime.date, title: str = "更换饮水机") -> Deed:
    deed = done_deed(world, unit=unit, title=title)
    Deed.objects.filter(pk=deed.pk).update(done_on=on)
    deed.refresh_from_db()
    return deed


def report(
    unit: Any, *, at: datetime.datetime, audience: str = Audience.PUBLIC, **fields: Any
) -> Notice:
    return make_notice(unit, kind=NoticeKind.ADOPTION, audience=audience, published_at=at, **fields)


def sources_and_ids(response: Any) -> list[tuple[str, int]]:
    return [(entry.source, entry.pk) for entry in response.context["entries"]]


def test_visitor_sees_the_three_sources_of_the_subtree_newest_first(world, client):
    # given a report, a wall appeal and a delivered deed under the committee, on three days
    today = timezone.localdate()
    notice = report(world.branch_a, at=NOW - datetime.timedelta(days=1), title="班车意见采纳情况")
    make_consultation(
        world.branch_a, audience=Audience.PUBLIC, report=notice, changes="三号线延伸到新区"
    )
    appeal = on_wall(world, unit=world.branch_b, at=NOW - datetime.timedelta(days=3))
    deed = delivered(world, unit=world.branch_a, on=today - datetime.timedelta(days=2))
    # and what is not theirs to show: a report to members only, another kind of notice,
    # an appeal not on the wall, an open deed
    report(world.branch_a, at=NOW, audience=Audience.MEMBERS)
    make_notice(world.branch_a, audience=Audience.PUBLIC, published_at=NOW)
    raise_appeal(world)
    make_deed(world)
    # when a visitor opens the committee's page
    response = client.get(url(world.committee))
    # then the three, newest first; the report says what changed
    assert response.status_code == 200
    assert sources_and_ids(response) == [
        ("adoption", notice.pk),
        ("deed", deed.pk),
        ("appeal", appeal.pk),
    ]
    assert response.context["entries"][0].done == "三号线延伸到新区"
    assert response.context["older"] == ""


def test_a_branch_page_leaves_out_other_branches(world, client):
    # given wall appeals of both branches
    mine = on_wall(world, unit=world.branch_a, at=NOW)
    on_wall(world, unit=world.branch_b, at=NOW)
    # when branch A's page is read
    response = client.get(url(world.branch_a))
    # then only branch A's
    assert sources_and_ids(response) == [("appeal", mine.pk)]


def test_an_appeal_shows_only_what_the_wall_shows(world, client):
    # given an appeal on the wall whose summary carries a script, and whose title,
    # text and submitter are private
    on_wall(world, unit=world.branch_a, at=NOW, summary="<script>alert(1)</script>已解决")
    # when a visitor reads the page
    page = client.get(url(world.branch_a)).content.decode()
    # then the summary is shown as text and nothing names the person
    assert "&lt;script&gt;alert(1)&lt;/script&gt;已解决" in page
    assert "<script>alert(1)" not in page
    assert "张三" not in page
    assert world.employee.name not in page


def test_a_signed_in_person_also_sees_the_reports_that_reach_them(world, client):
    # given a report to the branch's members and a public one
    public = report(world.branch_a, at=NOW)
    to_members = report(
        world.branch_a, at=NOW - datetime.timedelta(hours=1), audience=Audience.MEMBERS
    )
    # when a member of the branch reads the page: both
    client.force_login(world.member_a.user)
    assert sources_and_ids(client.get(url(world.branch_a))) == [
        ("adoption", public.pk),
        ("adoption", to_members.pk),
    ]
    # a member of another branch, an employee: the public one only
    for person in (world.member_b.user, world.employee):
        client.force_login(person)
        assert sources_and_ids(client.get(url(world.branch_a))) == [("adoption", public.pk)]


def test_a_missing_unit_is_404(world, client):
    assert client.get(reverse("openness:yousaid", args=[999999])).status_code == 404
    assert client.get("/openness/units/99999999999999999999/you-said-we-did/").status_code == 404


def test_an_empty_page_says_so(world, client):
    response = client.get(url(world.branch_b))
    assert response.status_code == 200 and response.context["entries"] == []


@pytest.mark.parametrize(
    "cursor", ["", "abc", "1.nope.2", "-1.deed.2", "1.deed.x", "9" * 40 + ".deed.1", "１.deed.1"]
)
def test_a_malformed_cursor_gives_the_newest_page(world, client, cursor):
    newest = on_wall(world, unit=world.branch_a, at=NOW)
    response = client.get(url(world.branch_a, older=cursor))
    assert response.status_code == 200
    assert sources_and_ids(response) == [("appeal", newest.pk)]


@pytest.mark.parametrize("page_of", ["branch_a", "committee"])
def test_paging_back_reads_every_entry_once_in_order_with_fixed_queries(
    world, client, django_assert_max_num_queries, page_of
):
    # given more than two pages of entries from the three sources, with ties: reports
    # and appeals published at the same moments, deeds done on the same days
    today = timezone.localdate()
    expected: list[tuple[datetime.datetime, int, int, str]] = []
    for n in range(18):
        day = today - datetime.timedelta(days=n // 3)
        at = datetime.datetime.combine(
            day, datetime.time(9), tzinfo=timezone.get_current_timezone()
        )
        notice = report(world.branch_a, at=at)
        appeal = on_wall(world, unit=world.group_a, at=at)
        deed = delivered(world, unit=world.branch_a, on=day)
        midnight = datetime.datetime.combine(day, datetime.time.min, tzinfo=at.tzinfo)
        expected += [(at, 3, notice.pk, "adoption"), (at, 2, appeal.pk, "appeal")]
        expected += [(midnight, 1, deed.pk, "deed")]
    expected.sort(reverse=True)
    # when a visitor pages back from the newest to the oldest
    seen: list[tuple[str, int]] = []
    unit = getattr(world, page_of)
    address = url(unit)
    pages = 0
    while address:
        # one for the unit, one per source (the session middleware reads nothing)
        with django_assert_max_num_queries(4):
            response = client.get(address)
        assert response.status_code == 200
        seen += sources_and_ids(response)
        pages += 1
        older = response.context["older"]
        html = response.content.decode()
        if older:
            link = re.search(r'rel="next" href="\?older=([^"]+)"', html)
            assert link is not None
            address = url(unit, older=link.group(1))
        else:
            address = ""
    # then every entry once, in order, in three pages of twenty
    assert seen == [(source, pk) for _at, _rank, pk, source in expected]
    assert pages == 3


def test_cursor_round_trips():
    cursor = selectors.Cursor(moment=NOW, source="appeal", pk=12)
    assert selectors.Cursor.decode(cursor.encode()) == cursor
