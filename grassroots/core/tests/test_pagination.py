from __future__ import annotations

import pytest
from django.http import QueryDict

from grassroots.core.pagination import (
    CappedPaginator,
    InvalidCursorError,
    SeekPaginator,
    decode_cursor,
    encode_cursor,
)
from grassroots.orgs.models import Member
from grassroots.orgs.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_a_list_shorter_than_the_cap_is_counted_exactly():
    # given
    MemberFactory.create_batch(3)
    # when
    paginator = CappedPaginator(Member.objects.order_by("pk"), 2, cap=5)
    # then
    assert paginator.count == 3 and not paginator.is_capped
    assert paginator.num_pages == 2


def test_a_list_at_the_cap_is_not_called_capped():
    MemberFactory.create_batch(4)
    paginator = CappedPaginator(Member.objects.order_by("pk"), 2, cap=4)
    assert paginator.count == 4 and not paginator.is_capped


def test_a_longer_list_is_counted_to_the_cap_and_listed_to_it():
    # given
    MemberFactory.create_batch(7)
    # when
    paginator = CappedPaginator(Member.objects.order_by("pk"), 2, cap=5)
    last = paginator.page(3)
    # then
    assert paginator.count == 5 and paginator.is_capped
    assert paginator.num_pages == 3
    assert len(last.object_list) == 1 and not last.has_next()


def test_the_count_is_one_query(django_assert_num_queries):
    MemberFactory.create_batch(7)
    paginator = CappedPaginator(Member.objects.select_related("user"), 2, cap=5)
    with django_assert_num_queries(1) as counted:
        assert paginator.is_capped and paginator.count == 5
    assert "LIMIT 6" in counted.captured_queries[0]["sql"]


# --- Keyset pagination ----------------------------------------------------------------


def test_a_cursor_comes_back_as_the_values_it_holds():
    token = encode_cursor(["00000100000a/张三-7", 42])
    assert "=" not in token and "/" not in token and "+" not in token
    assert decode_cursor(token, (str, int)) == ["00000100000a/张三-7", 42]


@pytest.mark.parametrize(
    "token",
    ["", "%%%", encode_cursor([1]), encode_cursor(["a", "b"]), encode_cursor(["a", None])],
)
def test_a_cursor_that_does_not_fit_is_refused(token):
    with pytest.raises(InvalidCursorError):
        decode_cursor(token, (str, int))


def _page_rows(page):
    return [member.pk for member in page.object_list]


def _walk(paginator, params=""):
    """Every page from the first, following the next links."""
    pages = []
    page = paginator.seek(QueryDict(params))
    while True:
        pages.append(page)
        if not page.has_next:
            return pages
        page = paginator.seek(QueryDict(page.next_query))


def test_seeking_splits_runs_of_equal_values_by_the_last_field():
    # given: nine records, the first field (stage) in three runs of three
    for stage in ("activist", "applicant", "full"):
        MemberFactory.create_batch(3, stage=stage)
    rows = Member.objects.all()
    paginator = SeekPaginator(rows, 2, order=("stage", "pk"), cap=100)
    # when
    pages = _walk(paginator)
    # then: every record once, in (stage, pk) order, whatever the page boundaries
    seen = [pk for page in pages for pk in _page_rows(page)]
    assert seen == list(rows.order_by("stage", "pk").values_list("pk", flat=True))
    assert [page.number for page in pages] == [1, 2, 3, 4, 5]
    # and back again from the last page
    back = pages[-1]
    for expected in reversed(pages[:-1]):
        back = paginator.seek(QueryDict(back.previous_query))
        assert _page_rows(back) == _page_rows(expected)
        assert back.number == expected.number


def test_the_links_keep_the_other_parameters_and_drop_the_old_position():
    MemberFactory.create_batch(5)
    paginator = SeekPaginator(Member.objects.all(), 2, order=("pk",), cap=100)
    page = paginator.seek(QueryDict("stage=full&stage=probationary&page=2&before=xyz&q=张"))
    assert page.fell_back  # "xyz" is no cursor: the first page
    following = QueryDict(page.next_query)
    assert following.getlist("stage") == ["full", "probationary"] and following["q"] == "张"
    assert following["page"] == "2" and "before" not in following
    assert QueryDict(page.first_query).get("page") is None


def test_a_page_reached_by_a_link_is_one_query_the_count_travelling_with_it(
    django_assert_num_queries,
):
    # given
    MemberFactory.create_batch(5)
    first = SeekPaginator(Member.objects.select_related("user"), 2, order=("pk",), cap=100).seek(
        QueryDict()
    )
    assert QueryDict(first.next_query)["count"] == "5"
    paginator = SeekPaginator(Member.objects.select_related("user"), 2, order=("pk",), cap=100)
    # when / then: the rows only, by seeking (no OFFSET); the count is the one carried
    with django_assert_num_queries(1) as counted:
        page = paginator.seek(QueryDict(first.next_query))
        assert page.paginator.count == 5 and page.paginator.num_pages == 3
    assert "OFFSET" not in counted.captured_queries[0]["sql"].upper()
    # a page asked for by number counts again: two queries
    paginator = SeekPaginator(Member.objects.select_related("user"), 2, order=("pk",), cap=100)
    with django_assert_num_queries(2):
        paginator.seek(QueryDict("page=2"))
        assert paginator.count == 5


@pytest.mark.parametrize("count", ["", "x", "-1", "102", "99999999999"])
def test_a_count_that_cannot_be_right_is_counted_again(count):
    MemberFactory.create_batch(5)
    rows = Member.objects.all()
    first = SeekPaginator(rows, 2, order=("pk",), cap=100).seek(QueryDict())
    link = QueryDict(first.next_query).copy()
    link["count"] = count
    paginator = SeekPaginator(rows, 2, order=("pk",), cap=100)
    page = paginator.seek(link)
    assert page.paginator.count == 5 and page.number == 2
