# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from grassroots.accounts.models import RoleAssignment, User
from grassroots.core.api_errors import errors

router = Router(tags=["accounts"])


class RoleOut(Schema):
    role: str
    org_unit_id: int | None
    department_id: int | None


class MeOut(Schema):
    employee_number: str
    name: str
    political_status: str
    roles: list[RoleOut]


@router.get("/me", response={200: MeOut, **errors(401)})
def me(request: HttpRequest) -> Any:
    """The signed-in caller: who they are and which roles they hold."""
    user = request.user
    assert isinstance(user, User)  # the API's auth guarantees a signed-in user
    roles = (
        RoleAssignment.objects.current()
        .filter(user=user)
        .values("role", "org_unit_id", "department_id")
    )
    return {
        "employee_number": user.employee_number,
        "name": user.name,
        "political_status": user.political_status.value,
        "roles": list(roles),
    }
