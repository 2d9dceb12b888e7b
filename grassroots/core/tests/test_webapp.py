"""The installable app: manifest, service worker and the page for "no connection"; the
base layout links them and says whose pages these are without naming anyone."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client, override_settings
from django.urls import reverse

from grassroots.core import webapp

BACKEND = "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"


def signed_in(user):
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def test_the_manifest_names_the_app_in_chinese_with_both_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["name"] == "基层党群服务平台"
    assert data["start_url"] == "/" and data["display"] == "standalone"
    assert {icon["sizes"] for icon in data["icons"]} == {"192x192", "512x512"}
    for size in (192, 512):
        path = finders.find(f"img/icon-{size}.png")
        assert path is not None
        with open(path, "rb") as icon:
            head = icon.read(24)
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(head[16:20]) == int.from_bytes(head[20:24]) == size


def test_the_service_worker_is_served_from_the_root_and_never_cached(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]
    assert response["Service-Worker-Allowed"] == "/"
    body = response.content.decode()
    config = json.loads(re.search(r"const CONFIG = (\{.*\});", body).group(1))
    for url in config["precache"]:
        assert finders.find(url.removeprefix(settings.STATIC_URL)) is not None, url
    assert config["offline"] == reverse("core:offline")
    assert "{{" not in body and "{%" not in body


def test_the_service_worker_keeps_away_from_sign_in_api_admin_and_a_followed_appeal():
    for prefix in ("/accounts/", "/api/", "/admin/", "/appeals/follow", "/open311/"):
        assert prefix in webapp.NEVER_CACHED


def test_the_worker_and_manifest_answer_get_only(client):
    assert client.post("/sw.js").status_code == 405
    assert client.post("/manifest.webmanifest").status_code == 405


@pytest.mark.django_db
def test_the_offline_page_names_nobody_even_when_signed_in(world):
    response = signed_in(world.employee).get("/offline/")
    assert response.status_code == 200
    html = response.content.decode()
    assert world.employee.name not in html
    assert "没有网络连接" in html or "No connection" in html


@pytest.mark.django_db
def test_every_page_links_the_manifest_and_the_offline_script(world):
    html = signed_in(world.employee).get(reverse("home")).content.decode()
    assert 'rel="manifest" href="/manifest.webmanifest"' in html
    assert 'data-service-worker="/sw.js"' in html
    assert 'id="offline-status" role="status"' in html
    assert "js/offline.js" in html and "js/offline-queue.js" in html


@pytest.mark.django_db
def test_the_owner_value_differs_by_person_names_nobody_and_is_empty_for_a_visitor(world, client):
    def owner(c):
        page = c.get(reverse("appeals:anonymous")).content.decode()
        return re.search(r'data-owner="([^"]*)"', page).group(1)

    first, second = owner(signed_in(world.employee)), owner(signed_in(world.officer_a))
    assert first and second and first != second
    assert owner(signed_in(world.employee)) == first
    assert re.fullmatch(r"[0-9a-f]{24}", first) and world.employee.employee_number not in first
    assert owner(client) == ""


def test_the_content_security_policy_allows_our_own_worker_and_manifest_only():
    assert settings.SECURE_CSP["worker-src"] == ["'self'"]
    assert settings.SECURE_CSP["manifest-src"] == ["'self'"]


@pytest.mark.django_db
@override_settings(SESSION_IDLE_TIMEOUT=datetime.timedelta(minutes=7))
def test_kept_pages_and_forms_on_them_last_no_longer_than_a_session_without_a_request(
    world, client
):
    body = client.get("/sw.js").content.decode()
    config = json.loads(re.search(r"const CONFIG = (\{.*\});", body).group(1))
    assert config["pageMaxAge"] == 7 * 60
    page = signed_in(world.employee).get(reverse("home")).content.decode()
    assert 'data-max-age="420"' in page


@pytest.mark.django_db
def test_the_parts_drawn_once_follow_the_language_and_nothing_of_the_person(world, client):
    """The head's files and the offline script's texts are drawn once per language and
    kept: a page in English after one in Chinese has them in English, and back; a
    signed-in person's page carries the same drawn parts as a visitor's, so nothing of
    the person is kept in them."""

    def drawn_once(html: str) -> str:
        return re.search(r"<head>.*</head>", html, re.S).group(0) + re.search(
            r'<div class="offline-status[^>]*>', html, re.S
        ).group(0)

    login = reverse("accounts:login")
    chinese = drawn_once(client.get(login).content.decode())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = drawn_once(client.get(login).content.decode())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    again = drawn_once(client.get(login).content.decode())
    assert "没有网络连接" in chinese and "No connection" not in chinese
    assert "No connection" in english and "没有网络连接" not in english
    assert again == chinese
    person = drawn_once(signed_in(world.employee).get(reverse("home")).content.decode())
    assert person.replace(re.search(r"<title>.*</title>", person).group(0), "") == (
        again.replace(re.search(r"<title>.*</title>", again).group(0), "")
    )
    assert world.employee.name not in person
    assert 'nonce="' not in person
