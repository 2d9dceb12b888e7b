"""Every appeal page and endpoint, for each kind of person around an appeal: what they may
open, and a 404 (the same as a missing appeal) for what is out of their scope."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from grassroots.accounts.models import Role, RoleAssignment, User
from grassroots.accounts.tokens import token_create
from grassroots.appeals import services
from grassroots.appeals.tests.factories import raise_appeal
from grassroots.core.public_ids import new_public_id

pytestmark = pytest.mark.django_db

PEOPLE = (
    "submitter",
    "other employee",
    "branch handler",
    "other branch officer",
    "committee officer",
    "department liaison",
    "anonymous",
)
BACKEND = "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"


@pytest.fixture
def scene(world: Any) -> dict[str, Any]:
    """One appeal of branch A's area, accepted and with a co-handling task for department B."""
    from grassroots.accounts.tests.factories import UserFactory

    appeal = raise_appeal(world)
    services.appeal_accept(appeal=appeal, actor=world.officer_a)
    services.cohandling_open(
        appeal=appeal, actor=world.officer_a, department=world.department_b, request="请核实"
    )
    liaison = UserFactory(department=world.department_b)
    RoleAssignment.objects.create(
        user=liaison, role=Role.DEPARTMENT_LIAISON, department=world.department_b
    )
    people: dict[str, User | None] = {
        "submitter": world.employee,
        "other employee": world.member_b.user,
        "branch handler": world.officer_a,
        "other branch officer": world.officer_b,
        "committee officer": world.committee_officer,
        "department liaison": liaison,
        "anonymous": None,
    }
    return {"appeal": appeal, "people": people, "world": world}


def client_as(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user, backend=BACKEND)
    return client


LOGIN = 302  # signed-in pages send visitors to the sign-in page
OK, HIDDEN = 200, 404

# page -> expected status per person, in the order of PEOPLE
PAGES: dict[str, tuple[int, ...]] = {
    "new": (OK, OK, OK, OK, OK, OK, LOGIN),
    "anonymous": (OK, OK, OK, OK, OK, OK, OK),
    "follow": (OK, OK, OK, OK, OK, OK, OK),
    "wall": (OK, OK, OK, OK, OK, OK, OK),
    "mine": (OK, OK, OK, OK, OK, OK, LOGIN),
    "mine_detail": (OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, LOGIN),
    "received": (OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, LOGIN),
    "on_behalf": (HIDDEN, HIDDEN, OK, OK, OK, HIDDEN, LOGIN),
    "queue": (OK, OK, OK, OK, OK, OK, LOGIN),
    "handle_detail": (HIDDEN, HIDDEN, OK, HIDDEN, OK, OK, LOGIN),
    "rates": (HIDDEN, HIDDEN, OK, OK, OK, HIDDEN, LOGIN),
    "qr_poster": (HIDDEN, HIDDEN, OK, HIDDEN, OK, HIDDEN, LOGIN),
    "api_timeline": (OK, HIDDEN, OK, HIDDEN, OK, OK, 401),
    "api_mine": (OK, OK, OK, OK, OK, OK, 401),
    "queue_export": (OK, OK, OK, OK, OK, OK, LOGIN),
    # Without a tracking code and PIN typed in, following sends everyone to the form.
    "followed": (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
}


def url_for(page: str, scene: dict[str, Any]) -> str:
    appeal = scene["appeal"]
    if page in ("mine_detail", "received", "handle_detail"):
        return reverse(f"appeals:{page}", args=[appeal.public_id])
    if page == "qr_poster":
        return reverse("appeals:qr_poster", args=[scene["world"].department_a.code])
    if page == "api_timeline":
        return f"/api/v1/appeals/{appeal.public_id}/timeline"
    if page == "api_mine":
        return "/api/v1/appeals/mine"
    return reverse(f"appeals:{page}")


@pytest.mark.parametrize("page", sorted(PAGES))
def test_who_may_open_each_appeal_page(scene, page):
    url = url_for(page, scene)
    got = tuple(client_as(scene["people"][who]).get(url).status_code for who in PEOPLE)
    assert dict(zip(PEOPLE, got, strict=True)) == dict(zip(PEOPLE, PAGES[page], strict=True))


def _page(response, public_id: str) -> str:
    """The page without what differs on every response (nonces, CSRF tokens) and with
    the id asked for (it is in the page's own address) made neutral."""
    text = response.content.decode().replace(f"/{public_id}/", "/N/")
    return re.sub(r"[A-Za-z0-9_-]{20,}", "", text)


def test_a_missing_appeal_looks_the_same_as_one_out_of_scope(scene):
    outsider = client_as(scene["people"]["other branch officer"])
    missing = new_public_id()  # well formed, and no appeal's
    existing = scene["appeal"].public_id
    for name in ("handle_detail", "mine_detail", "received"):
        gone = outsider.get(reverse(f"appeals:{name}", args=[missing]))
        hidden = outsider.get(reverse(f"appeals:{name}", args=[existing]))
        assert gone.status_code == hidden.status_code == HIDDEN
        assert _page(gone, missing) == _page(hidden, existing)  # nothing tells them apart
    gone = outsider.get(f"/api/v1/appeals/{missing}/timeline")
    hidden = outsider.get(f"/api/v1/appeals/{existing}/timeline")
    assert gone.status_code == hidden.status_code == HIDDEN
    assert gone.json() == hidden.json()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("branch handler", 302),
        ("committee officer", 302),
        ("other branch officer", HIDDEN),
        ("department liaison", HIDDEN),
        ("submitter", HIDDEN),
        ("anonymous", LOGIN),
    ],
)
def test_who_may_act_on_an_appeal(scene, who, status):
    appeal = scene["appeal"]
    response = client_as(scene["people"][who]).post(
        reverse("appeals:act", args=[appeal.public_id, "follow_up"]),
        {"follow-text": "已到现场查看", "follow-public": "on"},
    )
    assert response.status_code == status
    recorded = appeal.events.filter(text="已到现场查看").exists()
    assert recorded == (status == 302 and who != "anonymous")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("department liaison", 302),
        ("other employee", HIDDEN),
        ("other branch officer", HIDDEN),
        ("anonymous", LOGIN),
    ],
)
def test_only_the_asked_department_replies_to_a_co_handling_task(scene, who, status):
    task = scene["appeal"].co_handlings.get()
    response = client_as(scene["people"][who]).post(
        reverse("appeals:co_reply", args=[task.public_id]),
        {f"reply-{task.public_id}-reply": "已核实，情况属实。"},
    )
    assert response.status_code == status
    task.refresh_from_db()
    assert bool(task.reply) == (status == 302 and who != "anonymous")


@pytest.mark.parametrize(
    ("who", "status"),
    [("submitter", 200), ("other employee", HIDDEN), ("branch handler", HIDDEN)],
)
def test_only_the_submitter_rates_through_the_api(scene, who, status):
    appeal = scene["appeal"]
    services.appeal_answer(appeal=appeal, actor=scene["world"].officer_a, text="已增加窗口")
    token = token_create(user=scene["people"][who], name="test")[1]
    response = Client().post(
        f"/api/v1/appeals/{appeal.public_id}/rating",
        {"resolved": True, "satisfaction": "satisfied"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == status
    appeal.refresh_from_db()
    assert (appeal.status == "closed") == (status == 200)
