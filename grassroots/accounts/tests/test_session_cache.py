"""Sessions are read from the cache and written through to the database (settings:
SESSION_ENGINE cached_db, CACHES["sessions"]): a signed-in request does not read its
session row, and signing out ends the session in both places."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grassroots.accounts.tests.test_views import PASSWORD, sign_in

pytestmark = pytest.mark.django_db


def _session_statements(client: Client) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    return response.status_code, [q["sql"] for q in queries if "django_session" in q["sql"]]


def _signed_in(world) -> Client:
    client = Client()
    sign_in(client, world.employee.employee_number, PASSWORD)
    # the first page after signing in writes the session once (its "last seen" time,
    # kept at most once a minute by IdleTimeoutMiddleware)
    client.get(reverse("home"))
    return client


def test_a_signed_in_request_reads_its_session_from_the_cache(world):
    client = _signed_in(world)
    status, statements = _session_statements(client)
    assert status == 200
    assert statements == []


def test_a_session_the_cache_dropped_is_read_from_the_database(world):
    client = _signed_in(world)
    caches["sessions"].clear()
    status, statements = _session_statements(client)
    assert status == 200  # still signed in: the home page, not the sign-in page
    assert len(statements) == 1  # read once from the database …
    status, statements = _session_statements(client)
    assert statements == []  # … and kept in the cache again


def test_signing_out_ends_the_session_in_the_cache_too(world):
    client = Client()
    sign_in(client, world.employee.employee_number, PASSWORD)
    cookie = client.cookies["sessionid"].value
    client.post(reverse("accounts:logout"))
    # the old cookie, replayed by someone who kept it, opens nothing
    replay = Client()
    replay.cookies["sessionid"] = cookie
    response = replay.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url
    assert caches["sessions"].get(f"django.contrib.sessions.cached_db{cookie}") is None


class _Unreachable:
    """A cache whose server cannot be reached: every call raises."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache unreachable")

        return fail

    def __contains__(self, key):
        raise ConnectionError("cache unreachable")


@pytest.fixture
def cache_down(monkeypatch):
    from django.contrib.sessions.backends.cached_db import SessionStore

    opened = SessionStore.__init__

    def unreachable(self, session_key=None):
        opened(self, session_key)
        self._cache = _Unreachable()

    monkeypatch.setattr(SessionStore, "__init__", unreachable)


def test_with_the_cache_unreachable_people_sign_in_work_and_sign_out(world, cache_down):
    client = Client()
    # signing in checks that the new key is free: the database answers
    response = sign_in(client, world.employee.employee_number, PASSWORD)
    assert response.status_code == 302 and response.url == reverse("home")
    # a signed-in page reads the session from the database (and cannot write it back)
    assert client.get(reverse("home")).status_code == 200
    # signing out deletes the session from the database; the cache's delete fails quietly
    cookie = client.cookies["sessionid"].value
    assert client.post(reverse("accounts:logout")).status_code == 302
    replay = Client()
    replay.cookies["sessionid"] = cookie
    assert replay.get(reverse("home")).status_code == 302
