"""Pure rules of the appeal loop: the state machine and the three rates (RULES.md)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

SUBMITTED, ACCEPTED, IN_PROGRESS, ANSWERED = "submitted", "accepted", "in_progress", "answered"
REOPENED, CLOSED, DECLINED, MERGED, WITHDRAWN = (
    "reopened",
    "closed",
    "declined",
    "merged",
    "withdrawn",
)
WORKING = frozenset({ACCEPTED, IN_PROGRESS, REOPENED})
_ZONE = ZoneInfo("Asia/Shanghai")

# action -> (states it may start from, state it leads to; None keeps the state)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "accept": (frozenset({SUBMITTED}), ACCEPTED),
    "decline": (frozenset({SUBMITTED}), DECLINED),
    "transfer": (frozenset({SUBMITTED}), SUBMITTED),
    "assign": (WORKING, IN_PROGRESS),
    "follow_up": (WORKING, IN_PROGRESS),
    "co_handle": (WORKING, IN_PROGRESS),
    "answer": (WORKING, ANSWERED),
    "rate": (frozenset({ANSWERED}), None),  # closed, or reopened once
    "close_unrated": (frozenset({ANSWERED}), CLOSED),
    "merge": (frozenset({SUBMITTED}) | WORKING, MERGED),
    "withdraw": (frozenset({SUBMITTED}) | WORKING, WITHDRAWN),
    "supplement": (frozenset({SUBMITTED, ANSWERED}) | WORKING, None),
    "escalate": (frozenset({SUBMITTED}) | WORKING, None),
    "me_too": (frozenset({SUBMITTED}) | WORKING, None),
}


def can(action: str, status: str) -> bool:
    allowed, _target = TRANSITIONS[action]
    return status in allowed


def next_status(action: str, status: str) -> str:
    """The state after an action, or ValueError when the action is not allowed now."""
    allowed, target = TRANSITIONS[action]
    if status not in allowed:
        raise ValueError(f"{action} is not allowed in state {status}")
    return status if target is None else target


def after_rating(*, satisfaction: str, times_reopened: int, max_reopen: int = 1) -> str:
    """Not satisfied reopens the appeal once; any other answer, or a second round, closes."""
    if satisfaction == "not" and times_reopened < max_reopen:
        return REOPENED
    return CLOSED


# --- The three rates --------------------------------------------------------------------------


@dataclass(frozen=True)
class RateCounts:
    due: int = 0  # due for acceptance in the period
    responded_in_time: int = 0  # accepted or declined with a reason by the accept deadline
    answered: int = 0  # with a call-back answer
    resolved: int = 0
    satisfied: int = 0
    fairly: int = 0

    def __add__(self, other: RateCounts) -> RateCounts:
        return RateCounts(
            self.due + other.due,
            self.responded_in_time + other.responded_in_time,
            self.answered + other.answered,
            self.resolved + other.resolved,
            self.satisfied + other.satisfied,
            self.fairly + other.fairly,
        )


@dataclass(frozen=True)
class Weights:
    response: float = 0.1
    resolution: float = 0.5
    satisfaction: float = 0.4


@dataclass(frozen=True)
class Rates:
    counts: RateCounts
    response: float | None  # None: too few to judge (or nothing to divide by)
    resolution: float | None
    satisfaction: float | None
    composite: float | None


def rate(part: float, whole: int, minimum: int) -> float | None:
    if whole < max(minimum, 1):
        return None
    return part / whole


def rates(counts: RateCounts, *, weights: Weights = Weights(), minimum: int = 5) -> Rates:
    """Response = in time ÷ due; resolution = resolved ÷ answered; satisfaction =
    (satisfied + 0.9 × fairly) ÷ answered; composite = weighted sum. A rate whose
    denominator is under `minimum` is "too few to judge" (None), and so is the
    composite if any of its parts is."""
    response = rate(counts.responded_in_time, counts.due, minimum)
    resolution = rate(counts.resolved, counts.answered, minimum)
    satisfaction = rate(counts.satisfied + 0.9 * counts.fairly, counts.answered, minimum)
    composite = None
    if response is not None and resolution is not None and satisfaction is not None:
        composite = (
            weights.response * response
            + weights.resolution * resolution
            + weights.satisfaction * satisfaction
        )
    return Rates(counts, response, resolution, satisfaction, composite)


def warning_shares(text: str) -> tuple[float, ...]:
    """ "50,80,100" → (0.5, 0.8, 1.0): when to warn, as shares of the time allowed."""
    shares = tuple(sorted(int(part.strip()) / 100 for part in text.split(",") if part.strip()))
    if not shares or any(share <= 0 or share > 1 for share in shares):
        raise ValueError("shares are percentages between 1 and 100")
    return shares


# When an anonymous sender acted, as handlers may know it: the hour, not the minute.
# A minute (or the milliseconds the API used to give) beside the sender's named appeals
# and their sign-ins points at the person; the hour is shared with everyone who wrote
# in it. Not the day: a deadline is itself a clock reading (urgent appeals are accepted
# within 2 working hours), so a coarser time could be read back off the deadline, or
# would leave no sensible start for it.
ANONYMOUS_TIME_STEP = datetime.timedelta(hours=1)


def anonymous_shown_at(at: datetime.datetime) -> datetime.datetime:
    """The time recorded for what an anonymous sender did: the start of its hour
    (Asia/Shanghai; the same instant in any whole-hour zone)."""
    local = at.astimezone(_ZONE)
    return local.replace(minute=0, second=0, microsecond=0)


def anonymous_clock_start(at: datetime.datetime) -> datetime.datetime:
    """Where an anonymous appeal's deadlines start counting: the end of the hour it
    came in, so that a deadline or a warning, too, tells only the hour (and handlers
    lose no time they would have had)."""
    return anonymous_shown_at(at) + ANONYMOUS_TIME_STEP
