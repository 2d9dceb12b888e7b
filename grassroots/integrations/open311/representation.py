"""What Open311 shows of a category (a service) and of an appeal (a request).

A request's view never names a person: no submitter, no recorder, no assignee, no
contact field, whoever reads it. An anonymous appeal shows less still: not the
department it came from (with the hour, it could narrow down who sent it), only what
its handlers need to know it by.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from grassroots.appeals.intake import Urgency
from grassroots.integrations.open311 import rules

if TYPE_CHECKING:
    from collections.abc import Collection

    from grassroots.appeals.models import Appeal, Category


def service(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": str(category),
        "description": category.description,
        # Every service has a definition: the attributes below.
        "metadata": True,
        "type": "realtime",
        "keywords": "",
        "group": "",
    }


def _choice(
    code: str, description: str, values: list[tuple[str, str]], order: int
) -> dict[str, Any]:
    return {
        "variable": True,
        "code": code,
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": "",
        "order": order,
        "description": description,
        "values": [{"key": key, "name": name} for key, name in values],
    }


def definition(category: Category) -> dict[str, Any]:
    """The attributes an appeal of this category takes beyond the specification's
    fields (the categories have no extra attributes of their own)."""
    yes_no = [("false", _("No")), ("true", _("Yes"))]
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": "title",
                "datatype": "string",
                "required": False,
                "datatype_description": _(
                    "At most 100 characters. Required for an anonymous request; otherwise "
                    "the description's first words when left out."
                ),
                "order": 1,
                "description": _("Title"),
            },
            _choice(
                "urgency",
                _("Urgency"),
                [(str(value), str(label)) for value, label in Urgency.choices],
                2,
            ),
            _choice(
                "anonymous", _("Send anonymously (no name is kept with the appeal)"), yes_no, 3
            ),
            _choice(
                "consent_publish", _("May be published, de-identified, once resolved"), yes_no, 4
            ),
        ],
    }


def request(appeal: Appeal, open_statuses: Collection[str]) -> dict[str, Any]:
    """One appeal as an Open311 service request."""
    status = rules.public_status(appeal.status, open_statuses)
    moments = [
        when
        for when in (appeal.created_at, appeal.responded_at, appeal.answered_at, appeal.closed_at)
        if when is not None
    ]
    department = appeal.department if not appeal.is_anonymous else None
    return {
        "service_request_id": appeal.public_id,
        "status": status,
        "status_notes": str(appeal.get_status_display()),
        "service_name": str(appeal.category),
        "service_code": appeal.category.code,
        "title": appeal.title,
        "description": appeal.description,
        "agency_responsible": appeal.unit.name,
        "service_notice": "",
        "requested_datetime": appeal.created_at,
        "updated_datetime": max(moments),
        "expected_datetime": appeal.current_due_at if status == rules.OPEN else None,
        "address": appeal.place,
        "address_id": department.code if department is not None else "",
        "zipcode": "",
        "lat": None,
        "long": None,
        "media_url": "",
    }
