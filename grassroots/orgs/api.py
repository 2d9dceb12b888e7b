"""JSON endpoints for organisations and member records: the same selectors and policy
as the pages, so a member out of scope is 404 here exactly as it is there."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from grassroots.accounts.scope import scope_for
from grassroots.core.api_errors import errors
from grassroots.core.api_paging import BoundedPaging
from grassroots.orgs import policy, rules, selectors
from grassroots.orgs.models import Member, OrgUnit
from grassroots.orgs.vocabulary import Education, MemberStage

router = Router(tags=["organisations"])


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    founded_on: datetime.date | None
    term_ends_on: datetime.date | None
    is_joint: bool
    is_temporary: bool


class DepartmentOut(Schema):
    code: str
    name: str
    kind: str
    parent_code: str | None

    @staticmethod
    def resolve_parent_code(department: Any) -> str | None:
        return department.parent.code if department.parent_id else None


class DepartmentQuery(Schema):
    # No NUL (refused with 400 before any view, as everywhere): not a search term.
    q: str = Field("", max_length=100, pattern=r"^[^\x00]*$")


class MemberOut(Schema):
    id: int
    employee_number: str
    name: str
    stage: str
    status: str
    branch_id: int
    group_id: int | None
    birth_date: datetime.date | None
    gender: str
    ethnicity: str
    education: str


class MemberDetailOut(MemberOut):
    applied_on: datetime.date | None
    activist_on: datetime.date | None
    candidate_on: datetime.date | None
    admitted_on: datetime.date | None
    full_on: datetime.date | None
    is_mobile: bool
    is_lost_contact: bool
    id_card_number: str


class MemberQuery(Schema):
    q: str = ""
    stage: MemberStage | None = None
    unit: int | None = None
    cohort: int | None = None
    education: Education | None = None


def _member_out(member: Member) -> dict[str, Any]:
    return {
        "id": member.pk,
        "employee_number": member.user.employee_number,
        "name": member.user.name,
        "stage": member.stage,
        "status": member.status,
        "branch_id": member.branch_id,
        "group_id": member.group_id,
        "birth_date": member.birth_date,
        "gender": member.gender,
        "ethnicity": member.ethnicity,
        "education": member.education,
    }


@router.get("/units", response={200: list[UnitOut], **errors(401)})
def list_units(request: HttpRequest) -> Any:
    """Party organisations the caller may open."""
    return policy.visible_units(scope_for(request.user)).order_by("path")


@router.get("/units/{unit_id}", response={200: UnitOut, **errors(401, 404, 422)})
def get_unit(request: HttpRequest, unit_id: int) -> Any:
    return selectors.get_unit_for(scope_for(request.user), unit_id)


@router.get("/departments", response={200: list[DepartmentOut], **errors(400, 401, 422)})
@paginate(BoundedPaging)
def list_departments(request: HttpRequest, filters: Query[DepartmentQuery]) -> Any:
    """The enterprise's active departments (public to everyone signed in, as on the
    appeal form): the codes an appeal's `department_code` takes. `q` filters by name or
    code."""
    return selectors.departments_listed(filters.q)


@router.get("/members", response={200: list[MemberOut], **errors(401, 404, 422)})
@paginate(BoundedPaging)
def list_members(request: HttpRequest, filters: Query[MemberQuery]) -> Any:
    """Member records the caller may list (officers: their subtree)."""
    scope = scope_for(request.user)
    if not policy.can_list_members(scope):
        raise Http404
    unit: OrgUnit | None = None
    if filters.unit is not None:
        unit = selectors.unit_from_parameter(scope, str(filters.unit))
        if unit is None or not policy.can_view_unit_details(scope, unit):
            raise Http404
    members = selectors.member_list(
        scope,
        selectors.MemberFilters(
            q=filters.q[:64],
            stage=filters.stage or "",
            unit=unit,
            cohort=filters.cohort if filters.cohort in rules.COHORT_DECADES else None,
            education=filters.education or "",
        ),
    )
    return [_member_out(member) for member in members]


@router.get("/members/{member_id}", response={200: MemberDetailOut, **errors(401, 404, 422)})
def get_member(request: HttpRequest, member_id: int) -> Any:
    scope = scope_for(request.user)
    member = selectors.get_member_for(scope, member_id)
    id_number = member.id_card_number
    if not policy.can_view_id_card_number(scope, member):
        id_number = rules.mask_id_card_number(id_number)
    return _member_out(member) | {
        "applied_on": member.applied_on,
        "activist_on": member.activist_on,
        "candidate_on": member.candidate_on,
        "admitted_on": member.admitted_on,
        "full_on": member.full_on,
        "is_mobile": member.is_mobile,
        "is_lost_contact": member.is_lost_contact,
        "id_card_number": id_number,
    }
