"""The dues pages for each kind of person: the member reads their own year, the branch's
dues officer keeps the branch, another branch's officer and a secretary who is not the
dues officer get 404, the committee's organisation officer reads, admins see no base,
anonymous visitors sign in first. The base is sensitive: the number appears nowhere for
those who may not see it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.tests.clients import client_as, person
from grassroots.orgs.dues import rules, services
from grassroots.orgs.dues.models import DuesBase, DuesBill, DuesMonthClose, DuesPayment
from grassroots.orgs.models import OrgPost
from grassroots.orgs.services import orgpost_assign
from grassroots.orgs.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
BASE = "4321.57"  # member A's base: sensitive, searched for in the pages
THIS = rules.month_of(timezone.localdate())
LAST = rules.add_months(THIS, -1)
START = datetime.date(2024, 1, 1)


@pytest.fixture
def dues(world):
    """Bases for everyone in branch A and B from three months back, the bills of those
    months, and a committee organisation officer (who oversees both branches)."""
    first = rules.add_months(THIS, -3)
    organiser = MemberFactory(branch=world.branch_b)
    orgpost_assign(
        actor=None,
        unit=world.committee,
        member=organiser,
        kind=OrgPost.Kind.ORGANISATION,
        starts_on=START,
    )
    world.organiser = organiser.user
    world.officer_a_member = world.officer_a.member
    for member, amount in [
        (world.member_a, BASE),
        (world.officer_a.member, "3000.00"),
        (world.member_b, "5000.00"),
    ]:
        services.base_set(
            actor=None, member=member, kind="employee", amount=Decimal(amount), from_month=first
        )
    for month in rules.months_between(first, THIS):
        services.bills_make(month)
    return world


def branch_url(world, month=THIS):
    return f"{reverse('orgs:dues_branch', args=[world.branch_a.pk])}?month={month:%Y-%m}"


def member_url(world):
    return reverse("orgs:dues_member", args=[world.branch_a.pk, world.member_a.pk])


def pay(world, months, paid_on=None):
    return services.payment_record(
        actor=None,
        member=world.member_a,
        months=months,
        method="cash",
        paid_on=paid_on or timezone.localdate(),
    )


def test_the_member_reads_their_own_year_with_base_and_arrears(dues):
    pay(dues, [THIS])
    html = client_as(dues.member_a.user).get(reverse("orgs:dues_mine")).content.decode()
    assert BASE in html  # their own base: theirs to see
    assert "dues-arrears" in html  # the three months before this one are unpaid
    assert f"{THIS:%Y-%m}" in html
    assert 'name="action"' not in html  # the member's page records nothing


def test_the_member_switches_year(dues):
    response = client_as(dues.member_a.user).get(reverse("orgs:dues_mine"), {"year": THIS.year - 1})
    assert response.status_code == 200
    assert response.context["statement"].year == THIS.year - 1


@pytest.mark.parametrize("who", ["employee", "admin"])
def test_no_dues_page_without_a_membership_or_an_office(dues, who):
    assert client_as(person(dues, who)).get(reverse("orgs:dues_mine")).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(dues):
    payment = pay(dues, [THIS])[0]
    urls = [
        reverse("orgs:dues_mine"),
        reverse("orgs:dues_branches"),
        branch_url(dues),
        member_url(dues),
        reverse("orgs:dues_reverse", args=[payment.pk]),
    ]
    for url in urls:
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = Client().post(branch_url(dues), {"action": "close", "month": f"{LAST:%Y-%m}"})
    assert response.status_code == 302 and not DuesMonthClose.objects.exists()


def test_the_dues_officer_keeps_their_branch(dues):
    client = client_as(dues.officer_a)
    page = client.get(branch_url(dues))
    assert page.status_code == 200 and page.context["keeps"]
    assert BASE in page.content.decode()
    assert 'value="batch"' in page.content.decode()
    assert client.get(member_url(dues)).status_code == 200
    branches = client.get(reverse("orgs:dues_branches"))
    assert [b.pk for b, _book, _keeps in branches.context["rows"]] == [dues.branch_a.pk]


@pytest.mark.parametrize("who", ["officer_b", "member_a", "admin", "committee_officer", "employee"])
def test_others_get_404_on_the_branch_pages(dues, who):
    payment = pay(dues, [THIS])[0]
    client = client_as(person(dues, who))
    assert client.get(branch_url(dues)).status_code == 404
    assert client.get(member_url(dues)).status_code == 404
    assert client.get(reverse("orgs:dues_reverse", args=[payment.pk])).status_code == 404
    response = client.post(member_url(dues), {"action": "pay", "pay-months": [f"{LAST:%Y-%m}"]})
    assert response.status_code == 404
    assert DuesPayment.objects.count() == 1


def test_a_secretary_is_not_the_dues_officer_where_an_organisation_member_exists(dues):
    orgpost_assign(
        actor=None,
        unit=dues.branch_a,
        member=dues.member_a,
        kind=OrgPost.Kind.ORGANISATION,
        starts_on=START,
    )
    secretary = client_as(dues.officer_a)
    for url in (branch_url(dues), member_url(dues), reverse("orgs:dues_branches")):
        assert secretary.get(url).status_code == 404
    html = secretary.get(reverse("orgs:dues_mine")).content.decode()
    assert BASE not in html
    assert client_as(dues.member_a.user).get(branch_url(dues)).status_code == 200


def test_the_committee_organisation_officer_reads_without_forms(dues):
    client = client_as(dues.organiser)
    listing = client.get(reverse("orgs:dues_branches"))
    assert {b.pk for b, _book, _keeps in listing.context["rows"]} == {
        dues.branch_a.pk,
        dues.branch_b.pk,
    }
    page = client.get(branch_url(dues, LAST))
    html = page.content.decode()
    assert page.status_code == 200 and not page.context["keeps"]
    assert BASE in html  # the committee's organisation officers may see the bases
    assert 'name="action"' not in html
    assert client.get(member_url(dues)).status_code == 404
    response = client.post(branch_url(dues, LAST), {"action": "close", "month": f"{LAST:%Y-%m}"})
    assert response.status_code == 404 and not DuesMonthClose.objects.exists()


@pytest.mark.parametrize("who", ["officer_b", "admin", "employee", "committee_officer"])
def test_the_base_appears_nowhere_for_those_who_may_not_see_it(dues, who):
    client = client_as(person(dues, who))
    for url in (reverse("orgs:dues_mine"), reverse("orgs:dues_branches"), branch_url(dues)):
        response = client.get(url)
        assert BASE not in response.content.decode()
        assert BASE.replace(".", ",") not in response.content.decode()


def test_the_member_b_page_does_not_show_member_a_s_base(dues):
    html = client_as(dues.member_b.user).get(reverse("orgs:dues_mine")).content.decode()
    assert BASE not in html and "5000.00" in html


def test_a_batch_of_payroll_deductions_records_once(dues):
    client = client_as(dues.officer_a)
    form = client.get(branch_url(dues)).context["batch"]
    key = form.initial["idempotency_key"]
    data = {
        "action": "batch",
        "month": f"{THIS:%Y-%m}",
        "batch-members": [str(dues.member_a.pk), str(dues.officer_a_member.pk)],
        "batch-method": "payroll",
        "batch-paid_on": f"{timezone.localdate():%Y-%m-%d}",
        "batch-idempotency_key": key,
    }
    assert client.post(branch_url(dues), data).status_code == 302
    assert client.post(branch_url(dues), data).status_code == 302  # a double submit
    entries = DuesPayment.objects.filter(kind="payment")
    assert entries.count() == 2 and {e.method for e in entries} == {"payroll"}
    page = client.get(branch_url(dues))
    assert page.context["book"].book.outstanding == Decimal("0.00")
    assert page.context["book"].book.balances


def test_a_batch_is_all_or_nothing(dues, monkeypatch):
    # the second member's payment is refused (say, paid from elsewhere meanwhile): the
    # first one's, already written in the same transaction, must not stay
    from django.core.exceptions import ValidationError

    real = services.payment_record

    def refuse_the_officer(**kwargs):
        if kwargs["member"].pk == dues.officer_a_member.pk:
            raise ValidationError({"months": ["already paid"]})
        return real(**kwargs)

    monkeypatch.setattr(services, "payment_record", refuse_the_officer)
    response = client_as(dues.officer_a).post(
        branch_url(dues),
        {
            "action": "batch",
            "month": f"{THIS:%Y-%m}",
            "batch-members": [str(dues.member_a.pk), str(dues.officer_a_member.pk)],
            "batch-method": "payroll",
            "batch-paid_on": f"{timezone.localdate():%Y-%m-%d}",
        },
    )
    assert response.status_code == 400
    assert dues.officer_a_member.user.name in response.content.decode()
    assert not DuesPayment.objects.exists()


def test_one_member_pays_months_and_a_payment_is_reversed(dues):
    client = client_as(dues.officer_a)
    page = client.get(member_url(dues))
    key = page.context["payment"].initial["idempotency_key"]
    data = {
        "action": "pay",
        "pay-months": [f"{LAST:%Y-%m}", f"{THIS:%Y-%m}"],
        "pay-method": "cash",
        "pay-paid_on": f"{timezone.localdate():%Y-%m-%d}",
        "pay-idempotency_key": key,
    }
    assert client.post(member_url(dues), data).status_code == 302
    assert client.post(member_url(dues), data).status_code == 302  # a double submit
    again = dict(data, **{"pay-idempotency_key": "another-form"})
    refused = client.post(member_url(dues), again)  # another officer's form, same months
    assert refused.status_code == 400
    assert f"{LAST:%Y-%m}" in " ".join(refused.context["payment"].errors["months"])
    assert DuesPayment.objects.filter(kind="payment").count() == 2
    entry = DuesPayment.objects.filter(kind="payment").first()
    url = reverse("orgs:dues_reverse", args=[entry.pk])
    empty = client.post(url, {"reverse-reason": "   "})
    assert empty.status_code == 400 and not DuesPayment.objects.filter(kind="reversal").exists()
    assert client.post(url, {"reverse-reason": "记错了人"}).status_code == 302
    assert DuesPayment.objects.get(kind="reversal").reason == "记错了人"
    assert client_as(dues.officer_b).post(url, {"reverse-reason": "x"}).status_code == 404


@pytest.mark.parametrize("amount", ["-100", "abc", "12.345", ""])
def test_a_bad_base_is_refused_and_nothing_saved(dues, amount):
    before = DuesBase.objects.count()
    response = client_as(dues.officer_a).post(
        member_url(dues),
        {
            "action": "base",
            "base-kind": "employee",
            "base-amount": amount,
            "base-from_month": f"{rules.add_months(THIS, 1):%Y-%m}",
        },
    )
    assert response.status_code == 400
    assert 'class="invalid-feedback' in response.content.decode() or "is-invalid" in (
        response.content.decode()
    )
    assert DuesBase.objects.count() == before


def test_the_dues_officer_refixes_a_base_from_next_month(dues):
    next_month = rules.add_months(THIS, 1)
    response = client_as(dues.officer_a).post(
        member_url(dues),
        {
            "action": "base",
            "base-kind": "retiree",
            "base-amount": "3500.00",
            "base-from_month": f"{next_month:%Y-%m}",
        },
    )
    assert response.status_code == 302
    assert DuesBase.objects.get(member=dues.member_a, from_month=next_month).kind == "retiree"
    billed = client_as(dues.officer_a).post(
        member_url(dues),
        {
            "action": "base",
            "base-kind": "employee",
            "base-amount": "1.00",
            "base-from_month": f"{THIS:%Y-%m}",
        },
    )
    assert billed.status_code == 400  # this month is billed already


def test_a_payment_booked_in_a_closed_month_is_refused(dues):
    client = client_as(dues.officer_a)
    assert (
        client.post(
            branch_url(dues, LAST), {"action": "close", "month": f"{LAST:%Y-%m}"}
        ).status_code
        == 302
    )
    assert DuesMonthClose.objects.filter(branch=dues.branch_a, month=LAST).exists()
    response = client.post(
        member_url(dues),
        {
            "action": "pay",
            "pay-months": [f"{LAST:%Y-%m}"],
            "pay-method": "cash",
            "pay-paid_on": f"{LAST:%Y-%m-%d}",
        },
    )
    assert response.status_code == 400 and not DuesPayment.objects.exists()
    closed = client.get(branch_url(dues, LAST))
    assert 'value="batch"' not in closed.content.decode()
    again = client.post(branch_url(dues, THIS), {"action": "close", "month": f"{THIS:%Y-%m}"})
    assert again.status_code == 400  # this month is not over


@pytest.mark.parametrize("amount", ["-1000", "abc", "999.99"])
def test_a_bad_voluntary_payment_is_refused(dues, amount):
    response = client_as(dues.officer_a).post(
        branch_url(dues),
        {
            "action": "voluntary",
            "month": f"{THIS:%Y-%m}",
            "voluntary-member": str(dues.member_a.pk),
            "voluntary-amount": amount,
            "voluntary-method": "transfer",
            "voluntary-paid_on": f"{timezone.localdate():%Y-%m-%d}",
        },
    )
    assert response.status_code == 400 and not DuesPayment.objects.exists()


def test_a_voluntary_payment_shows_on_the_member_s_page(dues):
    data = {
        "action": "voluntary",
        "month": f"{THIS:%Y-%m}",
        "voluntary-member": str(dues.member_a.pk),
        "voluntary-amount": "2000.00",
        "voluntary-method": "transfer",
        "voluntary-paid_on": f"{timezone.localdate():%Y-%m-%d}",
        "voluntary-idempotency_key": "v" * 32,
    }
    client = client_as(dues.officer_a)
    assert client.post(branch_url(dues), data).status_code == 302
    assert client.post(branch_url(dues), data).status_code == 302  # a double submit
    assert DuesPayment.objects.filter(kind="voluntary").count() == 1
    html = client_as(dues.member_a.user).get(reverse("orgs:dues_mine")).content.decode()
    assert "2000.00" in html


def test_members_without_a_base_are_listed_to_do(dues):
    newcomer = MemberFactory(branch=dues.branch_a)
    page = client_as(dues.officer_a).get(branch_url(dues))
    assert newcomer in page.context["without_base"]
    assert "without-base-title" in page.content.decode()


def test_the_branch_month_keeps_its_number_of_queries(dues):
    client = client_as(dues.officer_a)
    client.get(branch_url(dues))  # warm the session and the caches

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client.get(branch_url(dues))  # warm: new records build the kept scopes anew
        with CaptureQueriesContext(connection) as queries:
            assert client.get(branch_url(dues)).status_code == 200
        return len(queries)

    before = count()
    for _n in range(5):
        member = MemberFactory(branch=dues.branch_a)
        services.base_set(
            actor=None, member=member, kind="employee", amount=Decimal(3000), from_month=THIS
        )
    services.bills_make(THIS)
    assert count() == before


def test_the_header_shows_dues_to_party_members_only(dues):
    link = f'href="{reverse("orgs:dues_mine")}"'
    assert link in client_as(dues.member_a.user).get("/").content.decode()
    assert link not in client_as(dues.employee).get("/").content.decode()


def test_a_member_who_moved_away_keeps_their_base_from_the_old_branch(dues):
    dues.member_a.branch = dues.branch_b  # moved after this month's bill was made
    dues.member_a.save(update_fields=["branch"])
    page = client_as(dues.officer_a).get(branch_url(dues))
    assert dues.member_a.pk in [row.member.pk for row in page.context["book"].rows]
    assert BASE not in page.content.decode()
    assert (
        BASE
        in client_as(dues.officer_b)
        .get(f"{reverse('orgs:dues_branch', args=[dues.branch_b.pk])}?month={THIS:%Y-%m}")
        .content.decode()
    )  # the new branch's officer keeps them now


@pytest.fixture
def next_quarter(dues, monkeypatch):
    """Today is the 15th of the first month of the next quarter (none of its bills made)."""
    start = rules.add_months(rules.quarter_months(THIS)[-1], 1)
    monkeypatch.setattr(timezone, "localdate", lambda *a: start.replace(day=15))
    return rules.quarter_months(start)


def quarterly_post(client, world, decision="approve", month=None):
    return client.post(
        member_url(world),
        {
            "action": "quarterly",
            "quarterly-decision": decision,
            "quarterly-from_month": f"{month or THIS:%Y-%m}",
            "quarterly-decided_on": f"{timezone.localdate():%Y-%m-%d}",
            "quarterly-decided_by": "支部委员会会议",
        },
    )


def test_the_dues_officer_records_quarterly_payment_and_the_quarter_is_paid_ahead(
    dues, next_quarter
):
    from grassroots.orgs.dues.models import DuesBill, DuesQuarterly

    client = client_as(dues.officer_a)
    page = client.get(member_url(dues))
    offered = [value for value, _label in page.context["payment"].fields["months"].choices]
    assert not {f"{m:%Y-%m}" for m in next_quarter} & set(offered)  # none ahead unapproved
    assert quarterly_post(client, dues, month=next_quarter[0]).status_code == 302
    decision = DuesQuarterly.objects.get()
    assert decision.kind == "approved" and decision.recorded_by == dues.officer_a
    page = client.get(member_url(dues))
    choices = [value for value, _label in page.context["payment"].fields["months"].choices]
    assert [f"{m:%Y-%m}" for m in next_quarter] == choices[-3:]
    form = {
        "action": "pay",
        "pay-months": [f"{m:%Y-%m}" for m in next_quarter],
        "pay-method": "payroll",
        "pay-paid_on": f"{timezone.localdate():%Y-%m-%d}",
        "pay-idempotency_key": "quarter-1",
    }
    assert client.post(member_url(dues), form).status_code == 302
    assert client.post(member_url(dues), form).status_code == 302  # a double submit
    assert DuesPayment.objects.filter(member=dues.member_a).count() == 3
    assert DuesBill.objects.filter(member=dues.member_a, month__in=next_quarter).count() == 3
    # revoked: no more paying ahead
    assert quarterly_post(client, dues, "revoke", next_quarter[1]).status_code == 302
    assert DuesQuarterly.objects.count() == 2


def test_without_approval_the_months_ahead_are_not_offered_nor_taken(dues, next_quarter):
    from grassroots.orgs.dues.models import DuesBill

    client = client_as(dues.officer_a)
    page = client.get(member_url(dues))
    choices = [value for value, _label in page.context["payment"].fields["months"].choices]
    assert f"{next_quarter[1]:%Y-%m}" not in choices
    response = client.post(
        member_url(dues),
        {
            "action": "pay",
            "pay-months": [f"{next_quarter[1]:%Y-%m}"],
            "pay-method": "cash",
            "pay-paid_on": f"{timezone.localdate():%Y-%m-%d}",
        },
    )
    assert response.status_code == 400 and response.context["payment"].errors
    assert not DuesBill.objects.filter(month=next_quarter[1]).exists()


@pytest.mark.parametrize("who", ["officer_b", "organiser", "member_a", "admin", None])
def test_only_the_dues_officer_records_quarterly_payment(dues, who):
    from grassroots.orgs.dues.models import DuesQuarterly

    client = client_as(person(dues, who)) if who else Client()
    response = quarterly_post(client, dues)
    if who is None:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 404
    assert not DuesQuarterly.objects.exists()


@pytest.fixture
def six_behind(dues, monkeypatch):
    """Three months on: member A's oldest unpaid bill is six months behind."""
    monkeypatch.setattr(timezone, "localdate", lambda *a: rules.add_months(THIS, 3).replace(day=10))
    return dues


