"""Dashboards: who sees which organisation's figures (pages and Excel files alike), the
figures and their drill-downs agree with the appeal list, small cells give nobody away,
and the page takes a fixed number of queries."""

from __future__ import annotations

import datetime
import io
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from grassroots.accounts.scope import scope_for
from grassroots.appeals import rate_months, services
from grassroots.appeals.tests.factories import category, raise_appeal
from grassroots.core import parameters
from grassroots.core.periods import YEAR, Period
from grassroots.core.services import parameter_set
from grassroots.insights.dashboards.officers import officer_dashboard

pytestmark = pytest.mark.django_db
URL = "/insights/dashboard/"


def _rated(world: Any, at: datetime.datetime, satisfaction: str, **overrides: Any) -> Any:
    appeal = raise_appeal(world, at=at, **overrides)
    services.appeal_accept(
        appeal=appeal, actor=world.officer_a, at=at + datetime.timedelta(hours=1)
    )
    services.appeal_answer(
        appeal=appeal, actor=world.officer_a, text="已处理。", at=at + datetime.timedelta(days=2)
    )
    services.appeal_rate(
        appeal=appeal,
        resolved=satisfaction != "not",
        satisfaction=satisfaction,
        rater=appeal.submitter,
        at=at + datetime.timedelta(days=3),
    )
    return appeal


def _this_year() -> Period:
    return Period.of(timezone.localdate(), YEAR)


def _table(response: Any, key: str) -> Any:
    return next(table for table in response.context["tables"] if table.key == key)


# --- Who sees what -----------------------------------------------------------------------


def test_the_committee_officer_sees_every_table_of_the_subtree(world: Any, client_for: Any) -> None:
    # given an appeal in each branch
    raise_appeal(world)
    raise_appeal(world, department=world.department_b)
    # when the committee officer opens the dashboard
    response = client_for(world.committee_officer).get(URL)
    # then it is the committee's, with every table and both appeals counted
    assert response.status_code == 200
    assert response.context["unit"] == world.committee
    keys = {table.key for table in response.context["tables"]}
    assert {"appeals", "rates", "rates_below", "overdue", "meetings", "pipeline"} <= keys
    assert {"deeds", "coverage"} <= keys
    totals = [row.cells[-1].value for row in _table(response, "appeals").rows]
    assert sum(totals) == 2
    assert b'data-dashboard-chart="chart-appeals"' in response.content
    assert b'id="chart-appeals"' in response.content  # the chart's data, as json_script


def test_a_branch_officer_sees_their_own_branch_only(world: Any, client_for: Any) -> None:
    # given an appeal in each branch
    raise_appeal(world)
    raise_appeal(world, department=world.department_b)
    client = client_for(world.officer_a)
    # when branch A's officer opens the dashboard
    response = client.get(URL)
    # then it is branch A's, counting its own appeal only
    assert response.status_code == 200
    assert response.context["unit"] == world.branch_a
    assert sum(row.cells[-1].value for row in _table(response, "appeals").rows) == 1


@pytest.mark.parametrize("unit", ["branch_b", "committee"])
def test_another_organisation_is_404_for_a_branch_officer(
    world: Any, client_for: Any, unit: str
) -> None:
    client = client_for(world.officer_a)
    pk = getattr(world, unit).pk
    assert client.get(URL, {"unit": pk}).status_code == 404
    assert client.get(f"{URL}appeals.xlsx", {"unit": pk}).status_code == 404


def test_a_committee_officer_may_choose_a_branch_below(world: Any, client_for: Any) -> None:
    response = client_for(world.committee_officer).get(URL, {"unit": world.branch_b.pk})
    assert response.status_code == 200
    assert response.context["unit"] == world.branch_b


