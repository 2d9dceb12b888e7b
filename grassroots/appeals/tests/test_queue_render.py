"""The handlers' queue page keeps what each row shows (data-labels for the narrow
layout, badges, the overdue mark, the link to the appeal) in both languages, for a
committee officer and a branch officer."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from grassroots.appeals import selectors, services
from grassroots.appeals.models import Appeal, Category
from grassroots.appeals.tests.factories import raise_appeal

pytestmark = pytest.mark.django_db
BACKEND = "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"

LABELS = {
    "en": ["Number", "Category", "Status", "Due", "Handled by", "Assigned to", "Me too"],
    "zh-hans": ["编号", "类别", "状态", "截止时间", "办理单位", "承办人", "附议"],
}


def queue_world(world: Any) -> dict[str, Appeal]:
    """Appeals with every kind of row: plain, anonymous, supervised, overdue, assigned
    and joined, closed (no deadline shown), and one of the other branch."""
    plain = raise_appeal(world, title="普通诉求")
    anonymous = raise_appeal(world, title="匿名诉求", submitter=None, anonymous=True)
    supervised = raise_appeal(world, title="督办诉求")
    Appeal.objects.filter(pk=supervised.pk).update(escalated_at=timezone.now())
    overdue = raise_appeal(world, title="超期诉求")
    Appeal.objects.filter(pk=overdue.pk).update(
        current_due_at=datetime.datetime(2025, 3, 4, 1, 2, tzinfo=datetime.UTC)
    )
    assigned = raise_appeal(world, title="指派诉求")
    services.appeal_accept(appeal=assigned, actor=world.officer_a)
    services.appeal_assign(appeal=assigned, actor=world.officer_a, assignee=world.member_a.user)
    services.metoo_add(appeal=assigned, user=world.member_b.user)
    closed = raise_appeal(world, title="已办结诉求")
    Appeal.objects.filter(pk=closed.pk).update(status=Appeal.Status.CLOSED)
    other = raise_appeal(world, title="乙支部诉求", department=world.department_b)
    return {
        "plain": plain,
        "anonymous": anonymous,
        "supervised": supervised,
        "overdue": overdue,
        "assigned": assigned,
        "closed": closed,
        "other": other,
    }


def queue_page(client: Any, user: Any, language: str, query: str = "?view=all") -> str:
    client.force_login(user, backend=BACKEND)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("appeals:queue") + query)
    assert response.status_code == 200
    return response.content.decode()


BADGES = {
    "en": {"anonymous": "anonymous", "supervised": "supervised", "overdue": "overdue"},
    "zh-hans": {"anonymous": "匿名", "supervised": "督办", "overdue": "超时"},
}


def rows_by_title(page: str) -> dict[str, str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    return {re.search(r'<td class="cell-title"><a href="[^"]*">([^<]*)</a>', r)[1]: r for r in rows}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("who", ["committee_officer", "officer_a"])
def test_each_row_keeps_its_labels_badges_overdue_mark_and_link(
    world: Any, client: Any, language: str, who: str
) -> None:
    # given appeals of every kind
    appeals = queue_world(world)
    # when the committee officer or the branch officer reads the whole queue
    rows = rows_by_title(queue_page(client, getattr(world, who), language))
    # then each appeal they handle is one row, the other branch's for the committee only
    expected = {a.title for key, a in appeals.items() if key != "other" or who != "officer_a"}
    assert set(rows) == expected
    words = BADGES[language]
    for key, appeal in appeals.items():
        if appeal.title not in rows:
            continue
        row = " ".join(rows[appeal.title].split())
        # every cell but the title's names its column for the narrow layout
        assert re.findall(r'data-label="([^"]*)"', row) == LABELS[language]
        href = reverse("appeals:handle_detail", args=[appeal.public_id])
        assert f'<a href="{href}">{appeal.title}</a>' in row
        assert (f'<span class="badge text-bg-secondary">{words["anonymous"]}</span>' in row) == (
            key == "anonymous"
        )
        assert (f'<span class="badge text-bg-warning">{words["supervised"]}</span>' in row) == (
            key == "supervised"
        )
        assert (f'<strong class="health-danger">{words["overdue"]}</strong>' in row) == (
            key == "overdue"
        )
    overdue = " ".join(rows[appeals["overdue"].title].split())
    assert f'>03-04 09:02 <strong class="health-danger">{words["overdue"]}</strong></td>' in overdue
    assert '">—</td>' in rows[appeals["closed"].title]  # a closed appeal shows no deadline
    assigned = " ".join(rows[appeals["assigned"].title].split())
    assert f'<td data-label="{LABELS[language][5]}">{world.member_a.user.name}</td>' in assigned
    assert f'<td data-label="{LABELS[language][6]}">1</td>' in assigned


def test_the_status_is_named_in_the_readers_language(world: Any, client: Any) -> None:
    appeals = queue_world(world)
    for language in ("en", "zh-hans"):
        rows = rows_by_title(queue_page(client, world.officer_a, language))
        for appeal in appeals.values():
            if appeal.title in rows:
                appeal.refresh_from_db()
                with translation.override(language):
                    assert f">{appeal.get_status_display()}</td>" in rows[appeal.title]


def test_a_deadline_passes_in_whole_seconds_as_the_template_compared_them() -> None:
    due = datetime.datetime(2025, 3, 4, 1, 2, 3, 500_000, tzinfo=datetime.UTC)
    now_ts = int(due.timestamp())
    # the same second (a later microsecond): not yet overdue, as `|date:"U" < now_ts`
    assert selectors.queue_due(due, is_open=True, now_ts=now_ts) == ("03-04 09:02", False)
    assert selectors.queue_due(due, is_open=True, now_ts=now_ts + 1) == ("03-04 09:02", True)
    # a closed appeal, or one without a deadline, shows none
    assert selectors.queue_due(due, is_open=False, now_ts=now_ts + 1) == ("", False)
    assert selectors.queue_due(None, is_open=True, now_ts=now_ts) == ("", False)


def test_the_filter_offers_every_category_and_keeps_the_one_chosen(world: Any, client: Any) -> None:
    # given a retired category (old appeals keep it)
    retired = Category.objects.create(code="retired", name="已停用类别", is_active=False)
    # when the queue is filtered by it
    page = queue_page(client, world.officer_a, "zh-hans", f"?view=all&category={retired.pk}")
    # then it is offered, chosen, after "all categories" and the active ones in order
    select = page.split('name="category"', 1)[1].split("</select>", 1)[0]
    values = re.findall(r'<option value="([^"]*)"', select)
    assert values == ["", *[str(pk) for pk in Category.objects.values_list("pk", flat=True)]]
    assert f'<option value="{retired.pk}" selected>已停用类别</option>' in select
    # and a category saved since is offered on the next page
    Category.objects.filter(pk=retired.pk).update(name="改名")
    Category.objects.get(pk=retired.pk).save()
    page = queue_page(client, world.officer_a, "zh-hans")
    assert "改名" in page


def test_an_assignee_without_a_name_still_reads_as_assigned(world: Any, client: Any) -> None:
    # given an appeal assigned to a person whose name is blank (imported that way)
    appeal = raise_appeal(world, title="无名承办")
    services.appeal_accept(appeal=appeal, actor=world.officer_a)
    services.appeal_assign(appeal=appeal, actor=world.officer_a, assignee=world.member_a.user)
    type(world.member_a.user).objects.filter(pk=world.member_a.user.pk).update(name="")
    # then its row shows a dash for the name, in a cell the narrow layout keeps
    row = " ".join(rows_by_title(queue_page(client, world.officer_a, "en"))["无名承办"].split())
    assert '<td data-label="Assigned to">—</td>' in row
