"""The member list's order and its pages: the list key kept on each record, and paging
by cursor (keyset pagination) through filtered and scoped lists."""

from __future__ import annotations

import datetime
import io
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from grassroots.accounts.models import User
from grassroots.accounts.scope import scope_for
from grassroots.core.pagination import encode_cursor
from grassroots.orgs import member_order, services
from grassroots.orgs.importing import import_spreadsheet
from grassroots.orgs.models import Member, OrgUnit, Transfer
from grassroots.orgs.tests.factories import MemberFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db


def stored_key(member: Member) -> str:
    return Member.objects.values_list("list_key", flat=True).get(pk=member.pk)


def expected_key(member: Member) -> str:
    member = Member.objects.select_related("branch", "user").get(pk=member.pk)
    return member_order.list_key(member.branch.path, member.user.employee_number)


def all_keys_right() -> bool:
    return all(stored_key(m) == expected_key(m) for m in Member.objects.all())


# --- The key ---------------------------------------------------------------------------


def test_a_new_record_gets_its_key_from_branch_path_and_employee_number(world):
    # given / when
    member = MemberFactory(branch=world.branch_b, user__employee_number="Z0042")
    # then
    assert stored_key(member) == f"{world.branch_b.path}/Z0042"
    assert all_keys_right()


def test_a_member_moved_by_the_service_gets_the_new_branchs_key(world):
    # when
    services.member_update(actor=world.admin, member=world.member_a, branch=world.branch_b)
    # then
    assert stored_key(world.member_a).startswith(world.branch_b.path + "/")
    assert all_keys_right()


def test_a_confirmed_transfer_moves_the_key(world):
    # given
    transfer = services.transfer_request(
        actor=world.officer_a,
        member=world.member_a,
        to_branch=world.branch_b,
        to_group=None,
        effective_on=datetime.date(2026, 1, 1),
        reason="调动",
    )
    # when
    services.transfer_decide(actor=world.officer_b, transfer=transfer, confirm=True)
    # then
    assert Transfer.objects.get(pk=transfer.pk).status == Transfer.Status.CONFIRMED
    assert stored_key(world.member_a).startswith(world.branch_b.path + "/")


def test_moving_a_branch_in_the_tree_rewrites_its_members_keys(world):
    # given: a second committee, and branch B moves under it
    other = OrgUnitFactory(kind=OrgUnit.Kind.COMMITTEE, code="C2")
    # when
    services.orgunit_update(actor=world.admin, unit=world.branch_b, parent=other)
    # then
    world.branch_b.refresh_from_db()
    assert world.branch_b.path.startswith(other.path)
    assert stored_key(world.member_b).startswith(world.branch_b.path + "/")
    assert all_keys_right()


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_import_that_moves_a_record_and_adds_one_keeps_the_keys(world):
    # given: member A moves to branch B, and an employee gets a new record in B
    header = ["工号", "姓名", "发展阶段", "支部编码", "党小组编码", "出生日期", "性别", "学历"]
    header.append("申请入党日期")
    moved = [world.member_a.user.employee_number, "", "正式党员", "B", "", "", "", "", ""]
    new = [world.employee.employee_number, "", "入党申请人", "B", "", "", "", "", ""]
    # when
    batch = import_spreadsheet(
        actor=world.committee_officer,
        scope=scope_for(world.committee_officer),
        kind="members",
        data=_xlsx([header, moved, new]),
        filename="members.xlsx",
        max_rows=100,
    )
    # then
    assert batch.outcome == "applied", batch.errors
    assert stored_key(world.member_a).startswith(world.branch_b.path + "/")
    assert Member.objects.get(user=world.employee).list_key.startswith(world.branch_b.path + "/")
    assert all_keys_right()


def test_the_nightly_repair_puts_right_a_key_changed_behind_the_services_back(world):
    # given: an employee number edited outside the services (as in the admin)
    User.objects.filter(pk=world.member_b.user_id).update(employee_number="ZZ999")
    assert not all_keys_right()
    # when
    repaired = member_order.list_keys_repair()
    # then
    assert repaired == 1
    assert stored_key(world.member_b) == f"{world.branch_b.path}/ZZ999"
    assert member_order.list_keys_repair() == 0


@pytest.mark.parametrize(
    ("path", "successor"),
    [
        ("000001", "000002"),
        ("000009", "00000a"),
        ("00000z", "000010"),
        ("000001zzzzzz", "000002000000"),
        ("zzzzzz", None),
    ],
)
def test_the_key_range_ends_at_the_next_path(path, successor):
    assert member_order.key_range([path]) == (path, successor)