@pytest.mark.parametrize("raw", ["x", "-1", "99999999", "2026-13", "2026-01-01..2026-02-01"])
def test_a_bad_filter_is_404(world: Any, client_for: Any, raw: str) -> None:
    client = client_for(world.committee_officer)
    field = "unit" if not raw[:1].isdigit() or raw == "99999999" else "period"
    assert client.get(URL, {field: raw}).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client: Any) -> None:
    for url in (URL, f"{URL}appeals.xlsx", f"{URL}mine/", f"{URL}mine/my_states.xlsx"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response["Location"] or "/accounts/" in response["Location"]


def test_an_employee_is_sent_to_their_own_dashboard(world: Any, client_for: Any) -> None:
    client = client_for(world.employee)
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{URL}mine/"
    assert client.get(f"{URL}appeals.xlsx").status_code == 404


def test_the_own_dashboard_holds_only_the_persons_named_appeals(
    world: Any, client_for: Any
) -> None:
    # given the employee's named appeal, their anonymous one, and someone else's
    mine = raise_appeal(world, title="我的诉求")
    raise_appeal(world, title="匿名的诉求", anonymous=True, submitter=None)
    raise_appeal(world, title="别人的诉求", submitter=world.member_b.user)
    # when the employee opens their own dashboard
    response = client_for(world.employee).get(f"{URL}mine/")
    # then only their named appeal is there
    assert response.status_code == 200
    listed = _table(response, "my_appeals")
    assert [row.label for row in listed.rows] == [mine.number]
    assert "匿名的诉求" not in response.content.decode()
    assert "别人的诉求" not in response.content.decode()
    states = _table(response, "my_states")
    assert sum(1 for _row in states.rows) == 1


def test_a_members_own_dashboard_has_their_year(world: Any, client_for: Any) -> None:
    response = client_for(world.member_a.user).get(f"{URL}mine/")
    assert response.status_code == 200
    assert "my_year" in {table.key for table in response.context["tables"]}


# --- Figures, drill-downs, small cells ---------------------------------------------------


def test_a_count_opens_the_appeal_list_with_exactly_those_appeals(
    world: Any, client_for: Any
) -> None:
    # given two appeals about living conditions and one about pay in branch A, one in B
    raise_appeal(world)
    raise_appeal(world, title="宿舍热水不稳定")
    raise_appeal(world, title="加班费算错", category=category("pay"))
    raise_appeal(world, department=world.department_b)
    client = client_for(world.officer_a)
    table = _table(client.get(URL), "appeals")
    month = timezone.localdate().strftime("%Y-%m")
    row = next(row for row in table.rows if row.label == month)
    living = table.columns.index(str(category("living")))
    cell = row.cells[living]
    assert cell.value == 2
    # when the officer follows the count
    query = parse_qs(urlparse(cell.link).query)
    assert query["submitted"] == [month]
    response = client.get(cell.link)
    # then their own appeal list shows exactly those two
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 2


def test_the_drill_down_of_another_organisation_is_404(world: Any, client_for: Any) -> None:
    client = client_for(world.officer_a)
    response = client.get("/appeals/handle/", {"view": "all", "unit": world.branch_b.pk})
    assert response.status_code == 404


def test_conduct_complaints_are_not_counted_for_an_officer_who_cannot_list_them(
    world: Any, client_for: Any
) -> None:
    # given a complaint about a member's conduct (only discipline officers see those)
    raise_appeal(world, title="某党员作风粗暴", category=category("conduct"))
    # when the committee officer reads the appeals by month
    table = _table(client_for(world.committee_officer).get(URL), "appeals")
    # then it is not counted (their list does not hold it either)
    assert sum(row.cells[-1].value for row in table.rows) == 0


def test_a_rate_with_too_few_answers_shows_only_how_many_answers(world: Any) -> None:
    # given one rated appeal this year: one answer, under the minimum of five
    now = timezone.now()
    _rated(world, now - datetime.timedelta(days=5), "not")
    # when the committee's dashboard is worked out
    dashboard = officer_dashboard(
        scope_for(world.committee_officer),
        world.committee,
        _this_year(),
        today=timezone.localdate(),
        now=now,
    )
    table = dashboard.table("rates_below")
    assert table is not None
    # then the resolution and satisfaction cells have no figure, and say only "of 1"
    cells = [cell for row in table.rows for cell in row.cells[1:]]
    answered = [cell for cell in cells if "1" in cell.text]
    assert answered
    assert all(cell.value is None for cell in answered)
    assert all("0" not in cell.text for cell in answered)  # never "0 of 1"


def test_the_rates_by_month_read_from_the_rollup_equal_those_counted_live(world: Any) -> None:
    # given appeals rated over the past months, counted live (rates judged from one answer)
    parameter_set(actor=None, key="appeals.min_answers", value=1)
    parameters.forget_cached_values()
    now = timezone.now()
    for days, satisfaction in ((40, "satisfied"), (70, "fairly"), (100, "not"), (10, "satisfied")):
        _rated(world, now - datetime.timedelta(days=days), satisfaction)
    period = Period.custom(
        (timezone.localdate() - datetime.timedelta(days=150)).replace(day=1),
        timezone.localdate(),
    )
    scope = scope_for(world.committee_officer)

    def figures() -> list[Any]:
        dashboard = officer_dashboard(
            scope, world.committee, period, today=timezone.localdate(), now=now
        )
        table = dashboard.table("rates")
        assert table is not None
        return [(row.label, [cell.text for cell in row.cells]) for row in table.rows]

    live = figures()
    # when the rollup is built and the same figures are read from it
    rate_months.rate_months_refresh(now=now)
    assert rate_months.covered_until() is not None
    # then they are the same
    assert figures() == live
    judged = [text for _label, cells in live for text in cells if "%" in text]
    assert len(judged) >= 8  # the four months' resolution and satisfaction at least


def test_the_excel_file_holds_the_tables_figures(world: Any, client_for: Any) -> None:
    raise_appeal(world)
    client = client_for(world.committee_officer)
    response = client.get(f"{URL}appeals.xlsx", {"period": _this_year().key})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-1]  # the "Total" header
    month = timezone.localdate().strftime("%Y-%m")
    this_month = next(row for row in rows if row[0] == month)
    assert this_month[-1] == 1
    assert client.get(f"{URL}nothing.xlsx").status_code == 404


