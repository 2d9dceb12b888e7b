"""Open311 GeoReport v2 over appeals: formats, authorisation, anonymity, bad input."""

from __future__ import annotations

import datetime
import json
import threading
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from grassroots.accounts.models import ApiToken, RoleAssignment
from grassroots.accounts.roles import Role
from grassroots.accounts.tests.factories import UserFactory
from grassroots.accounts.tokens import token_create
from grassroots.appeals import services
from grassroots.appeals.models import Appeal
from grassroots.appeals.tests.factories import category, raise_appeal
from grassroots.core.models import AuditEntry

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"


def key_of(user):
    return token_create(user=user, name="open311")[1]


def post(client, key, fmt="json", **fields):
    data = {"api_key": key, "service_code": "living", "description": "食堂排队太久", **fields}
    return client.post(f"{BASE}/requests.{fmt}", data)


def listed(client, key, **params):
    response = client.get(f"{BASE}/requests.json", {"api_key": key, **params})
    assert response.status_code == 200, response.content
    return response.json()


def parsed(content):
    return ElementTree.fromstring(content)  # noqa: S314 - our own answer, in a test


def xml_error_of(response):
    assert response["Content-Type"].startswith("text/xml")
    [error] = parsed(response.content).findall("error")
    assert error.findtext("code") == str(response.status_code)
    return error.findtext("description")


def error_of(response):
    body = response.json()
    assert isinstance(body, list) and set(body[0]) == {"code", "description"}
    assert body[0]["code"] == response.status_code
    return body[0]["description"]


# --- services ------------------------------------------------------------------------


def test_services_list_the_active_categories_in_json_and_xml_to_anyone(client):
    body = client.get(f"{BASE}/services.json").json()
    codes = [s["service_code"] for s in body]
    assert "living" in codes and "conduct" in codes
    assert all(s["metadata"] is True and s["type"] == "realtime" for s in body)
    root = parsed(client.get(f"{BASE}/services.xml").content)
    assert root.tag == "services"
    assert [s.findtext("service_code") for s in root.findall("service")] == codes


def test_a_service_definition_offers_title_urgency_anonymity_and_consent(client):
    body = client.get(f"{BASE}/services/living.json").json()
    assert body["service_code"] == "living"
    attributes = {a["code"]: a for a in body["attributes"]}
    assert set(attributes) == {"title", "urgency", "anonymous", "consent_publish"}
    assert [v["key"] for v in attributes["urgency"]["values"]] == ["urgent", "normal", "complex"]
    root = parsed(client.get(f"{BASE}/services/living.xml").content)
    assert root.tag == "service_definition"
    assert len(root.find("attributes").findall("attribute")) == 4


def test_an_unknown_service_or_format_is_404(client):
    response = client.get(f"{BASE}/services/nothing.json")
    assert response.status_code == 404 and "service_code" in error_of(response)
    assert client.get(f"{BASE}/services.html").status_code == 404


def test_a_wrong_jurisdiction_is_404_and_the_committee_code_is_accepted(world, client):
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": "C"}).status_code == 200
    response = client.get(f"{BASE}/services.json", {"jurisdiction_id": "elsewhere.gov"})
    assert response.status_code == 404 and "jurisdiction_id" in error_of(response)


# --- POST requests --------------------------------------------------------------------


