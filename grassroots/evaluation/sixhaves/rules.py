"""The six haves (六有) judged from plain figures: no database, no points.

Each have is met, not met, or cannot be judged (too few records to say, or nothing
recorded), with one sentence that says why. Thresholds come in as arguments (their
defaults are rule parameters, `rule_parameters.py`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class State(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"  # cannot judge


@dataclass(frozen=True)
class Judgement:
    state: State
    reason: str


HUNDRED = Decimal(100)


def percent(part: int, whole: int) -> Decimal | None:
    """part ÷ whole as a percentage to one decimal, None when there is nothing to divide."""
    if whole <= 0:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.1"))


def leadership(
    *,
    has_secretary: bool,
    committee_required: bool,
    committee_posts: int,
    committee_min_size: int,
    full_members: int,
    term_ends_on: datetime.date | None,
    on: datetime.date,
) -> Judgement:
    """坚强有力的领导班子: a secretary in post, the committee the branch's size requires
    (《支部工作条例》: 7 or more full members elect one), and a term not yet over."""
    if not has_secretary:
        return Judgement(State.NOT_MET, _("There is no secretary in post."))
    if committee_required and committee_posts < committee_min_size:
        return Judgement(
            State.NOT_MET,
            _(
                "With %(full)s full members the branch elects a committee of at least "
                "%(minimum)s; %(posts)s committee posts are held."
            )
            % {"full": full_members, "minimum": committee_min_size, "posts": committee_posts},
        )
    if term_ends_on is None:
        return Judgement(
            State.UNKNOWN,
            _("When the committee's term ends is not recorded, so it cannot be judged."),
        )
    if term_ends_on < on:
        return Judgement(
            State.NOT_MET,
            _("The term ended on %(date)s: the re-election is overdue.")
            % {"date": date_format(term_ends_on)},
        )
    return Judgement(
        State.MET,
        _("The secretary and the posts required are held; the term runs until %(date)s.")
        % {"date": date_format(term_ends_on)},
    )


def backbone(*, members: int, serving: int, minimum_percent: int) -> Judgement:
    """本领过硬的骨干队伍: enough of the branch's Party members serve visibly, holding a
    service post or an approved commitment."""
    share = percent(serving, members)
    if share is None:
        return Judgement(State.UNKNOWN, _("The branch has no Party members to count."))
    values = {"share": share, "serving": serving, "members": members, "minimum": minimum_percent}
    if share >= minimum_percent:
        return Judgement(
            State.MET,
            _(
                "%(serving)s of %(members)s members (%(share)s %%) serve; at least %(minimum)s %% needed."
            )
            % values,
        )
    return Judgement(
        State.NOT_MET,
        _(
            "Only %(serving)s of %(members)s members (%(share)s %%) serve; at least %(minimum)s %% needed."
        )
        % values,
    )


def place(*, venues: int, has_place: bool | None) -> Judgement:
    """功能实用的服务场所: a venue in use serves the branch (its own, or one of an
    organisation above it, which is for the people below it too). Only where no venue is
    recorded does an officer's statement stand in."""
    if venues:
        return Judgement(
            State.MET,
            ngettext(
                "%(count)s venue in use serves the branch.",
                "%(count)s venues in use serve the branch.",
                venues,
            )
            % {"count": venues},
        )
    if has_place is None:
        return Judgement(
            State.UNKNOWN,
            _(
                "No venue serving the branch is recorded, and no officer has stated for this "
                "year whether it has a service place."
            ),
        )
    if has_place:
        return Judgement(
            State.MET,
            _(
                "No venue is recorded; an officer stated that the branch has a service place "
                "that works."
            ),
        )
    return Judgement(
        State.NOT_MET,
        _(
            "No venue is recorded, and an officer stated that the branch has no service "
            "place that works."
        ),
    )


def carriers(
    *, posts: int, activities: int, minimum_posts: int, minimum_activities: int
) -> Judgement:
    """形式多样的服务载体: service posts standing and activities held in the year."""
    values = {
        "posts": posts,
        "activities": activities,
        "minimum_posts": minimum_posts,
        "minimum_activities": minimum_activities,
    }
    if posts >= minimum_posts and activities >= minimum_activities:
        return Judgement(
            State.MET, _("Service posts: %(posts)s; activities held: %(activities)s.") % values
        )
    return Judgement(
        State.NOT_MET,
        _(
            "Service posts: %(posts)s, activities held: %(activities)s; needed at least "
            "%(minimum_posts)s and %(minimum_activities)s."
        )
        % values,
    )


def systems(*, held: int, missing: int, minimum_percent: int) -> Judgement:
    """健全完善的制度机制: the 三会一课 periods that are over had their meetings held."""
    share = percent(held, held + missing)
    if share is None:
        return Judgement(
            State.UNKNOWN, _("No period of required meetings is over yet in this year.")
        )
    values = {"held": held, "over": held + missing, "share": share, "minimum": minimum_percent}
    if share >= minimum_percent:
        return Judgement(
            State.MET,
            _(
                "Meetings held in %(held)s of %(over)s periods (%(share)s %%); at least %(minimum)s %% needed."
            )
            % values,
        )
    return Judgement(
        State.NOT_MET,
        _(
            "Meetings held in only %(held)s of %(over)s periods (%(share)s %%); at least %(minimum)s %% needed."
        )
        % values,
    )


@dataclass(frozen=True)
class Measure:
    """One figure of the results: a percentage (None: too few to judge) and its minimum."""

    key: str
    value: Decimal | None
    minimum: int

    @property
    def judged(self) -> bool:
        return self.value is not None

    @property
    def met(self) -> bool:
        return self.value is not None and self.value >= self.minimum


def results(measures: tuple[Measure, ...]) -> Judgement:
    """群众满意的服务业绩: the three appeal rates and the deeds delivered, each judged
    only when there are enough answers; met when every figure that can be judged
    reaches its minimum; cannot be judged when none can."""
    judged = [measure for measure in measures if measure.judged]
    if not judged:
        return Judgement(
            State.UNKNOWN,
            _("Too few appeals and answers on practical deeds in the year to judge."),
        )
    short = [measure for measure in judged if not measure.met]
    if short:
        return Judgement(
            State.NOT_MET,
            _("%(short)s of the %(judged)s figures that can be judged are below their minimum.")
            % {"short": len(short), "judged": len(judged)},
        )
    return Judgement(
        State.MET,
        _("All %(judged)s figures that can be judged reach their minimum.")
        % {"judged": len(judged)},
    )
