"""What the access layer offers the organisation app's imports, jobs and reminders:
users by number and phone, active users of a subquery, a post's open role assignments,
a person's email, and an import's bulk write."""

from __future__ import annotations

import pytest
from django.db.models import OuterRef, Subquery

from grassroots.accounts import selectors, services
from grassroots.accounts.models import User
from grassroots.accounts.roles import Role
from grassroots.accounts.tests.factories import UserFactory
from grassroots.orgs.models import Member, OrgPost

pytestmark = pytest.mark.django_db


def test_users_are_found_by_employee_number_and_by_phone_active_or_not():
    # given one active and one inactive employee
    active = UserFactory()
    gone = UserFactory(is_active=False)
    # then both are found by number and by phone
    numbers = [active.employee_number, gone.employee_number, "NOBODY"]
    assert set(selectors.users_with_employee_numbers(numbers)) == {active, gone}
    assert set(selectors.users_with_phones([gone.phone])) == {gone}


def test_active_users_among_a_subquery_leaves_out_those_who_left(world):
    # given the branch's member records, one of whose employees has left
    world.member_a.user.is_active = False
    world.member_a.user.save(update_fields=["is_active"])
    ids = Member.objects.filter(branch=world.branch_a).values("user_id")
    # when
    found = set(selectors.active_users_among(ids))
    # then
    assert world.officer_a in found
    assert world.member_a.user not in found


def test_employee_number_of_reads_as_a_subquery(world):
    numbers = Member.objects.annotate(
        number=Subquery(selectors.employee_number_of(OuterRef("user_id")))
    ).values_list("pk", "number")
    assert dict(numbers)[world.member_b.pk] == world.member_b.user.employee_number


def test_a_posts_open_role_assignments(world):
    post = OrgPost.objects.get(unit=world.branch_a, kind=OrgPost.Kind.SECRETARY)
    assignments = list(selectors.open_assignments_of_post(post.pk))
    assert [(a.user, a.role) for a in assignments] == [(world.officer_a, Role.BRANCH_OFFICER)]


def test_a_persons_email_is_set_trimmed():
    user = UserFactory(email="")
    services.user_email_set(user=user, email="  someone@example.com ")
    user.refresh_from_db()
    assert user.email == "someone@example.com"


def test_an_imports_users_are_written_in_bulk_with_ids_and_without_a_password():
    # given an employee whose phone passes to a new colleague in the same file
    old = UserFactory(name="旧名", phone="13900000001")
    old.name, old.phone = "新名", None
    # when
    created = services.users_bulk_write(
        create=[{"employee_number": "N00001", "name": "新人", "phone": "13900000001"}],
        update=[old],
        update_fields=["name", "phone"],
        batch_size=100,
    )
    # then the new user has an id and cannot sign in with a password yet
    assert [user.employee_number for user in created] == ["N00001"]
    new = User.objects.get(pk=created[0].pk)
    assert new.phone == "13900000001" and not new.has_usable_password()
    old.refresh_from_db()
    assert (old.name, old.phone) == ("新名", None)
