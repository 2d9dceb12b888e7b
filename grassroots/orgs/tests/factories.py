from __future__ import annotations

import datetime
from typing import Any

import factory

from grassroots.accounts.tests.factories import UserFactory
from grassroots.orgs.models import Department, Member, OrgUnit


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    code = factory.Sequence(lambda n: f"DEP{n:04d}")
    name = factory.Sequence(lambda n: f"部门{n}")
    kind = Department.Kind.OFFICE
    parent = None

    @classmethod
    def _create(cls, model_class: type[Department], *args: Any, **kwargs: Any) -> Department:
        return Department.tree_insert(model_class(*args, **kwargs))


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"支部{n}")
    kind = OrgUnit.Kind.BRANCH
    parent = None

    @classmethod
    def _create(cls, model_class: type[OrgUnit], *args: Any, **kwargs: Any) -> OrgUnit:
        return OrgUnit.tree_insert(model_class(*args, **kwargs))


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    user = factory.SubFactory(UserFactory)
    stage = Member.Stage.FULL
    status = Member.Status.NORMAL
    branch = factory.SubFactory(OrgUnitFactory)
    birth_date = datetime.date(1975, 6, 15)
    gender = Member.Gender.MALE
    education = Member.Education.HIGH_SCHOOL
    applied_on = datetime.date(2000, 3, 1)
    activist_on = datetime.date(2000, 9, 1)
    candidate_on = datetime.date(2001, 10, 1)
    admitted_on = datetime.date(2002, 1, 1)
    full_on = datetime.date(2003, 1, 2)
