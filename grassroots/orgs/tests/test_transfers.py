"""Moving a member between branches: asked by the sending branch, confirmed (or refused)
by the receiving one, history kept, both told, and who may do what."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.core.models import AuditEntry
from grassroots.notifications.models import Notification
from grassroots.orgs import services
from grassroots.orgs.models import Transfer

pytestmark = pytest.mark.django_db
BACKEND = "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"


def client_as(user):
    client = Client()
    if user is not None:
        client.force_login(user, backend=BACKEND)
    return client


def ask(world, **extra):
    values = {
        "actor": world.officer_a,
        "member": world.member_a,
        "to_branch": world.branch_b,
        "to_group": None,
        "effective_on": timezone.localdate(),
        "reason": "调往二车间工作",
    }
    return services.transfer_request(**(values | extra))


def test_confirmed_transfer_moves_the_member_and_tells_both_branches(world):
    transfer = ask(world)
    assert Notification.objects.filter(recipient=world.officer_b, kind="orgs.transfer").count() == 1
    world.member_a.refresh_from_db()
    assert world.member_a.branch == world.branch_a  # still the sending branch's until confirmed
    services.transfer_decide(actor=world.officer_b, transfer=transfer, confirm=True)
    world.member_a.refresh_from_db()
    assert world.member_a.branch == world.branch_b and world.member_a.group is None
    assert Notification.objects.filter(recipient=world.officer_a, kind="orgs.transfer").exists()
    assert AuditEntry.objects.filter(action="transfer.confirm").exists()
    assert AuditEntry.objects.filter(action="member.update", target_id=str(world.member_a.pk))
    with pytest.raises(ValidationError):
        services.transfer_decide(
            actor=world.officer_b, transfer=transfer, confirm=False, answer="x"
        )


def test_refusal_needs_a_reason_and_leaves_the_member(world):
    transfer = ask(world)
    with pytest.raises(ValidationError):
        services.transfer_decide(actor=world.officer_b, transfer=transfer, confirm=False)
    services.transfer_decide(
        actor=world.officer_b, transfer=transfer, confirm=False, answer="编制已满"
    )
    world.member_a.refresh_from_db()
    assert world.member_a.branch == world.branch_a
    assert Transfer.objects.get().status == "refused"


def test_bad_transfers_are_refused_with_a_message(world):
    with pytest.raises(ValidationError) as error:
        ask(world, to_branch=world.branch_a)
    assert "to_branch" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        ask(world, to_group=world.group_a)  # a group of branch A, not of branch B
    assert "to_group" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        ask(world, reason="  ")
    assert "reason" in error.value.message_dict
    ask(world)
    with pytest.raises(ValidationError):
        ask(world, effective_on=timezone.localdate() + datetime.timedelta(days=3))
    assert Transfer.objects.count() == 1


def test_who_may_ask_and_who_may_answer(world):
    url = reverse("orgs:transfer_new", args=[world.member_a.pk])
    for user, status in (
        (world.officer_a, 200),
        (world.committee_officer, 200),
        (world.officer_b, 404),
        (world.member_a.user, 404),
        (None, 302),
    ):
        assert client_as(user).get(url).status_code == status
    response = client_as(world.officer_a).post(
        url,
        {
            "to_branch": world.branch_b.pk,
            "effective_on": timezone.localdate().isoformat(),
            "reason": "岗位调整",
        },
    )
    assert response.status_code == 302
    transfer = Transfer.objects.get()
    decide = reverse("orgs:transfer_decide", args=[transfer.pk])
    # The sending officer cannot answer for the receiving branch.
    assert client_as(world.officer_a).post(decide, {"decision": "confirm"}).status_code == 404
    assert client_as(world.member_b.user).post(decide, {"decision": "confirm"}).status_code == 404
    listing = client_as(world.officer_b).get(reverse("orgs:transfer_list"))
    assert listing.status_code == 200 and world.member_a.user.name in listing.content.decode()
    assert client_as(world.employee).get(reverse("orgs:transfer_list")).status_code == 404
    assert client_as(world.officer_b).post(decide, {"decision": "confirm"}).status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == "confirmed"


def test_a_secretary_who_moves_leaves_the_old_branchs_post_and_roles(world):
    from grassroots.accounts.scope import scope_for

    secretary = world.officer_a.member
    transfer = ask(world, member=secretary, actor=world.committee_officer)
    services.transfer_decide(actor=world.officer_b, transfer=transfer, confirm=True)
    world.officer_a.refresh_from_db()
    scope = scope_for(world.officer_a)
    assert not scope.oversees(world.branch_a.path)
    assert not secretary.posts.filter(ends_on__isnull=True, unit=world.branch_a).exists()


def test_the_asker_cannot_answer_and_a_request_can_be_withdrawn(world):
    transfer = ask(world, actor=world.committee_officer)
    with pytest.raises(ValidationError):
        services.transfer_decide(actor=world.committee_officer, transfer=transfer, confirm=True)
    services.transfer_withdraw(actor=world.officer_a, transfer=transfer)
    assert Transfer.objects.get().status == "withdrawn"
    ask(world)  # a new request is possible again


def test_a_member_moved_meanwhile_is_not_moved_again(world):
    transfer = ask(world)
    services.member_update(
        actor=world.admin, member=world.member_a, branch=world.branch_b, group=None
    )
    with pytest.raises(ValidationError):
        services.transfer_decide(actor=world.officer_b, transfer=transfer, confirm=True)


def test_the_sending_branch_prints_the_letter_with_the_paid_up_dues_month(world):
    from decimal import Decimal

    from grassroots.orgs.dues import rules
    from grassroots.orgs.dues import services as dues

    last = rules.add_months(rules.month_of(timezone.localdate()), -1)
    dues.base_set(
        actor=None, member=world.member_a, kind="employee", amount=Decimal(4000), from_month=last
    )
    dues.bills_make(last)
    dues.payment_record(
        actor=None, member=world.member_a, months=[last], method="cash", paid_on=last
    )
    transfer = ask(world)
    url = reverse("orgs:transfer_letter", args=[transfer.pk])
    for user in (world.officer_a, world.committee_officer):
        page = client_as(user).get(url)
        assert page.status_code == 200
        assert page.context["dues_paid_up_to"] == last
        assert (
            f"{last:%Y-%m}" in page.content.decode()
            and world.branch_b.name in page.content.decode()
        )
    listing = client_as(world.officer_a).get(reverse("orgs:transfer_list"))
    assert url in listing.content.decode()
    # the receiving branch answers; it does not print the sender's letter
    assert url not in client_as(world.officer_b).get(reverse("orgs:transfer_list")).content.decode()


@pytest.mark.parametrize("who", ["officer_b", "member_a", "admin", "employee"])
def test_others_get_404_for_the_letter(world, who):
    transfer = ask(world)
    user = getattr(world, who)
    user = getattr(user, "user", user)
    assert (
        client_as(user).get(reverse("orgs:transfer_letter", args=[transfer.pk])).status_code == 404
    )
    assert (
        client_as(world.officer_a)
        .get(reverse("orgs:transfer_letter", args=[transfer.pk + 1000]))
        .status_code
        == 404
    )


def test_no_letter_for_a_withdrawn_transfer_nor_for_anonymous_visitors(world):
    transfer = ask(world)
    url = reverse("orgs:transfer_letter", args=[transfer.pk])
    response = Client().get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    services.transfer_withdraw(actor=world.officer_a, transfer=transfer)
    assert client_as(world.officer_a).get(url).status_code == 404


def _dues_from_two_months_back(world):
    """Member A's base from two months back and the bills of those two months, booked
    to branch A; the month before last is paid."""
    from decimal import Decimal

    from grassroots.orgs.dues import rules
    from grassroots.orgs.dues import services as dues

    this = rules.month_of(timezone.localdate())
    before_last, last = rules.add_months(this, -2), rules.add_months(this, -1)
    dues.base_set(
        actor=None,
        member=world.member_a,
        kind="employee",
        amount=Decimal(4000),
        from_month=before_last,
    )
    dues.bills_make(before_last)
    dues.bills_make(last)
    dues.payment_record(
        actor=None,
        member=world.member_a,
        months=[before_last],
        method="cash",
        paid_on=timezone.localdate(),
    )
    return before_last, last, this


def _pay(member, month):
    from grassroots.orgs.dues import services as dues

    dues.payment_record(
        actor=None, member=member, months=[month], method="cash", paid_on=timezone.localdate()
    )


def test_the_letter_keeps_the_paid_up_month_of_the_confirmation(world):
    from grassroots.orgs.dues import selectors as dues_selectors
    from grassroots.orgs.dues import services as dues

    before_last, last, this = _dues_from_two_months_back(world)
    transfer = ask(world)
    assert transfer.dues_paid_up_to == before_last  # kept when asked
    _pay(world.member_a, last)  # paid at the old branch while the transfer waits
    url = reverse("orgs:transfer_letter", args=[transfer.pk])
    assert client_as(world.officer_a).get(url).context["dues_paid_up_to"] == last
    services.transfer_decide(actor=world.officer_b, transfer=transfer, confirm=True)
    transfer.refresh_from_db()
    assert transfer.dues_paid_up_to == last  # refreshed at confirmation
    # the member pays this month's bill at the new branch
    dues.bills_make(this)
    world.member_a.refresh_from_db()
    _pay(world.member_a, this)
    assert dues_selectors.paid_up_to(world.member_a) == this
    page = client_as(world.officer_a).get(url)
    assert page.status_code == 200
    assert page.context["dues_paid_up_to"] == last  # not the new branch's record
    assert f"{this:%Y-%m}" not in page.content.decode().split('id="letter-dues"', 1)[1][:40]


def test_an_older_transfer_s_letter_reads_the_sending_branch_s_bills_only(world):
    from grassroots.orgs.dues import services as dues

    _before_last, last, this = _dues_from_two_months_back(world)
    _pay(world.member_a, last)
    transfer = ask(world)
    services.transfer_decide(actor=world.officer_b, transfer=transfer, confirm=True)
    Transfer.objects.filter(pk=transfer.pk).update(dues_paid_up_to=None)  # kept by none
    dues.bills_make(this)
    world.member_a.refresh_from_db()
    _pay(world.member_a, this)
    page = client_as(world.officer_a).get(reverse("orgs:transfer_letter", args=[transfer.pk]))
    assert page.context["dues_paid_up_to"] == last


def test_a_transfer_cannot_take_effect_before_the_last_confirmed_one(world):
    # given: member_a moved to branch B with effect from 2025-03-01
    first = ask(world, effective_on=datetime.date(2025, 3, 1))
    services.transfer_decide(actor=world.officer_b, transfer=first, confirm=True)
    world.member_a.refresh_from_db()
    url = reverse("orgs:transfer_new", args=[world.member_a.pk])
    # when: branch B asks to send them back with effect from an earlier day
    response = client_as(world.officer_b).post(
        url,
        {"to_branch": world.branch_a.pk, "effective_on": "2025-02-01", "reason": "调回"},
    )
    # then: the form says so on the day's field, and nothing is asked
    assert response.status_code == 200
    assert "effective_on" in response.context["form"].errors
    assert Transfer.objects.count() == 1
    # and the same day is allowed
    ask(
        world,
        actor=world.officer_b,
        to_branch=world.branch_a,
        effective_on=datetime.date(2025, 3, 1),
    )
    assert Transfer.objects.count() == 2
