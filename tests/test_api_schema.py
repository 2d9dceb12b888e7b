"""Property-based tests of the JSON API from its own OpenAPI schema (schemathesis).

For every operation the schema declares, schemathesis generates requests — valid ones,
and (in its negative mode) ones that break the schema — and checks each answer: no
server error, a status code the schema declares, a body that matches the declared
schema, a refusal (401/403) when the credentials are removed or wrong, a 4xx for input
the schema forbids. The requests go in-process to the Django WSGI application, inside
the test's transaction, so a run needs no server and leaves nothing behind.

Each operation is tried by an anonymous visitor and by four people of the `world`
(an employee with a token; a member, a branch secretary and the committee secretary
with a session), with appeals in the states the endpoints act on. Generated ids are half
the time turned into ids that exist, so the in-scope paths are reached as well as the
404s. The number of examples is bounded and the generation derandomised: the same
requests every run, about a minute in all.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.conf import settings
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import Client

from config.api import api

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 25

config = schemathesis.Config.from_dict(
    {
        "seed": 20261206,
        "generation": {"max-examples": EXAMPLES_PER_OPERATION, "deterministic": True},
        "operations": [
            {
                # Raising and rating answer 422 to well-formed input that a rule refuses
                # (no such category, an appeal not waiting for a rating), and every body
                # with a NUL character anywhere (PostgreSQL cannot store one) is a 400:
                # both documented, neither expressible in a schema.
                "include-method": "POST",
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", "400", "401", "403", "404", "422"]
                    }
                },
            }
        ],
    }
)
# The schema the server serves at /api/v1/openapi.json, taken from the API object so that
# loading it needs no request (and no database) while pytest collects the tests.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=config)
schema.app = WSGIHandler()

CSRF_SECRET = "schemathesis0csrf0secret0value00"  # 32 characters, as Django's are


@dataclass
class Credentials:
    """What the signed-in caller of the running test sends."""

    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)


# Set by the `caller` fixture for the test that runs; read by the auth provider below.
_current: list[Credentials | None] = [None]


@schema.auth(refresh_interval=None)
class CurrentCaller:
    """Gives schemathesis the caller's credentials as *its* auth, so its auth check
    knows them for real ones: it then removes them, and sends wrong ones, and expects
    the API to refuse. An anonymous caller has none, and schemathesis sends made-up
    ones, which must be refused too."""

    def get(self, case: Any, context: Any) -> Credentials | None:
        return _current[0]

    def set(self, case: Any, data: Credentials, context: Any) -> None:
        case.headers = {**(case.headers or {}), **data.headers}
        case.cookies = {**(case.cookies or {}), **data.cookies}


@pytest.fixture
def app_keeps_test_connection() -> Iterator[None]:
    """Django closes the database connection at the end of each request; inside a test
    that would close the test's transaction. The test client does the same as this."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@dataclass
class Seeded:
    world: Any
    ids: dict[str, list[Any]]


@pytest.fixture
def seeded(world: Any, app_keeps_test_connection: None) -> Seeded:
    from grassroots.appeals import services
    from grassroots.appeals.models import Category
    from grassroots.appeals.tests.factories import raise_appeal

    # given an appeal waiting for its submitter's rating, one just raised, one handled
    answered = raise_appeal(world)
    services.appeal_accept(appeal=answered, actor=world.officer_a)
    services.followup_add(appeal=answered, actor=world.officer_a, text="内部备注", public=False)
    services.appeal_answer(appeal=answered, actor=world.officer_a, text="已增加窗口")
    raised = raise_appeal(world, submitter=world.member_a.user)
    elsewhere = raise_appeal(world, submitter=world.member_b.user, department=world.department_b)
    # and openness: notices to the public and to branch A's members, consultations that
    # have closed (a comment on one is refused with a documented 422), one showing an
    # anonymous comment
    from grassroots.openness.models import Comment
    from grassroots.openness.tests.factories import make_consultation, make_notice
    from grassroots.openness.vocabulary import Audience

    notices = [
        make_notice(world.branch_a, audience=Audience.PUBLIC),
        make_notice(world.branch_a, audience=Audience.MEMBERS),
    ]
    consultations = [
        make_consultation(world.committee, days_ago=9, days_left=-1, comments_shown=True),
        make_consultation(world.branch_a, audience=Audience.MEMBERS, days_ago=9, days_left=-1),
    ]
    Comment.objects.create(
        consultation=consultations[0], is_anonymous=True, group="employee", text="意见"
    )
    ids = {
        "unit_id": [world.committee.pk, world.branch_a.pk, world.branch_b.pk, world.group_a.pk],
        "notice_id": [notice.pk for notice in notices],
        "consultation_id": [consultation.public_id for consultation in consultations],
        "member_id": [world.member_a.pk, world.member_b.pk],
        # appeals are addressed by their public ids (16 characters), never by row number
        "appeal_id": [answered.public_id, raised.public_id, elsewhere.public_id],
        "category_id": list(Category.objects.values_list("pk", flat=True)),
    }
    return Seeded(world=world, ids=ids)


