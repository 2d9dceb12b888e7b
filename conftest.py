"""Fixtures shared by every test module.

`world` is the small enterprise most view tests use: a committee with two branches
(A and B), a group in A, and people with each role, so that every view can be tried by
an in-scope user, an out-of-scope user and an anonymous visitor.
"""

from __future__ import annotations

import datetime
import os
import warnings
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

warnings.filterwarnings("ignore", category=SyntaxWarning, module="jieba")

# Hypothesis's per-example deadline is a timing assertion: on two shared cores a slow
# example fails a correct test. Speed is measured in bench/, not here.
hypothesis_settings.register_profile("grassroots", deadline=None)
hypothesis_settings.load_profile("grassroots")


def _in_browser_group(item: pytest.Item) -> bool:
    return "/e2e/" in str(item.fspath)


class _OneWorkerPerFileAndBrowser:
    """Under pytest-xdist (`bin/test -n 2`, as .ci/run runs it) the tests are handed out
    in the order one process would run them, in units that keep their module fixtures
    once: every browser test on one worker, against one live server, first; then each
    file's part of pytest-django's order (tests in a transaction, then transactional
    ones, then those without a database) as a unit. A transactional test's flush makes
    the content types anew (or leaves them empty after a serialized rollback), so on
    either worker no test in a transaction may follow one: as alone, they come last.
    (`--dist loadgroup` cannot be told this, and under pytest 9.2 its renaming of test
    ids has no effect.)"""

    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: Any) -> Any:
        from xdist.scheduler import LoadScopeScheduling

        config.option.loadscopereorder = False  # keep the order above, not by size

        class FileOrBrowser(LoadScopeScheduling):
            scopes: dict[str, str] = {}
            segments: dict[str, int] = {}
            last = ""

            def _split_scope(self, nodeid: str) -> str:
                # first called over the whole collection in order, then looked up
                if nodeid not in self.scopes:
                    path = nodeid.split("::", 1)[0]
                    if path.startswith("e2e/"):
                        self.scopes[nodeid] = "browser"
                    else:
                        if path != self.last:
                            self.segments[path] = self.segments.get(path, -1) + 1
                            self.last = path
                        self.scopes[nodeid] = f"{path}#{self.segments[path]}"
                return self.scopes[nodeid]

        return FileOrBrowser(config, log)


def pytest_configure(config: pytest.Config) -> None:
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_OneWorkerPerFileAndBrowser(), "grassroots-xdist")


@pytest.hookimpl(trylast=True)  # after pytest-django's sort, which puts them last
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """On an xdist worker the browser tests come first: their group is handed out first,
    and the other worker takes most of the remaining files while they run."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        items[:] = [i for i in items if _in_browser_group(i)] + [
            i for i in items if not _in_browser_group(i)
        ]


@pytest.fixture(autouse=True)
def _fresh_parameters_and_locale() -> Any:
    from django.core.cache import cache
    from django.utils import translation

    from grassroots.core import parameters

    parameters.forget_cached_values()
    cache.clear()  # rate-limit counters must not leak from one test into the next
    translation.activate("zh-hans")
    yield
    parameters.forget_cached_values()


@pytest.fixture(autouse=True)
def _reference_data(request: Any) -> None:
    """Rows that migrations load (rule parameters, appeal categories). A transactional
    test empties the tables, and a reused test database keeps them empty, so tests that
    use the database get them back here."""
    uses_db = request.node.get_closest_marker("django_db") or any(
        name in request.fixturenames for name in ("db", "transactional_db", "world")
    )
    if not uses_db:
        return
    if not request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
    from django.apps import apps

    from grassroots.appeals.migrations import _defaults
    from grassroots.core.parameters import parameters_sync
    from grassroots.openness.catalogue.defaults import catalogue_sync
    from grassroots.orglife.development.services import steps_sync

    parameters_sync()
    _defaults.create_categories(apps)
    steps_sync()
    catalogue_sync()


@dataclass
class World:
    committee: Any
    branch_a: Any
    branch_b: Any
    group_a: Any
    department_a: Any
    department_b: Any
    committee_officer: Any
    officer_a: Any
    officer_b: Any
    member_a: Any  # a Member record in branch A
    member_b: Any  # a Member record in branch B
    employee: Any  # a User with no member record and no role
    admin: Any


@pytest.fixture
def world(db: Any) -> World:
    from grassroots.accounts.tests.factories import UserFactory
    from grassroots.orgs.models import OrgPost, OrgUnit
    from grassroots.orgs.services import orgpost_assign
    from grassroots.orgs.tests.factories import DepartmentFactory, MemberFactory, OrgUnitFactory

    company = DepartmentFactory(name="公司", code="D0")
    department_a = DepartmentFactory(name="一车间", code="DA", parent=company)
    department_b = DepartmentFactory(name="二车间", code="DB", parent=company)
    committee = OrgUnitFactory(name="公司党委", code="C", kind=OrgUnit.Kind.COMMITTEE)
    branch_a = OrgUnitFactory(name="甲支部", code="A", kind=OrgUnit.Kind.BRANCH, parent=committee)
    branch_b = OrgUnitFactory(name="乙支部", code="B", kind=OrgUnit.Kind.BRANCH, parent=committee)
    group_a = OrgUnitFactory(name="甲一组", code="A1", kind=OrgUnit.Kind.GROUP, parent=branch_a)
    branch_a.departments.add(department_a)
    branch_b.departments.add(department_b)

    start = datetime.date(2024, 1, 1)
    committee_member = MemberFactory(branch=branch_a, user__department=company)
    orgpost_assign(
        actor=None,
        unit=committee,
        member=committee_member,
        kind=OrgPost.Kind.SECRETARY,
        starts_on=start,
    )
    officer_a = MemberFactory(branch=branch_a, user__department=department_a)
    orgpost_assign(
        actor=None, unit=branch_a, member=officer_a, kind=OrgPost.Kind.SECRETARY, starts_on=start
    )
    officer_b = MemberFactory(branch=branch_b, user__department=department_b)
    orgpost_assign(
        actor=None, unit=branch_b, member=officer_b, kind=OrgPost.Kind.SECRETARY, starts_on=start
    )
    member_a = MemberFactory(branch=branch_a, group=group_a, user__department=department_a)
    member_b = MemberFactory(branch=branch_b, user__department=department_b)
    employee = UserFactory(department=department_a)
    admin = UserFactory(is_superuser=True, is_staff=True)
    return World(
        committee=committee,
        branch_a=branch_a,
        branch_b=branch_b,
        group_a=group_a,
        department_a=department_a,
        department_b=department_b,
        committee_officer=committee_member.user,
        officer_a=officer_a.user,
        officer_b=officer_b.user,
        member_a=member_a,
        member_b=member_b,
        employee=employee,
        admin=admin,
    )


@pytest.fixture
def client_for(client: Any) -> Any:
    """Return a function that signs a test client in as a user (None: anonymous)."""

    def sign_in(user: Any) -> Any:
        client.logout()
        if user is not None:
            client.force_login(
                user, backend="grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"
            )
        return client

    return sign_in
