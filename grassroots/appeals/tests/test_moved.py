"""An inbox link to an appeal transferred away since: the person who was told of it
reads where it went, not a bare 404; nobody else learns anything."""

from __future__ import annotations

import pytest
from django.urls import reverse

from grassroots.appeals import services
from grassroots.appeals.tests.factories import raise_appeal
from grassroots.core.public_ids import new_public_id
from grassroots.notifications.models import Notification

pytestmark = pytest.mark.django_db

TITLE = "宿舍热水器漏电"
DESCRIPTION = "三号宿舍楼的热水器外壳带电，请尽快处理。"


def _transferred(world, **overrides):
    """An appeal branch A was told of, then transferred to branch B."""
    appeal = raise_appeal(world, title=TITLE, description=DESCRIPTION, **overrides)
    services.appeal_transfer(
        appeal=appeal, actor=world.officer_a, to_unit=world.branch_b, reason="属乙支部"
    )
    return appeal


def _inbox_link(user, appeal) -> str:
    notice = Notification.objects.filter(
        recipient=user, url__contains=f"/{appeal.public_id}/"
    ).first()
    assert notice is not None, "the handler was told of the appeal"
    return notice.url


def test_former_handler_following_their_inbox_link_reads_where_the_appeal_went(world, client_for):
    # given an appeal branch A's officer was told of, transferred to branch B since
    appeal = _transferred(world)
    link = _inbox_link(world.officer_a, appeal)

    # when they follow the link in their inbox
    response = client_for(world.officer_a).get(link)

    # then they read that it moved, and where, and nothing of what it says
    assert response.status_code == 200
    page = response.content.decode()
    assert world.branch_b.name in page and appeal.number in page
    for secret in (TITLE, DESCRIPTION, "属乙支部", world.employee.name):
        assert secret not in page
    assert "appeals/moved.html" in [t.name for t in response.templates]


def test_the_new_handlers_still_open_the_appeal_itself(world, client_for):
    appeal = _transferred(world)
    response = client_for(world.officer_b).get(
        reverse("appeals:handle_detail", args=[appeal.public_id])
    )
    assert response.status_code == 200 and TITLE in response.content.decode()


@pytest.mark.parametrize("who", ["member_b", "employee"])
def test_someone_never_told_of_the_appeal_still_gets_a_plain_404(world, client_for, who):
    # given an appeal transferred away, and someone outside it who was never told of it
    appeal = _transferred(world)
    user = getattr(world, who)
    user = getattr(user, "user", user)
    # when they try its handlers' address
    response = client_for(user).get(reverse("appeals:handle_detail", args=[appeal.public_id]))
    # then it looks like any missing appeal
    assert response.status_code == 404
    assert world.branch_b.name not in response.content.decode()


def test_a_missing_appeal_is_still_a_404_for_a_former_handler(world, client_for):
    _transferred(world)
    response = client_for(world.officer_a).get(
        reverse("appeals:handle_detail", args=[new_public_id()])
    )
    assert response.status_code == 404


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(world, client_for):
    appeal = _transferred(world)
    response = client_for(None).get(reverse("appeals:handle_detail", args=[appeal.public_id]))
    assert response.status_code == 302 and "login" in response.url


def test_a_moved_anonymous_appeal_says_no_more(world, client_for):
    # given an anonymous appeal branch A was told of, transferred to branch B
    appeal = _transferred(world, submitter=None, anonymous=True)
    # when branch A's officer follows the inbox link
    response = client_for(world.officer_a).get(_inbox_link(world.officer_a, appeal))
    # then the page says where it went and nothing else about it
    page = response.content.decode()
    assert response.status_code == 200 and world.branch_b.name in page
    for secret in (TITLE, DESCRIPTION, "属乙支部"):
        assert secret not in page


def test_steps_on_a_moved_appeal_are_still_refused(world, client_for):
    appeal = _transferred(world)
    response = client_for(world.officer_a).post(
        reverse("appeals:act", args=[appeal.public_id, "accept"]), {"accept-urgency": "normal"}
    )
    assert response.status_code == 404