def test_the_key_range_of_several_subtrees_spans_them_all():
    assert member_order.key_range(["000002", "000001000003", "000001"]) == ("000001", "000003")
    assert member_order.key_range([]) is None
    assert member_order.key_range([""]) is None


# --- Paging ----------------------------------------------------------------------------


def rows_of(response) -> list[int]:
    return [member.pk for member in response.context["page_obj"].object_list]


def link(response, rel: str) -> str | None:
    found = re.search(rf'rel="{rel}" href="(\?[^"]*)"', response.content.decode())
    return unescape(found.group(1)) if found else None


def expected_order(members) -> list[int]:
    rows = Member.objects.filter(pk__in=[m.pk for m in members]).select_related("branch", "user")
    return [m.pk for m in sorted(rows, key=lambda m: (m.branch.path, m.user.employee_number, m.pk))]


@pytest.fixture
def crowd(world, settings):
    """Fifteen more records in both branches, three to a page."""
    settings.PAGE_SIZE = 3
    extra = [MemberFactory(branch=world.branch_a) for _ in range(7)]
    extra += [
        MemberFactory(branch=world.branch_b, stage=Member.Stage.PROBATIONARY) for _ in range(8)
    ]
    return extra


def walk(client, first_url: str, rel: str = "next") -> tuple[list[list[int]], list]:
    """Follow the rel links from the first page to the end: the rows of every page."""
    pages, responses = [], []
    url = first_url
    while url is not None:
        response = client.get(url)
        assert response.status_code == 200
        pages.append(rows_of(response))
        responses.append(response)
        following = link(response, rel)
        url = reverse("orgs:member_list") + following if following else None
    return pages, responses


def test_next_links_walk_the_whole_list_once_in_order(world, client_for, crowd):
    # given: 20 records in the committee's subtree, 3 to a page
    client = client_for(world.committee_officer)
    everyone = Member.objects.all()
    # when
    pages, responses = walk(client, reverse("orgs:member_list"))
    # then
    seen = [pk for page in pages for pk in page]
    assert seen == expected_order(everyone)
    assert len(pages) == 7 and all(len(page) == 3 for page in pages[:-1])
    assert [r.context["page_obj"].number for r in responses] == [1, 2, 3, 4, 5, 6, 7]
    assert all("after=" in r.request["QUERY_STRING"] for r in responses[1:])


def test_previous_links_come_back_through_the_same_pages(world, client_for, crowd):
    client = client_for(world.committee_officer)
    forward, responses = walk(client, reverse("orgs:member_list"))
    last_url = reverse("orgs:member_list") + "?" + responses[-1].request["QUERY_STRING"]
    # when
    backward, back_responses = walk(client, last_url, rel="prev")
    # then
    assert backward == forward[::-1]
    assert back_responses[-1].context["page_obj"].number == 1


def test_a_page_asked_for_by_number_matches_the_page_reached_by_links(world, client_for, crowd):
    client = client_for(world.committee_officer)
    pages, _responses = walk(client, reverse("orgs:member_list"))
    for number, rows in enumerate(pages, start=1):
        response = client.get(reverse("orgs:member_list"), {"page": number})
        assert rows_of(response) == rows


def test_rows_with_equal_keys_are_split_across_pages_by_primary_key(world, client_for, crowd):
    # given: every record of branch B shares one key (as if employee numbers collided)
    Member.objects.filter(branch=world.branch_b).update(list_key=f"{world.branch_b.path}/same")
    client = client_for(world.committee_officer)
    # when
    pages, _responses = walk(client, reverse("orgs:member_list"))
    # then: each record once, ties in primary-key order
    seen = [pk for page in pages for pk in page]
    tied = sorted(Member.objects.filter(branch=world.branch_b).values_list("pk", flat=True))
    assert sorted(seen) == sorted(Member.objects.values_list("pk", flat=True))
    assert [pk for pk in seen if pk in tied] == tied


def test_filters_hold_on_every_page(world, client_for, crowd):
    client = client_for(world.committee_officer)
    url = reverse("orgs:member_list") + "?stage=probationary"
    pages, responses = walk(client, url)
    seen = [pk for page in pages for pk in page]
    assert seen == expected_order(Member.objects.filter(stage=Member.Stage.PROBATIONARY))
    assert all("stage=probationary" in r.request["QUERY_STRING"] for r in responses)


