"""Every write to departments, Party organisations, member records, posts held and
transfers. Other apps (and the tests) import from here."""

from grassroots.orgs.publicity.services import notice_publish
from grassroots.orgs.services.members import (
    MEMBER_FIELDS,
    MIN_APPLICATION_AGE,
    STAGE_DATE_FIELDS,
    member_create,
    member_date_leaving,
    member_errors,
    member_fill_from_id_card,
    member_update,
    move_on_record_reason,
)
from grassroots.orgs.services.posts import orgpost_assign, orgpost_end, roles_for_post
from grassroots.orgs.services.transfers import (
    transfer_decide,
    transfer_request,
    transfer_withdraw,
)
from grassroots.orgs.services.units import (
    DEPARTMENT_FIELDS,
    ORGUNIT_FIELDS,
    department_create,
    department_update,
    orgunit_create,
    orgunit_lock,
    orgunit_update,
)

__all__ = [
    "DEPARTMENT_FIELDS",
    "MEMBER_FIELDS",
    "MIN_APPLICATION_AGE",
    "ORGUNIT_FIELDS",
    "STAGE_DATE_FIELDS",
    "department_create",
    "department_update",
    "member_create",
    "member_date_leaving",
    "member_errors",
    "member_fill_from_id_card",
    "member_update",
    "move_on_record_reason",
    "notice_publish",
    "orgpost_assign",
    "orgpost_end",
    "orgunit_create",
    "orgunit_lock",
    "orgunit_update",
    "roles_for_post",
    "transfer_decide",
    "transfer_request",
    "transfer_withdraw",
]