CALLERS = {
    "anonymous": None,
    "employee-token": ("employee", "token"),
    "member-session": ("member_a", "session"),
    "branch-secretary-session": ("officer_a", "session"),
    "committee-secretary-token": ("committee_officer", "token"),
}


@pytest.fixture(params=list(CALLERS))
def caller(request: Any, seeded: Seeded) -> Iterator[Seeded]:
    from grassroots.accounts.tokens import token_create

    who = CALLERS[request.param]
    credentials = None
    if who is not None:
        name, how = who
        user = getattr(seeded.world, name)
        user = getattr(user, "user", user)  # a member record gives its user
        if how == "token":
            _token, raw = token_create(user=user, name="schemathesis")
            credentials = Credentials(headers={"Authorization": f"Bearer {raw}"})
        else:
            client = Client()
            client.force_login(
                user, backend="grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"
            )
            credentials = Credentials(
                headers={"X-CSRFToken": CSRF_SECRET},
                cookies={
                    settings.SESSION_COOKIE_NAME: client.cookies[
                        settings.SESSION_COOKIE_NAME
                    ].value,
                    settings.CSRF_COOKIE_NAME: CSRF_SECRET,
                },
            )
    _current[0] = credentials
    yield seeded
    _current[0] = None


def _aim_at_existing_rows(case: Any, ids: dict[str, list[Any]]) -> None:
    """Turn an even, non-negative generated id (a generated string id whose characters
    add up to an even number) into one that exists (the same one for the same
    generated value), leaving the rest as generated: both the objects in and out of
    the caller's scope are reached, and ids that match nothing."""
    for container in (case.path_parameters, case.body):
        if not isinstance(container, dict):
            continue
        for name, value in container.items():
            existing = ids.get(name)
            # only a value of the ids' own type: one of another type is schemathesis
            # breaking the schema on purpose, and must stay broken
            if not existing or type(value) is not type(existing[0]):
                continue
            number = sum(map(ord, value)) if type(value) is str else value
            if type(number) is int and number >= 0 and number % 2 == 0:
                container[name] = existing[(number // 2) % len(existing)]


@schema.parametrize()
@hypothesis.settings(suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture])
def test_api_answers_every_generated_request_as_its_schema_says(case: Any, caller: Seeded) -> None:
    _aim_at_existing_rows(case, caller.ids)
    case.call_and_validate()


def test_every_operation_documents_its_refusals() -> None:
    # given the schema the API serves
    served = api.get_openapi_schema()
    # then every operation declares the 401 it gives a visitor, each refusal answers the
    # shared error body, and a JSON body that cannot be parsed is a documented 400
    for path, operations in served["paths"].items():
        for method, operation in operations.items():
            responses = {str(code): answer for code, answer in operation["responses"].items()}
            assert "401" in responses, (method, path)
            for code, answer in responses.items():
                if code.startswith("4"):
                    body = answer["content"]["application/json"]["schema"]
                    assert body == {"$ref": "#/components/schemas/ErrorOut"}, (method, path)
            if method == "post":
                assert {"400", "403", "422"} <= set(responses), (method, path)
            if "{" in path:
                assert {"404", "422"} <= set(responses), (method, path)