def test_a_branch_secretary_pages_through_their_own_branch_only(world, client_for, crowd):
    client = client_for(world.officer_a)
    pages, _responses = walk(client, reverse("orgs:member_list"))
    seen = [pk for page in pages for pk in page]
    assert seen == expected_order(Member.objects.filter(branch=world.branch_a))


def test_a_cursor_from_another_branch_shows_nothing_of_it(world, client_for, crowd):
    # given: branch A's secretary forges a cursor positioned before branch B's records
    client = client_for(world.officer_a)
    before_b = encode_cursor([world.branch_b.path, 0])
    # when
    response = client.get(reverse("orgs:member_list"), {"after": before_b, "page": 2})
    # then: nothing of branch B; here nothing is left after it, so the first page
    shown = set(rows_of(response))
    assert not shown & set(
        Member.objects.filter(branch=world.branch_b).values_list("pk", flat=True)
    )
    assert response.context["page_obj"].fell_back


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64 ☃",
        "bm90IGpzb24",  # "not json"
        encode_cursor(["only one value"]),
        encode_cursor([1, 2]),  # a number where the key is text
        encode_cursor(["key", "2"]),  # text where the id is a number
        encode_cursor(["key", True]),
        "x" * 2000,
    ],
)
def test_a_bad_cursor_falls_back_to_the_first_page_with_a_note(world, client_for, crowd, cursor):
    client = client_for(world.committee_officer)
    first = rows_of(client.get(reverse("orgs:member_list")))
    for name in ("after", "before"):
        # when
        response = client.get(reverse("orgs:member_list"), {name: cursor, "page": 4})
        # then
        assert response.status_code == 200
        assert response.context["page_obj"].fell_back
        assert response.context["page_obj"].number == 1 and rows_of(response) == first
        assert 'class="alert alert-info"' in response.content.decode()


def test_a_cursor_past_the_end_falls_back_to_the_first_page(world, client_for, crowd):
    client = client_for(world.committee_officer)
    response = client.get(reverse("orgs:member_list"), {"after": encode_cursor(["~", 0])})
    assert response.context["page_obj"].fell_back and response.context["page_obj"].number == 1


def test_page_numbers_out_of_range_or_not_numbers_are_clamped(world, client_for, crowd):
    client = client_for(world.committee_officer)
    assert client.get(reverse("orgs:member_list"), {"page": "x"}).context["page_obj"].number == 1
    last = client.get(reverse("orgs:member_list"), {"page": "999"}).context["page_obj"]
    assert last.number == 7 and not last.has_next and not last.fell_back


def test_a_capped_list_stops_at_the_cap_when_paged_by_cursor(world, client_for, crowd, monkeypatch):
    # given: 20 records, counted and listed up to 7 (3 pages: 3 + 3 + 1)
    from grassroots.orgs import views

    monkeypatch.setattr(views, "MEMBER_COUNT_CAP", 7)
    client = client_for(world.committee_officer)
    # when
    pages, responses = walk(client, reverse("orgs:member_list"))
    # then
    assert [len(page) for page in pages] == [3, 3, 1]
    assert responses[-1].context["page_obj"].paginator.is_capped


def test_a_page_by_link_takes_as_many_queries_with_one_row_as_with_many(
    world, client_for, settings, django_assert_num_queries
):
    # given: the link to the last page, which holds one record
    settings.PAGE_SIZE = 3
    client = client_for(world.committee_officer)
    client.get(reverse("orgs:member_list"))  # warm the caches
    ordered = expected_order(Member.objects.all())
    cursor_row = Member.objects.get(pk=ordered[-2])
    after = encode_cursor([cursor_row.list_key, cursor_row.pk])
    url = reverse("orgs:member_list") + f"?page=2&after={after}&count={len(ordered)}"
    assert len(rows_of(client.get(url))) == 1
    with CaptureQueriesContext(connection) as by_link:
        client.get(url)
    # a page asked for by number also counts: one query more
    with django_assert_num_queries(len(by_link.captured_queries) + 1):
        client.get(reverse("orgs:member_list") + "?page=1")
    # when: many records after the cursor
    MemberFactory.create_batch(12, branch=world.branch_b)
    as_many = len(by_link.captured_queries)  # read before the next request resets the log
    client.get(url)  # again: new records built the kept scopes anew (accounts.scope)
    # then
    with django_assert_num_queries(as_many):
        response = client.get(url)
    assert len(rows_of(response)) == 3
    with django_assert_num_queries(len(by_link.captured_queries)):
        client.get(url.replace("after=", "before="))


