"""Every write of the appeal loop: raise → route → accept → handle → answer → rate.

Each step locks the appeal, checks the state machine (rules.TRANSITIONS), saves with
update_fields, records a timeline event and an audit entry, moves the deadlines, and
tells the right people after commit. Steps take `at` so that the demo can replay a year.

By what they do: intake (raising, and the submitter's own steps), handling,
cohandling, closing (answer, rating, withdrawing), supervision (warnings and
escalation), publishing; uploads checks files for all of them. Reads they need
(who handles an appeal, whom it may be assigned to) are in appeals.selectors.
"""

from __future__ import annotations

from grassroots.appeals.intake import AppealDraft
from grassroots.appeals.services.closing import (
    appeal_answer,
    appeal_close_unrated,
    appeal_rate,
    appeal_withdraw,
)
from grassroots.appeals.services.cohandling import cohandling_open, cohandling_reply
from grassroots.appeals.services.handling import (
    appeal_accept,
    appeal_assign,
    appeal_decline,
    appeal_merge,
    appeal_transfer,
    followup_add,
)
from grassroots.appeals.services.intake import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Submitted,
    anonymous_find,
    appeal_errors,
    appeal_submit,
    appeal_supplement,
    metoo_add,
    tracking_code_normalise,
)
from grassroots.appeals.services.publishing import appeal_publish, appeal_unpublish
from grassroots.appeals.services.receipt import anonymous_receipt_again
from grassroots.appeals.services.supervision import appeal_escalate, appeal_warn
from grassroots.appeals.services.telling import (
    APPEAL_ASSIGNED,
    APPEAL_ESCALATED,
    APPEAL_REOPENED,
    APPEAL_UPDATE,
    APPEAL_WARNING,
    CO_HANDLING,
    NEW_APPEAL,
)
from grassroots.appeals.services.uploads import attachment_max_bytes, files_check
from grassroots.core import parameters

__all__ = [
    "APPEAL_ASSIGNED",
    "APPEAL_ESCALATED",
    "APPEAL_REOPENED",
    "APPEAL_UPDATE",
    "APPEAL_WARNING",
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "CO_HANDLING",
    "NEW_APPEAL",
    "AppealDraft",
    "Submitted",
    "anonymous_find",
    "anonymous_receipt_again",
    "appeal_accept",
    "appeal_answer",
    "appeal_assign",
    "appeal_close_unrated",
    "appeal_decline",
    "appeal_errors",
    "appeal_escalate",
    "appeal_merge",
    "appeal_publish",
    "appeal_rate",
    "appeal_submit",
    "appeal_supplement",
    "appeal_transfer",
    "appeal_unpublish",
    "appeal_warn",
    "appeal_withdraw",
    "attachment_max_bytes",
    "cohandling_open",
    "cohandling_reply",
    "files_check",
    "followup_add",
    "metoo_add",
    "parameters",
    "tracking_code_normalise",
]