def reason_url(world):
    return reverse("orgs:dues_arrears_reason", args=[world.branch_a.pk, world.member_a.pk])


def test_the_dues_officer_records_the_proper_reason_of_a_flagged_member(six_behind):
    from grassroots.orgs.dues.models import DuesArrearsReason

    client = client_as(six_behind.officer_a)
    month = client.get(branch_url(six_behind))
    behind = {row.member for row in month.context["behind"]}
    assert behind == {six_behind.member_a, six_behind.officer_a_member}
    assert reason_url(six_behind) in month.content.decode()
    page = client.get(reason_url(six_behind))
    assert page.status_code == 200 and page.context["form"] is not None
    assert BASE not in page.content.decode()  # the page says nothing of the base
    empty = client.post(reason_url(six_behind), {"arrears-reason": "  "})
    assert empty.status_code == 400 and empty.context["form"].errors
    assert not DuesArrearsReason.objects.exists()
    done = client.post(reason_url(six_behind), {"arrears-reason": "长期病休，已向支部说明"})
    assert done.status_code == 302
    recorded = DuesArrearsReason.objects.get()
    assert (
        recorded.oldest == rules.add_months(THIS, -3)
        and recorded.recorded_by == six_behind.officer_a
    )
    rows = client.get(branch_url(six_behind)).context["behind"]
    assert {row.member.pk: row.reason for row in rows} == {
        six_behind.member_a.pk: recorded,
        six_behind.officer_a_member.pk: None,
    }