def test_the_count_shown_on_later_pages_is_the_first_pages(world, client_for, crowd):
    client = client_for(world.committee_officer)
    _pages, responses = walk(client, reverse("orgs:member_list"))
    assert {r.context["page_obj"].paginator.count for r in responses} == {20}
    assert all("count=20" in r.request["QUERY_STRING"] for r in responses[1:])
    # back to the first page by its link too; the "First page" link counts afresh
    assert "before=" in link(responses[1], "prev") and "count=20" in link(responses[1], "prev")
    assert 'href="?">' in responses[3].content.decode()


# --- What a row and the filter show (written without per-row template work) -------------


def cells_of(response, member: Member) -> list[str]:
    """The text of the cells in the row that links to `member`'s page."""
    page = response.content.decode()
    href = reverse("orgs:member_detail", args=[member.pk])
    row = re.search(rf'<tr>\s*<td[^>]*><a href="{re.escape(href)}">.*?</tr>', page, re.S)
    assert row is not None, f"no row links to {href}"
    return [
        unescape(cell) for cell in re.findall(r"<td[^>]*>(?:<a [^>]*>)?(.*?)(?:</a>)?</td>", row[0])
    ]


def test_a_row_shows_the_record_as_it_is(world, client_for):
    # given: a record with a group and every field, one with nothing optional and not in
    # normal standing, and a name that needs escaping
    full = world.member_a
    full.user.name = "<李&四>"
    full.user.save()
    bare = MemberFactory(
        branch=world.branch_a,
        stage=Member.Stage.PROBATIONARY,
        status=Member.Status.RETAINED,
        birth_date=None,
        education="",
    )
    # when
    response = client_for(world.committee_officer).get(reverse("orgs:member_list"))
    # then
    assert "&lt;李&amp;四&gt;" in response.content.decode()
    assert cells_of(response, full) == [
        "<李&四>",
        full.user.employee_number,
        str(Member.Stage(full.stage).label),
        world.branch_a.name,
        world.group_a.name,
        f"{full.birth_date:%Y-%m}",
        str(Member.Education(full.education).label),
    ]
    assert cells_of(response, bare) == [
        bare.user.name,
        bare.user.employee_number,
        f"{Member.Stage.PROBATIONARY.label}（{Member.Status.RETAINED.label}）",
        world.branch_a.name,
        "—",
        "—",
        "—",
    ]


def test_the_quick_select_writes_what_djangos_select_writes():
    from django import forms
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    from grassroots.orgs.forms import QuickSelect

    choices = [
        (None, gettext_lazy("All stages")),
        (1, "<甲> & 乙"),
        ("2", mark_safe("<b>safe</b>")),
        (2, "a second option with the same value"),
    ]

    def tags(html: str) -> list[str]:
        return [line.strip() for line in html.splitlines() if line.strip()]

    for value in (None, "", "2", 2, "x"):
        quick = QuickSelect(attrs={"class": "form-select"}, choices=choices)
        plain = forms.Select(attrs={"class": "form-select"}, choices=choices)
        written = quick.render("stage", value, attrs={"id": "id_stage"})
        assert tags(written) == tags(plain.render("stage", value, attrs={"id": "id_stage"}))
    # the first matching option only, as Django selects
    assert written.count(" selected") == 0
    assert QuickSelect(choices=choices).render("s", "2").count(" selected") == 1
    # grouped choices: Django's own select
    grouped = [("", "—"), ("Group", [(1, "one"), (2, "two")])]
    assert tags(QuickSelect(choices=grouped).render("s", 2)) == tags(
        forms.Select(choices=grouped).render("s", 2)
    )


def test_filtering_by_a_party_group_lists_its_members(world):
    from grassroots.accounts.scope import scope_for
    from grassroots.orgs import selectors
    from grassroots.orgs.tests.factories import MemberFactory

    # given a member of group A1 and another of branch A outside the group
    in_group = MemberFactory(branch=world.branch_a, group=world.group_a)
    outside = MemberFactory(branch=world.branch_a)
    # when branch A's officer's list is filtered by the group (as the API allows)
    members = selectors.member_list(
        scope_for(world.officer_a), selectors.MemberFilters(unit=world.group_a)
    )
    # then the group's members are listed, and nobody else
    assert in_group in members
    assert outside not in members
    assert {member.group_id for member in members} == {world.group_a.pk}