def test_a_named_request_goes_through_the_appeal_intake(world, client):
    key = key_of(world.employee)
    response = post(
        client,
        key,
        address_id="DA",
        address_string="二号食堂",
        first_name="不保存",
        email="x@example.com",
        **{"attribute[urgency]": "urgent", "attribute[title]": "食堂窗口"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    appeal = Appeal.objects.get(public_id=body[0]["service_request_id"])
    assert (appeal.submitter, appeal.channel, appeal.unit) == (
        world.employee,
        "api",
        world.branch_a,
    )
    assert (appeal.title, appeal.place, appeal.urgency) == ("食堂窗口", "二号食堂", "urgent")
    assert appeal.accept_due_at > appeal.created_at and appeal.tokens
    assert appeal.number in body[0]["service_notice"]
    assert AuditEntry.objects.filter(actor=world.employee, action__contains="submit").exists()


def test_a_json_and_an_xml_body_are_read_as_well(world, client):
    key = key_of(world.employee)
    response = client.post(
        f"{BASE}/requests.json",
        json.dumps(
            {
                "api_key": key,
                "service_code": "pay",
                "description": "加班费",
                "attribute": {"urgency": "complex"},
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    xml = (
        f"<service_request><api_key>{key}</api_key><service_code>pay</service_code>"
        "<description>夜班补贴</description><attribute><title>补贴</title></attribute>"
        "</service_request>"
    )
    response = client.post(f"{BASE}/requests.xml", xml, content_type="application/xml")
    assert response.status_code == 201, response.content
    root = parsed(response.content)
    public_id = root.find("request").findtext("service_request_id")
    assert Appeal.objects.get(public_id=public_id).title == "补贴"
    assert Appeal.objects.filter(category__code="pay", submitter=world.employee).count() == 2


@pytest.mark.parametrize(
    ("body", "content_type", "says"),
    [
        ("{not json", "application/json", "JSON"),
        ('["a list"]', "application/json", "object"),
        ('{"description": ["a", "list"]}', "application/json", "single value"),
        ("<service_request><unclosed>", "application/xml", "well-formed"),
        (
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><r><description>&a;</description></r>',
            "text/xml",
            "document type",
        ),
    ],
)
def test_malformed_bodies_are_400_and_save_nothing(world, client, body, content_type, says):
    response = client.post(f"{BASE}/requests.json", body, content_type=content_type)
    assert response.status_code == 400 and says in error_of(response)
    assert not Appeal.objects.exists()


def test_a_nul_character_is_refused_before_anything_is_read(world, client):
    body = json.dumps({"api_key": key_of(world.employee), "description": "a\u0000b"})
    response = client.post(f"{BASE}/requests.json", body, content_type="application/json")
    assert response.status_code == 400 and not Appeal.objects.exists()


def test_a_wrong_or_missing_key_is_403_in_the_specifications_format(world, client):
    response = post(client, "gr_deadbeef_nothing")
    assert response.status_code == 403 and "api_key" in error_of(response)
    response = client.post(f"{BASE}/requests.xml", {"service_code": "living", "description": "x"})
    assert response.status_code == 403
    error = parsed(response.content).find("error")
    assert error.findtext("code") == "403" and "api_key" in error.findtext("description")
    assert not Appeal.objects.exists()


def test_a_revoked_token_or_a_departed_owner_is_refused(world, client):
    key = key_of(world.employee)
    world.employee.is_active = False
    world.employee.save(update_fields=["is_active"])
    assert post(client, key).status_code == 403


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"description": "长" * 5001}, "5"),
        ({"attribute[title]": "长" * 101}, "100"),
        ({"description": " "}, ""),
        ({"service_code": "nothing"}, "service_code"),
        ({"attribute[urgency]": "now"}, "urgency"),
        ({"address_id": "NOPE"}, "address_id"),
        ({"address_string": "地" * 101}, "100"),
        ({"lat": "north", "long": "1"}, "lat"),
        ({"lat": "91", "long": "1"}, "range"),
        ({"idempotency_key": "k" * 65}, "64"),
        ({"idempotency_key": "offline-1"}, "16"),
        ({"idempotency_key": "offline/0000/0001"}, "'/'"),
        ({"idempotency_key": "offline.0000.0001"}, "'.'"),
    ],
)
def test_bad_fields_are_400_and_save_nothing(world, client, fields, says):
    response = post(client, key_of(world.employee), **fields)
    assert response.status_code == 400 and says in error_of(response)
    assert not Appeal.objects.exists()


def test_script_in_text_is_kept_as_text_and_escaped_in_xml(world, client):
    key = key_of(world.employee)
    script = "<script>alert(1)</script>"
    response = post(client, key, description=f"{script} 食堂", **{"attribute[title]": script})
    public_id = response.json()[0]["service_request_id"]
    xml = client.get(f"{BASE}/requests/{public_id}.xml", {"api_key": key}).content
    assert b"<script>" not in xml
    request = parsed(xml).find("request")
    assert request.findtext("title") == script
    assert json.loads(client.get(f"{BASE}/requests/{public_id}.json", {"api_key": key}).content)[0][
        "description"
    ].startswith(script)


def test_a_double_post_with_the_same_key_makes_one_appeal(world, client):
    key = key_of(world.employee)
    first = post(client, key, idempotency_key="form-00000000001")
    again = client.post(
        f"{BASE}/requests.json",
        {"api_key": key, "service_code": "living", "description": "食堂排队太久"},
        HTTP_IDEMPOTENCY_KEY="form-00000000001",
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()[0]["service_request_id"] == again.json()[0]["service_request_id"]
    assert first.json()[0]["token"] == "form-00000000001"
    assert Appeal.objects.count() == 1
    # Keys are each caller's own: another client with the same scheme raises its own
    # appeal, learns nothing of the first and locks nobody out.
    other = post(client, key_of(world.member_a.user), idempotency_key="form-00000000001")
    assert other.status_code == 201
    assert other.json()[0]["service_request_id"] != first.json()[0]["service_request_id"]
    assert Appeal.objects.count() == 2


# --- anonymity ------------------------------------------------------------------------


def test_an_anonymous_request_keeps_nobody_and_its_token_is_not_touched(world, client):
    key = key_of(world.employee)
    token = ApiToken.objects.get(user=world.employee)
    response = post(
        client,
        key,
        address_id="DA",
        first_name="张三",
        phone="13800000000",
        **{"attribute[anonymous]": "true", "attribute[title]": "食堂排队"},
    )
    assert response.status_code == 201, response.content
    answer = response.json()[0]
    appeal = Appeal.objects.get(public_id=answer["service_request_id"])
    assert appeal.is_anonymous and appeal.submitter is None and appeal.recorded_by is None
    assert appeal.channel == "anonymous"  # not "api": few people hold tokens
    assert appeal.created_at.minute == 0
    assert answer["tracking_code"] and answer["pin"] in answer["service_notice"]
    assert (
        services.anonymous_find(tracking_code=answer["tracking_code"], pin=answer["pin"]) == appeal
    )
    token.refresh_from_db()
    assert token.last_used_at is None
    assert (
        not AuditEntry.objects.filter(actor=world.employee).exclude(action="token.create").exists()
    )
    text = json.dumps(answer) + json.dumps(
        listed(client, key_of(world.officer_a), service_request_id=appeal.public_id)
    )
    for trace in ("张三", "13800000000", world.employee.employee_number, world.employee.name):
        assert trace not in text
    # Its sender's key does not reach it: only the tracking code and PIN do.
    assert (
        client.get(f"{BASE}/requests/{appeal.public_id}.json", {"api_key": key}).status_code == 404
    )
    assert listed(client, key) == []


def test_the_handlers_view_of_an_anonymous_request_leaves_out_the_department(world, client):
    appeal = raise_appeal(world, submitter=None, anonymous=True, channel=Appeal.Channel.ANONYMOUS)
    view = listed(client, key_of(world.officer_a), service_request_id=appeal.public_id)[0]
    assert view["address_id"] == ""
    named = raise_appeal(world)
    view = listed(client, key_of(world.officer_a), service_request_id=named.public_id)[0]
    assert view["address_id"] == "DA"
    for field in ("first_name", "last_name", "email", "phone", "account_id", "submitter"):
        assert field not in view


# --- GET requests ---------------------------------------------------------------------


def test_who_reads_which_request_follows_the_appeals_policy(world, client):
    mine = raise_appeal(world)
    other = raise_appeal(world, submitter=world.member_b.user, department=world.department_b)
    ids = f"{mine.public_id},{other.public_id}"

    def seen(user):
        return {
            r["service_request_id"] for r in listed(client, key_of(user), service_request_id=ids)
        }

    assert seen(world.employee) == {mine.public_id}
    assert seen(world.officer_a) == {mine.public_id}
    assert seen(world.officer_b) == {other.public_id}
    assert seen(world.committee_officer) == {mine.public_id, other.public_id}
    assert seen(world.admin) == {mine.public_id, other.public_id}
    assert seen(world.member_a.user) == set()
    # Out of scope answers exactly as missing does.
    out = client.get(
        f"{BASE}/requests/{other.public_id}.json", {"api_key": key_of(world.officer_a)}
    )
    missing = client.get(f"{BASE}/requests/{'0' * 16}.json", {"api_key": key_of(world.officer_a)})
    assert (
        (out.status_code, out.content)
        == (missing.status_code, missing.content)
        == (
            404,
            out.content,
        )
    )
    # A visitor without a key reads nothing.
    assert client.get(f"{BASE}/requests.json").status_code == 403
    assert client.get(f"{BASE}/requests/{mine.public_id}.json").status_code == 403


def test_a_signed_in_session_is_not_a_key(world, client_for):
    client = client_for(world.employee)
    mine = raise_appeal(world)
    assert client.get(f"{BASE}/requests/{mine.public_id}.json").status_code == 403
    assert (
        client.post(
            f"{BASE}/requests.json", {"service_code": "living", "description": "x"}
        ).status_code
        == 403
    )


def test_filters_status_service_code_dates_and_pages(world, client):
    now = timezone.now()
    old = raise_appeal(world, at=now - datetime.timedelta(days=120))
    withdrawn = services.appeal_withdraw(appeal=raise_appeal(world), by=world.employee)
    pay = raise_appeal(world, category=category("pay"))
    key = key_of(world.officer_a)
    recent = {r["service_request_id"] for r in listed(client, key)}
    assert old.public_id not in recent and pay.public_id in recent
    assert [r["service_request_id"] for r in listed(client, key, service_code="pay")] == [
        pay.public_id
    ]
    start = (now - datetime.timedelta(days=125)).isoformat()
    end = (now - datetime.timedelta(days=100)).isoformat()
    assert [
        r["service_request_id"] for r in listed(client, key, start_date=start, end_date=end)
    ] == [old.public_id]
    assert withdrawn.public_id in recent
    open_ones = {r["service_request_id"] for r in listed(client, key, status="open")}
    assert pay.public_id in open_ones and withdrawn.public_id not in open_ones
    closed = [r["service_request_id"] for r in listed(client, key, status="closed")]
    assert closed == [withdrawn.public_id]
    page_one = listed(client, key, page_size=2)
    page_two = listed(client, key, page_size=2, page=2)
    assert len(page_one) == 2 and not {r["service_request_id"] for r in page_one} & {
        r["service_request_id"] for r in page_two
    }
    response = client.get(
        f"{BASE}/requests.json",
        {
            "api_key": key,
            "start_date": (now - datetime.timedelta(days=200)).isoformat(),
            "end_date": now.isoformat(),
        },
    )
    assert response.status_code == 400 and "90 days" in error_of(response)
    for bad in ({"status": "pending"}, {"page_size": "1000"}, {"start_date": "soon"}):
        response = client.get(f"{BASE}/requests.json", {"api_key": key, **bad})
        assert response.status_code == 400, bad


def test_closed_requests_are_those_answered_or_finished(world, client):
    appeal = raise_appeal(world)
    key = key_of(world.officer_a)
    assert listed(client, key, status="closed") == []
    services.appeal_accept(appeal=appeal, actor=world.officer_a)
    services.appeal_answer(appeal=appeal, actor=world.officer_a, text="已增加窗口")
    [view] = listed(client, key, status="closed")
    assert view["service_request_id"] == appeal.public_id and view["expected_datetime"] is None
    assert listed(client, key, status="open") == []


def test_a_token_finds_its_own_request_only(world, client):
    key = key_of(world.employee)
    token = "offline-0000000007"
    made = post(client, key, idempotency_key=token).json()[0]
    found = client.get(f"{BASE}/tokens/{token}.json", {"api_key": key}).json()
    assert found == [{"service_request_id": made["service_request_id"], "token": token}]
    officer = client.get(f"{BASE}/tokens/{token}.json", {"api_key": key_of(world.officer_a)})
    assert officer.status_code == 404
    assert client.get(f"{BASE}/tokens/{token}.json").status_code == 403


def test_methods_other_than_the_specifications_are_405(world, client):
    response = client.delete(f"{BASE}/requests.json")
    assert response.status_code == 405 and response["Allow"] == "GET, POST"
    assert client.post(f"{BASE}/services.json").status_code == 405


@pytest.mark.parametrize("path", ["requests/{id}", "tokens/{token}"])
def test_a_single_read_turns_away_alike_and_leaves_the_token_untouched(world, client, path):
    # given a request made with a token, and its address by id or by token
    key = key_of(world.employee)
    token = "turned-away-000001"
    made = post(client, key, idempotency_key=token).json()[0]
    url = f"{BASE}/{path.format(id=made['service_request_id'], token=token)}.json"
    ApiToken.objects.update(last_used_at=None)

    # when asked another way, elsewhere, without a key or with a wrong one
    posted = client.post(url, {"api_key": key})
    elsewhere = client.get(url, {"api_key": key, "jurisdiction_id": "elsewhere.gov"})
    keyless = client.get(url)
    wrong = client.get(url, {"api_key": key + "x"})

    # then each is turned away in the specification's shape, and the key is not noted
    assert posted.status_code == 405 and posted["Allow"] == "GET"
    assert elsewhere.status_code == 404 and "jurisdiction_id" in error_of(elsewhere)
    assert keyless.status_code == 403 and "required" in error_of(keyless)
    assert wrong.status_code == 403 and "not a valid" in error_of(wrong)
    assert ApiToken.objects.get(user=world.employee).last_used_at is None
    # and the same read with the key finds it
    assert client.get(url, {"api_key": key}).status_code == 200


@pytest.mark.parametrize(
    "value", ["²", "-1", "9" * 10_000, "<script>alert(1)</script>", "open,,closed,", " "]
)
def test_hostile_parameters_never_reach_a_server_error(world, client, value):
    key = key_of(world.officer_a)
    for name in (
        "service_request_id",
        "service_code",
        "start_date",
        "end_date",
        "status",
        "page",
        "page_size",
        "jurisdiction_id",
    ):
        response = client.get(f"{BASE}/requests.json", {"api_key": key, name: value})
        assert response.status_code in {200, 400, 404}, (name, value[:20])
        if response.status_code != 200:
            error_of(response)
        response = client.get(f"{BASE}/requests.xml", {"api_key": key, name: value})
        assert response.status_code in {200, 400, 404}, (name, value[:20])
        if response.status_code != 200:
            assert xml_error_of(response)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_posts_with_one_key_at_the_same_moment_make_one_appeal(world):
    # given a client that sends the same request twice at once (a retry racing the first)
    key = key_of(world.employee)
    barrier = threading.Barrier(2)
    answers: list[int] = []

    def send() -> None:
        try:
            barrier.wait()
            answers.append(post(Client(), key, idempotency_key="race-000000000001").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then one appeal is made, and both are told about it
    assert sorted(answers) == [200, 201]
    assert Appeal.objects.filter(submitter=world.employee).count() == 1


def test_the_assignee_and_a_co_handling_liaison_read_the_request_too(world, client):
    from grassroots.accounts.models import RoleAssignment
    from grassroots.accounts.roles import Role
    from grassroots.accounts.tests.factories import UserFactory

    # given an appeal of branch A, assigned to a member and co-handled by department B
    appeal = raise_appeal(world)
    services.appeal_accept(appeal=appeal, actor=world.officer_a)
    services.appeal_assign(appeal=appeal, actor=world.officer_a, assignee=world.member_a.user)
    services.cohandling_open(
        appeal=appeal, actor=world.officer_a, department=world.department_b, request="请核实"
    )
    liaison = UserFactory(department=world.department_b)
    RoleAssignment.objects.create(
        user=liaison, role=Role.DEPARTMENT_LIAISON, department=world.department_b
    )
    # then both read it, in the list and by id; branch B's officer still does not
    for user in (world.member_a.user, liaison):
        key = key_of(user)
        assert [r["service_request_id"] for r in listed(client, key)] == [appeal.public_id]
        url = f"{BASE}/requests/{appeal.public_id}.json"
        assert client.get(url, {"api_key": key}).status_code == 200
    assert listed(client, key_of(world.officer_b)) == []


def test_an_anonymous_request_is_never_found_through_its_token(world, client):
    key = key_of(world.employee)
    anonymous = {"attribute[anonymous]": "true", "attribute[title]": "排队"}
    token = "anon-000000000001"
    made = post(client, key, idempotency_key=token, **anonymous)
    assert made.status_code == 201 and made.json()[0]["token"] == token
    response = client.get(f"{BASE}/tokens/{token}.json", {"api_key": key})
    assert response.status_code == 404
    # and sending it again makes no second appeal and gives no new code and PIN
    again = post(client, key, idempotency_key=token, **anonymous)
    assert again.status_code == 200 and "pin" not in again.json()[0]
    assert Appeal.objects.filter(is_anonymous=True).count() == 1


# --- what the review found --------------------------------------------------------------

ANONYMOUS = {"attribute[anonymous]": "true", "attribute[title]": "食堂排队"}


def test_an_anonymous_request_keeps_no_position_and_needs_a_typed_title(world, client):
    key = key_of(world.employee)
    # A title cut from the description would mark it as Open311's: it must be typed.
    untitled = post(client, key, **{"attribute[anonymous]": "true"})
    assert untitled.status_code == 400 and "attribute[title]" in error_of(untitled)
    assert not Appeal.objects.exists()
    made = post(client, key, lat="35.123456", long="112.654321", **ANONYMOUS)
    assert made.status_code == 201, made.content
    appeal = Appeal.objects.get()
    assert appeal.place == "" and appeal.title == "食堂排队"
    [view] = listed(client, key_of(world.committee_officer), service_request_id=appeal.public_id)
    assert "35.12" not in json.dumps(view)
    # A named request keeps its position, as the specification has it.
    post(client, key, lat="35.123456", long="112.654321")
    assert Appeal.objects.get(is_anonymous=False).place == "35.123456, 112.654321"


def test_the_follow_up_reads_of_an_anonymous_request_leave_no_trace_on_the_token(world, client):
    key = key_of(world.employee)
    token = "anon-follow-000001"
    made = post(client, key, idempotency_key=token, **ANONYMOUS).json()[0]
    # what a client does next: read back the request and its token, both 404 to the sender
    url = f"{BASE}/requests/{made['service_request_id']}.json"
    assert client.get(url, {"api_key": key}).status_code == 404
    assert client.get(f"{BASE}/tokens/{token}.json", {"api_key": key}).status_code == 404
    assert ApiToken.objects.get(user=world.employee).last_used_at is None
    # a read that finds something is noted as before
    named = post(client, key).json()[0]
    url = f"{BASE}/requests/{named['service_request_id']}.json"
    assert client.get(url, {"api_key": key}).status_code == 200
    assert ApiToken.objects.get(user=world.employee).last_used_at is not None


def test_another_persons_anonymous_key_tells_nothing(world, client):
    token = "offline-000000000001"
    first = post(client, key_of(world.employee), idempotency_key=token, **ANONYMOUS)
    assert first.status_code == 201
    # officer B sends the same key anonymously: no second appeal, and no id to read
    again = post(client, key_of(world.officer_b), idempotency_key=token, **ANONYMOUS)
    assert again.status_code == 200
    answer = again.json()[0]
    assert answer["service_request_id"] is None and "pin" not in answer
    assert first.json()[0]["service_request_id"] not in again.content.decode()
    # and a named post with it is the officer's own new appeal, not a 400 that would
    # tell a used key from an unused one
    named = post(client, key_of(world.officer_b), idempotency_key=token)
    assert named.status_code == 201
    assert Appeal.objects.count() == 2


def test_json_bodies_that_broke_the_parser_are_400(world, client):
    key = key_of(world.employee)
    deep = "[" * 100_000 + "]" * 100_000
    response = client.post(f"{BASE}/requests.json", deep, content_type="application/json")
    assert response.status_code == 400 and "JSON" in error_of(response)
    deep_field = f'{{"api_key": "{key}", "description": {deep}}}'
    response = client.post(f"{BASE}/requests.json", deep_field, content_type="application/json")
    assert response.status_code == 400
    surrogate = f'{{"api_key": "{key}", "service_code": "living", "description": "\\ud800 x"}}'
    response = client.post(f"{BASE}/requests.xml", surrogate, content_type="application/json")
    assert response.status_code == 400 and "surrogate" in xml_error_of(response)
    assert not Appeal.objects.exists()


def test_control_characters_in_text_keep_the_xml_answer_well_formed(world, client):
    key = key_of(world.employee)
    made = post(
        client, key, description="排队\x0b太久\x01了\t真的", **{"attribute[title]": "食\x1f堂"}
    )
    assert made.status_code == 201, made.content
    public_id = made.json()[0]["service_request_id"]
    for url in (f"{BASE}/requests.xml", f"{BASE}/requests/{public_id}.xml"):
        request = parsed(client.get(url, {"api_key": key}).content).find("request")
        assert request.findtext("description") == "排队太久了\t真的"
        assert request.findtext("title") == "食堂"


def test_a_list_of_ids_returns_every_one_whatever_the_page(world, client):
    appeals = [raise_appeal(world) for _ in range(3)]
    ids = ",".join(a.public_id for a in appeals)
    found = listed(client, key_of(world.officer_a), service_request_id=ids, page_size="1", page="2")
    assert {r["service_request_id"] for r in found} == {a.public_id for a in appeals}


def test_errors_before_any_view_are_in_the_specifications_format(world, client, settings):
    key = key_of(world.employee)
    big = json.dumps({"api_key": key, "description": "长" * 1_000_000})  # 3 MB of UTF-8
    response = client.post(f"{BASE}/requests.json", big, content_type="application/json")
    assert response.status_code == 413 and "too large" in error_of(response)
    response = client.post(f"{BASE}/requests.xml", {"description": "x" * 3_000_000})
    assert response.status_code == 413 and "too large" in xml_error_of(response)
    response = client.get(f"{BASE}/requests.xml", {"api_key": key, "status": "open\x00"})
    assert response.status_code == 400 and "NUL" in xml_error_of(response)
    response = client.get(f"{BASE}/requests.json", {"api_key": key, "page": "\x00"})
    assert response.status_code == 400 and "NUL" in error_of(response)
    for path in (
        "tokens/a.b.json",
        "requests.JSON",
        f"requests/{'0' * 65}.json",
        "nothing/here.json",
        "../other.json",
    ):
        response = client.get(f"{BASE}/{path}", {"api_key": key})
        assert response.status_code == 404 and error_of(response), path
    response = client.get(f"{BASE}/tokens/a.b.xml", {"api_key": key})
    assert response.status_code == 404 and xml_error_of(response)
    response = client.get("/open311/v3/services.xml")
    assert response.status_code == 404 and xml_error_of(response)
    assert not Appeal.objects.exists()


def test_a_discipline_officer_reads_conduct_complaints_through_open311(world, client):
    discipline = UserFactory()
    RoleAssignment.objects.create(
        user=discipline, role=Role.DISCIPLINE_OFFICER, org_unit=world.committee
    )
    complaint = raise_appeal(world, category=category("conduct"))
    ordinary = raise_appeal(world)
    key = key_of(discipline)
    assert [r["service_request_id"] for r in listed(client, key)] == [complaint.public_id]
    url = f"{BASE}/requests/{complaint.public_id}.json"
    assert client.get(url, {"api_key": key}).status_code == 200
    url = f"{BASE}/requests/{ordinary.public_id}.json"
    assert client.get(url, {"api_key": key}).status_code == 404
    # the branch officer who handles the ordinary appeal does not read the complaint
    assert [r["service_request_id"] for r in listed(client, key_of(world.officer_a))] == [
        ordinary.public_id
    ]


def test_listing_requests_takes_the_same_queries_however_many_there_are(world, client):
    key = key_of(world.officer_a)
    raise_appeal(world)
    listed(client, key)  # the first call loads what is cached once (parameters, types)
    with CaptureQueriesContext(connection) as few:
        assert len(listed(client, key)) == 1
    for _ in range(5):
        raise_appeal(world, category=category("conduct" if _ % 2 else "living"))
    with CaptureQueriesContext(connection) as many:
        assert len(listed(client, key)) >= 3
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_wide_scope_without_the_narrowing_reads_the_same_requests(world, client, monkeypatch):
    from grassroots.appeals import selectors

    discipline = UserFactory()
    RoleAssignment.objects.create(
        user=discipline, role=Role.DISCIPLINE_OFFICER, org_unit=world.committee
    )
    raise_appeal(world)
    raise_appeal(world, submitter=world.member_b.user, department=world.department_b)
    raise_appeal(world, category=category("conduct"))
    raise_appeal(world, submitter=None, anonymous=True, channel=Appeal.Channel.ANONYMOUS)
    people = (world.officer_a, world.officer_b, world.committee_officer, discipline, world.employee)
    keys = [key_of(user) for user in people]

    def seen():
        return [{r["service_request_id"] for r in listed(client, key)} for key in keys]

    narrowed = seen()
    # above NARROW_UNITS organisations in scope the narrowing is left out: same answers
    monkeypatch.setattr(selectors, "NARROW_UNITS", 0)
    assert seen() == narrowed
    assert all(narrowed) and len(set(map(frozenset, narrowed))) == len(people)
