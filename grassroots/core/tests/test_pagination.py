from __future__ import annotations

import pytest

from grassroots.core.pagination import CappedPaginator
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