def test_the_committee_dashboard_takes_the_same_queries_for_few_records_or_many(
    world: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    # given one appeal
    now = timezone.now()
    raise_appeal(world)
    client = client_for(world.committee_officer)
    client.get(URL)  # the session and caches settle
    with django_assert_max_num_queries(60) as one:
        assert client.get(URL).status_code == 200
    # when there are many more, in both branches, some rated, some from months ago
    for n in range(6):
        department = world.department_b if n % 2 else world.department_a
        _rated(world, now - datetime.timedelta(days=3 + 20 * n), "satisfied", department=department)
        raise_appeal(world, department=department)
    # then the page takes the same number of queries
    with django_assert_max_num_queries(len(one.captured_queries)) as many:
        assert client.get(URL).status_code == 200
    assert len(many.captured_queries) == len(one.captured_queries)


def test_an_overdue_count_opens_the_overdue_list_of_that_organisation(
    world: Any, client_for: Any
) -> None:
    # given two appeals in branch A left unaccepted for ten days, and a fresh one in B
    long_ago = timezone.now() - datetime.timedelta(days=10)
    raise_appeal(world, at=long_ago)
    raise_appeal(world, title="宿舍热水不稳定", at=long_ago)
    raise_appeal(world, department=world.department_b)
    client = client_for(world.committee_officer)
    table = _table(client.get(URL), "overdue")
    row = next(row for row in table.rows if row.label == world.branch_a.name)
    overdue, open_ = row.cells
    assert (open_.value, overdue.value) == (2, 100.0)
    # when the committee officer follows the figure
    response = client.get(overdue.link)
    # then their overdue list, narrowed to branch A, holds those two
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 2
    other = next(row for row in table.rows if row.label == world.branch_b.name)
    assert (other.cells[1].value, other.cells[0].value) == (1, 0.0)


def test_the_committees_dashboard_is_read_as_the_scheduler_published_it(
    world: Any, client_for: Any
) -> None:
    from django.core.cache import cache

    from grassroots.insights.dashboards import published

    # given this year's dashboard published for the committee, then one more appeal
    cache.clear()
    raise_appeal(world)
    assert published.dashboards_publish(now=timezone.now()) == 1
    raise_appeal(world, title="宿舍热水不稳定")
    # when the committee officer opens it, it is the published one (one appeal)
    response = client_for(world.committee_officer).get(URL)
    assert sum(row.cells[-1].value for row in _table(response, "appeals").rows) == 1
    # while a branch officer's is worked out on the spot (both appeals are in branch A)
    response = client_for(world.officer_a).get(URL)
    assert sum(row.cells[-1].value for row in _table(response, "appeals").rows) == 2
    # and another period is worked out on the spot too
    last_year = str(timezone.localdate().year - 1)
    response = client_for(world.committee_officer).get(URL, {"period": last_year})
    assert response.status_code == 200
    cache.clear()


def _headings(tables: Any) -> list[Any]:
    """Every piece of a dashboard's text that is not a figure."""
    return [
        (
            table.key,
            table.title,
            table.caption,
            table.columns,
            table.row_header,
            table.note,
            *(row.label for row in table.rows),
        )
        for table in tables
    ]


def test_the_published_dashboard_is_written_in_each_readers_language(
    world: Any, client_for: Any, django_assert_num_queries: Any
) -> None:
    import pickle

    from django.core.cache import cache
    from django.utils import translation

    from grassroots.accounts.roles import Role
    from grassroots.accounts.scope import Scope
    from grassroots.insights.dashboards import published
    from grassroots.insights.dashboards.officers import dashboard_from, officer_figures

    # given the committee's dashboard published by a worker speaking Chinese (the
    # default), then one more appeal
    cache.clear()
    raise_appeal(world)
    with translation.override("zh-hans"):
        assert published.dashboards_publish(now=timezone.now()) == 1
    raise_appeal(world, title="宿舍热水不稳定")
    # and a committee officer who reads in English
    world.committee_officer.language = "en"
    world.committee_officer.save(update_fields=["language"])
    client = client_for(world.committee_officer)
    # when they open it and download a table of it
    response = client.get(URL)
    workbook = client.get(f"{URL}appeals.xlsx")
    # then it is the published one (one appeal of two) ...
    assert response.status_code == 200
    assert sum(row.cells[-1].value for row in _table(response, "appeals").rows) == 1
    # ... with every heading as the dashboard worked out now in English has it, not
    # as in Chinese
    scope = Scope(org_paths={Role.COMMITTEE_OFFICER: (world.committee.path,)})
    today = timezone.localdate()
    figures = officer_figures(scope, world.committee, _this_year(), today=today, now=timezone.now())
    with translation.override("en"):
        english = dashboard_from(figures)
    with translation.override("zh-hans"):
        chinese = dashboard_from(figures)
    assert _headings(response.context["tables"]) == _headings(english.tables)
    assert _headings(english.tables) != _headings(chinese.tables)
    # ... and so is the Excel file's header row
    appeals_table = english.table("appeals")
    assert appeals_table is not None
    assert workbook.status_code == 200
    header = next(
        load_workbook(io.BytesIO(workbook.content)).worksheets[0].iter_rows(values_only=True)
    )
    assert list(header) == [appeals_table.row_header, *appeals_table.columns]
    # and what was published holds none of the tables' text in either language
    payload = pickle.dumps(
        cache.get(published._published._cache_key((world.committee.pk, _this_year().key, today)))
    )
    for dashboard in (english, chinese):
        for table in dashboard.tables:
            for text in (table.title, table.row_header, table.note, *table.columns[-1:]):
                assert text.encode() not in payload
    # and writing the tables from the figures takes no query
    with django_assert_num_queries(0), translation.override("en"):
        dashboard_from(figures)
