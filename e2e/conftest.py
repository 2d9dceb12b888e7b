"""Browser tests: one real server (gunicorn) on a fresh demo database for the whole
session, and Debian's Chromium driven by Playwright.

The server runs the product as a user gets it: migrated, static files collected, demo
enterprise loaded. On a PostgreSQL run (DATABASE_URL set) it gets its own database.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("GRASSROOTS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DEMO_PASSWORD = "grassroots-demo"
ARTIFACTS = ROOT / "e2e" / "artifacts"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_database(base_url: str) -> tuple[str, Callable[[], None]]:
    """A new, empty database on the same server as the test run's."""
    import psycopg
    from dj_database_url import parse

    config = parse(base_url)
    name = f"grassroots_e2e_{uuid.uuid4().hex[:8]}"
    admin = {
        "host": config["HOST"] or "127.0.0.1",
        "port": config["PORT"] or 5432,
        "user": config["USER"] or "postgres",
        "password": config["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**admin) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = base_url.rsplit("/", 1)[0] + "/" + name

    def drop() -> None:
        with psycopg.connect(**admin) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url, drop


# Package scope: both end with the last browser test, not with the session. Under xdist
# the browser tests run first on their worker, and Playwright's sync API keeps an event
# loop running while it is open, which makes Django refuse the database work of the
# transactional tests that follow on that worker (SynchronousOnlyOperation).
@pytest.fixture(scope="package")
def server() -> Iterator[dict[str, Any]]:
    data_dir = Path(tempfile.mkdtemp(prefix="grassroots-e2e-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "GRASSROOTS_DATA_DIR": str(data_dir),
        "DJANGO_DEBUG": "0",
        "PYTHONWARNINGS": "ignore::SyntaxWarning",
        # A local receiver plays the group robot; sweeps run every few seconds.
        "GRASSROOTS_WEBHOOK_ALLOW_LOOPBACK": "1",
        # the messenger tests' fake vendor listens on http://127.0.0.1
        "GRASSROOTS_MESSENGER_ALLOW_HTTP_LOOPBACK": "1",
        "GRASSROOTS_SWEEP_SECONDS": "5",
    }
    drop: Callable[[], None] | None = None
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        env["DATABASE_URL"], drop = _postgres_database(os.environ["DATABASE_URL"])
    else:
        env.pop("DATABASE_URL", None)
    python = sys.executable
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
        ["load_demo"],
    ):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True)
    port = _free_port()
    env["GRASSROOTS_BASE_URL"] = f"http://127.0.0.1:{port}"
    log = open(data_dir / "server.log", "w")  # noqa: SIM115 - closed below
    # As bin/run does: the web server, a worker and the scheduler.
    helpers = [
        subprocess.Popen(
            [python, "manage.py", *command], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        for command in (["run_worker", "--interval", "0.5"], ["run_scheduler", "--tick", "2"])
    ]
    process = subprocess.Popen(
        [
            str(Path(python).parent / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "8",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=1) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError(
                "the test server did not start: " + (data_dir / "server.log").read_text()
            )
        logins = json.loads((data_dir / "demo-logins.json").read_text(encoding="utf-8"))
        yield {
            "url": base,
            "logins": {login["role"]: login for login in logins},
            "data_dir": data_dir,
            # the server's own database ("" on SQLite: the one in data_dir), for tests
            # that prepare records through the services in a subprocess
            "database_url": env.get("DATABASE_URL", ""),
        }
    finally:
        for each in (process, *helpers):
            each.terminate()
        for each in (process, *helpers):
            each.wait(timeout=20)
        log.close()
        if drop is not None:
            drop()


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is required for the browser tests and was not found at {CHROMIUM}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser: Any, server: dict[str, Any]) -> Iterator[Callable[..., Any]]:
    """new_page(role=None, width=1280) → a page, signed in as that demo role."""
    pages = Pages(browser, server)

    def make(role: str | None = None, *, width: int = 1280, height: int = 900) -> Any:
        return pages.open(
            role,
            timeout=15_000,
            viewport={"width": width, "height": height},
            bypass_csp=True,  # lets the tests inject axe-core; the pages themselves obey the CSP
        )

    yield make
    pages.close()


class Pages:
    """Pages in browser contexts of their own against the live server, in Chinese,
    signed in as a demo role or not; `close()` closes every context opened."""

    def __init__(self, browser: Any, server: dict[str, Any]) -> None:
        self.browser = browser
        self.server = server
        self.contexts: list[Any] = []

    def open(self, role: str | None, *, timeout: int, **options: Any) -> Any:
        context = self.browser.new_context(base_url=self.server["url"], locale="zh-CN", **options)
        context.set_default_timeout(timeout)
        self.contexts.append(context)
        page = context.new_page()
        if role is not None:
            sign_in(page, self.server["logins"][role]["employee_number"])
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def sign_in(page: Any, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login" not in url)


AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


# A page answered in place (static/js/offline.js writes the server's answer) styles its
# controls a moment after they are drawn: Bootstrap's 0.15 s transitions then run, and a
# colour caught half-way failed color-contrast in CI. axe audits the page as it settles:
# every finite animation finished (2 s at most; a paused one never finishes).
SETTLED = """() => Promise.race([
  Promise.all(document.getAnimations()
    .filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
    .map(a => a.finished.catch(() => null))),
  new Promise(done => setTimeout(done, 2000)),
])"""


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.1 A and AA rules) on the page once its transitions end."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_PATH))
    page.evaluate(SETTLED)
    result = page.evaluate(
        "tags => axe.run(document,"
        " {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
    ]


TARGET_MINIMUM = 44  # px, docs/accessibility.md


def small_targets(page: Any) -> list[dict[str, Any]]:
    """Radios and checkboxes on the page whose hit area — the larger of the box itself and
    its label — is under 44 × 44 px, reported like axe's violations."""
    small = page.evaluate(
        """minimum => [...document.querySelectorAll('input[type=radio], input[type=checkbox]')]
          .filter(input => input.getClientRects().length && getComputedStyle(input).visibility !== 'hidden')
          .map(input => {
            const boxes = [input, ...input.labels].map(e => e.getBoundingClientRect())
              .filter(box => box.width && box.height);
            const best = boxes.reduce((a, b) =>
              Math.min(b.width, b.height) > Math.min(a.width, a.height) ? b : a,
              {width: 0, height: 0});
            return {id: input.id || input.name, width: best.width, height: best.height};
          })
          .filter(hit => hit.width < minimum - 0.5 || hit.height < minimum - 0.5)""",
        TARGET_MINIMUM,
    )
    if not small:
        return []
    return [
        {
            "id": "target-size-44",
            "impact": "serious",
            "help": "A radio or checkbox needs a hit area (its label) of at least 44 x 44 px",
            "targets": [f"#{hit['id']} {hit['width']:.0f}x{hit['height']:.0f}" for hit in small][
                :5
            ],
        }
    ]


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
