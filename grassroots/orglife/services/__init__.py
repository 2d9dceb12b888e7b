"""Every write to meetings, attendance and talks (the development pipeline's writes are
in `orglife.development.services`). Other apps and the tests import from here."""

from grassroots.orglife.services.attendance import (
    attendance_record,
    attendance_refresh,
    leave_request,
)
from grassroots.orglife.services.counts import meeting_months_rebuild
from grassroots.orglife.services.meetings import (
    meeting_cancel,
    meeting_errors,
    meeting_hold,
    meeting_plan,
    meeting_update,
)
from grassroots.orglife.services.notices import MEETING_GAP, MEETING_PLANNED
from grassroots.orglife.services.talks import talk_record

__all__ = [
    "MEETING_GAP",
    "MEETING_PLANNED",
    "attendance_record",
    "attendance_refresh",
    "leave_request",
    "meeting_cancel",
    "meeting_errors",
    "meeting_hold",
    "meeting_months_rebuild",
    "meeting_plan",
    "meeting_update",
    "talk_record",
]