def test_the_overseer_reads_the_reason_and_records_nothing(six_behind):
    from grassroots.orgs.dues.models import DuesArrearsReason

    services.arrears_reason_record(
        actor=six_behind.officer_a, member=six_behind.member_a, reason="长期病休"
    )
    client = client_as(six_behind.organiser)
    page = client.get(reason_url(six_behind))
    assert page.status_code == 200 and page.context["form"] is None
    assert "长期病休" in page.content.decode()
    assert client.post(reason_url(six_behind), {"arrears-reason": "x"}).status_code == 404
    assert DuesArrearsReason.objects.count() == 1


@pytest.mark.parametrize("who", ["officer_b", "member_a", "admin", "committee_officer", "employee"])
def test_others_get_404_on_the_arrears_reason_page(six_behind, who):
    from grassroots.orgs.dues.models import DuesArrearsReason

    client = client_as(person(six_behind, who))
    assert client.get(reason_url(six_behind)).status_code == 404
    assert client.post(reason_url(six_behind), {"arrears-reason": "x"}).status_code == 404
    assert not DuesArrearsReason.objects.exists()


def test_anonymous_visitors_sign_in_before_the_arrears_reason_page(six_behind):
    for response in (Client().get(reason_url(six_behind)), Client().post(reason_url(six_behind))):
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_no_reason_is_taken_before_six_months(dues):
    from grassroots.orgs.dues.models import DuesArrearsReason

    client = client_as(dues.officer_a)
    page = client.get(reason_url(dues))
    assert page.status_code == 200 and page.context["form"] is None
    assert page.context["behind"].months == 3
    assert client.post(reason_url(dues), {"arrears-reason": "病休"}).status_code == 404
    assert not DuesArrearsReason.objects.exists()


def year_url(year=THIS.year):
    return f"{reverse('orgs:dues_year')}?year={year}"


def test_the_overseer_reads_the_year_grid_by_branch_and_month(dues):
    pay(dues, [THIS])
    page = client_as(dues.organiser).get(year_url())
    assert page.status_code == 200
    grid = {branch.pk: cells for branch, cells in page.context["grid"]}
    assert set(grid) == {dues.branch_a.pk, dues.branch_b.pk}
    cell = grid[dues.branch_a.pk][THIS.month - 1]
    assert (cell.paid, cell.billed) == (1, 2)  # member A paid; the officer did not
    assert grid[dues.branch_b.pk][THIS.month - 1].paid == 0
    later = [c for c in grid[dues.branch_a.pk][THIS.month :] if c is not None]
    assert later == []
    assert BASE not in page.content.decode()
    # a reversed payment no longer counts as paid
    services.payment_reverse(
        actor=None, payment=DuesPayment.objects.get(member=dues.member_a), reason="录错了"
    )
    page = client_as(dues.organiser).get(year_url())
    grid = {branch.pk: cells for branch, cells in page.context["grid"]}
    assert grid[dues.branch_a.pk][THIS.month - 1].paid == 0


@pytest.mark.parametrize(
    "who", ["officer_a", "officer_b", "member_a", "admin", "committee_officer", "employee"]
)
def test_only_the_committee_s_organisation_officers_read_the_year_grid(dues, who):
    assert client_as(person(dues, who)).get(year_url()).status_code == 404


def test_anonymous_visitors_sign_in_before_the_year_grid(dues):
    response = Client().get(year_url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_year_grid_keeps_its_number_of_queries(dues):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(dues.organiser)
    client.get(year_url())

    def count():
        client.get(year_url())  # warm: new records build the kept scopes anew
        with CaptureQueriesContext(connection) as queries:
            assert client.get(year_url()).status_code == 200
        return len(queries)

    before = count()
    from grassroots.orgs.tests.factories import OrgUnitFactory

    for number in range(3):
        branch = OrgUnitFactory(
            name=f"丙{number}支部", code=f"X{number}", kind="branch", parent=dues.committee
        )
        member = MemberFactory(branch=branch)
        services.base_set(
            actor=None, member=member, kind="employee", amount=Decimal(3000), from_month=THIS
        )
    services.bills_make(THIS)
    assert count() == before


def _year_grid_queries(dues):
    """The year grid of the committee's organisation officer, with the SQL it ran."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(dues.organiser)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(year_url())
    assert page.status_code == 200
    grid = {
        branch.pk: [cell and (cell.paid, cell.billed) for cell in cells]
        for branch, cells in page.context["grid"]
    }
    return grid, [q["sql"] for q in queries.captured_queries]


def test_the_year_grid_reads_only_the_committee_s_branches(dues):
    from grassroots.orgs.models import OrgUnit
    from grassroots.orgs.tests.factories import OrgUnitFactory

    pay(dues, [THIS])
    before, _sql = _year_grid_queries(dues)
    other = OrgUnitFactory(name="另一党委", code="OC", kind=OrgUnit.Kind.COMMITTEE)
    branch = OrgUnitFactory(name="丁支部", code="OD", kind=OrgUnit.Kind.BRANCH, parent=other)
    outsider = MemberFactory(branch=branch)
    services.base_set(
        actor=None, member=outsider, kind="employee", amount=Decimal(3000), from_month=THIS
    )
    services.bills_make(THIS)
    services.payment_record(
        actor=None,
        member=outsider,
        months=[THIS],
        method="cash",
        paid_on=timezone.localdate(),
    )
    after, sql = _year_grid_queries(dues)
    assert after == before
    # every read of the bills (and, within it, of the entries) is held to the
    # committee's subtree by its path, the subquery on the entries included
    reads = [q for q in sql if "orgs_duesbill" in q]
    assert len(reads) == 2
    for query in reads:
        assert dues.committee.path in query
    (nested,) = [q for q in reads if "IN (SELECT" in q]
    assert dues.committee.path in nested.split("IN (SELECT", 1)[1]


def test_the_year_grid_counts_a_bill_paid_as_the_branch_page_does(dues):
    from grassroots.orgs.dues import selectors

    nothing_owed = MemberFactory(branch=dues.branch_b)
    services.base_set(
        actor=None, member=nothing_owed, kind="employee", amount=Decimal(0), from_month=THIS
    )
    services.bills_make(THIS)
    grid, _sql = _year_grid_queries(dues)
    assert grid[dues.branch_b.pk][THIS.month - 1] == (1, 2)  # the 0.00 bill is paid
    bill_b = DuesBill.objects.get(member=dues.member_b, month=THIS)
    # a part of member B's bill is paid (an entry of the ledger as an import could leave)
    DuesPayment.objects.create(
        kind=DuesPayment.Kind.PAYMENT,
        member=dues.member_b,
        branch=dues.branch_b,
        bill=bill_b,
        amount=bill_b.amount / 2,
        method="cash",
        paid_on=timezone.localdate(),
    )
    rows = {row.member.pk: row for row in selectors.branch_month(dues.branch_b, THIS).rows}
    assert rows[nothing_owed.pk].bill.amount == Decimal("0.00")
    assert rows[nothing_owed.pk].is_paid  # 0.00 owed: paid on the branch page
    assert not rows[dues.member_b.pk].is_paid  # half paid: not paid
    grid, _sql = _year_grid_queries(dues)
    assert grid[dues.branch_b.pk][THIS.month - 1] == (1, 2)  # the same in the grid


def test_the_year_book_reads_only_the_unit_s_entries(dues):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from grassroots.orgs.dues import selectors

    pay(dues, [THIS])
    with CaptureQueriesContext(connection) as queries:
        book = selectors.year_book(dues.branch_a.path, year=THIS.year)
    assert dict(book.months)[THIS].paid > 0
    (nested,) = [q["sql"] for q in queries.captured_queries if "IN (SELECT" in q["sql"]]
    assert dues.branch_a.path in nested.split("IN (SELECT", 1)[1]


def test_a_double_submit_of_the_arrears_reason_records_one_row(six_behind):
    from grassroots.orgs.dues.models import DuesArrearsReason

    client = client_as(six_behind.officer_a)
    page = client.get(reason_url(six_behind))
    key = page.context["form"]["idempotency_key"].value()
    assert key and f'value="{key}"' in page.content.decode()  # the key is in the form
    form = {"arrears-reason": "长期病休", "arrears-idempotency_key": key}
    first = client.post(reason_url(six_behind), form)
    second = client.post(reason_url(six_behind), form)
    assert first.status_code == second.status_code == 302
    assert DuesArrearsReason.objects.count() == 1
    # the same key sent again with another reason (the browser's Back): refused
    changed = client.post(reason_url(six_behind), form | {"arrears-reason": "出国"})
    assert changed.status_code == 400 and changed.context["form"].errors
    assert DuesArrearsReason.objects.count() == 1
    # a new form (a new key) records the new reason
    assert client.post(reason_url(six_behind), {"arrears-reason": "出国"}).status_code == 302
    assert DuesArrearsReason.objects.count() == 2


def test_a_double_submit_of_the_quarterly_decision_lands_on_success(dues, next_quarter):
    from grassroots.orgs.dues.models import DuesQuarterly

    client = client_as(dues.officer_a)
    page = client.get(member_url(dues))
    key = page.context["quarterly"]["idempotency_key"].value()
    assert key and f'value="{key}"' in page.content.decode()
    form = {
        "action": "quarterly",
        "quarterly-decision": "approve",
        "quarterly-from_month": f"{next_quarter[0]:%Y-%m}",
        "quarterly-decided_on": f"{timezone.localdate():%Y-%m-%d}",
        "quarterly-decided_by": "支部委员会会议",
        "quarterly-idempotency_key": key,
    }
    first = client.post(member_url(dues), form)
    second = client.post(member_url(dues), form)
    assert first.status_code == second.status_code == 302  # no "already approved" error
    assert DuesQuarterly.objects.count() == 1
    # without the key (or with a new one) the same approval is refused as before
    again = client.post(member_url(dues), form | {"quarterly-idempotency_key": ""})
    assert again.status_code == 400 and again.context["quarterly"].errors
    changed = client.post(member_url(dues), form | {"quarterly-decision": "revoke"})
    assert changed.status_code == 400 and changed.context["quarterly"].errors
    assert DuesQuarterly.objects.count() == 1


def _table_row(html, name):
    """The branch month table's row of a member, by the name in its header cell."""
    table = html.split('id="dues-month"', 1)[1].split("</table>", 1)[0]
    return next(row for row in table.split("<tr>") if f">{name}<" in row)


@pytest.mark.parametrize(("language", "no_bill"), [("zh-hans", "无应缴"), ("en", "No bill")])
def test_the_month_table_shows_each_member_s_figures(dues, language, no_bill):
    # given a bill paid in half (an entry as an import could leave), a member without a
    # base, and member A moved to branch B since this month's bill was made
    bill = DuesBill.objects.get(member=dues.officer_a_member, month=THIS)
    DuesPayment.objects.create(
        kind=DuesPayment.Kind.PAYMENT,
        member=dues.officer_a_member,
        branch=dues.branch_a,
        bill=bill,
        amount=Decimal("13.57"),
        method="cash",
        paid_on=timezone.localdate(),
    )
    newcomer = MemberFactory(branch=dues.branch_a)
    dues.member_a.branch = dues.branch_b
    dues.member_a.save(update_fields=["branch"])
    dues.officer_a.language = language
    dues.officer_a.save(update_fields=["language"])
    client = client_as(dues.officer_a)
    # when the dues officer opens the month
    html = client.get(branch_url(dues)).content.decode()
    # then each row shows its link, base, bill, paid and outstanding, localised
    officer = _table_row(html, dues.officer_a.name)
    link = reverse("orgs:dues_member", args=[dues.branch_a.pk, dues.officer_a_member.pk])
    assert f'<a href="{link}">' in officer
    assert "<td>3000.00</td>" in officer and "<td>15.00</td>" in officer
    assert "<td>13.57</td><td>1.43</td>" in officer
    assert "<td>—</td>" in _table_row(html, newcomer.user.name)
    assert f"<td>{no_bill}</td>" in _table_row(html, newcomer.user.name)
    moved = _table_row(html, dues.member_a.user.name)  # their base is branch B's now
    assert BASE not in moved and 'class="visually-hidden"' in moved
    assert "<td>0.00</td>" in moved


def test_the_month_reads_no_more_for_members_who_moved_away(dues):
    another = MemberFactory(branch=dues.branch_a)
    services.base_set(
        actor=None, member=another, kind="employee", amount=Decimal(3000), from_month=THIS
    )
    services.bills_make(THIS)
    client = client_as(dues.officer_a)
    client.get(branch_url(dues))  # warm the session and the caches

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client.get(branch_url(dues))  # warm: new records build the kept scopes anew
        with CaptureQueriesContext(connection) as queries:
            assert client.get(branch_url(dues)).status_code == 200
        return len(queries)

    before = count()
    dues.member_a.branch = dues.branch_b
    dues.member_a.save(update_fields=["branch"])
    moved_one = count()
    assert moved_one == before + 1  # the branches of those who moved, in one query
    another.branch = dues.branch_b
    another.save(update_fields=["branch"])
    assert count() == moved_one
