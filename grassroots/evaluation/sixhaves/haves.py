"""The six haves of a branch as a page shows them: each judged (met / not met / cannot
judge) with the facts behind it, the threshold it is held to, and links to the records
on the pages of the apps that keep them, filtered to the branch and the year where
those pages accept it. No points, no ranking."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from grassroots.evaluation.sixhaves import rules
from grassroots.evaluation.sixhaves.rules import Judgement, Measure, State

if TYPE_CHECKING:
    from grassroots.evaluation.sixhaves.selectors import BranchFigures, Thresholds
    from grassroots.resources import selectors as resources

# The six, in RULES.md's order and words.
NAMES: dict[str, Promise] = {
    "leadership": gettext_lazy("A strong and capable leadership (坚强有力的领导班子)"),
    "backbone": gettext_lazy("A skilled backbone team (本领过硬的骨干队伍)"),
    "place": gettext_lazy("A practical service place (功能实用的服务场所)"),
    "carriers": gettext_lazy("Varied service carriers (形式多样的服务载体)"),
    "systems": gettext_lazy("Sound systems and mechanisms (健全完善的制度机制)"),
    "results": gettext_lazy("Service results the people are satisfied with (群众满意的服务业绩)"),
}
SHORT_NAMES: dict[str, Promise] = {
    "leadership": gettext_lazy("Leadership"),
    "backbone": gettext_lazy("Backbone"),
    "place": gettext_lazy("Service place"),
    "carriers": gettext_lazy("Carriers"),
    "systems": gettext_lazy("Systems"),
    # "Results" alone is the results of a scheme or a campaign elsewhere: a context keeps
    # this one (服务业绩) apart.
    "results": pgettext_lazy("six haves", "Results"),
}
STATE_LABELS: dict[str, Promise] = {
    State.MET: gettext_lazy("Met"),
    State.NOT_MET: gettext_lazy("Not met"),
    State.UNKNOWN: gettext_lazy("Cannot judge"),
}


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Have:
    key: str
    name: str
    short_name: str
    state: State
    reason: str
    facts: tuple[Fact, ...]
    threshold: str
    links: tuple[Link, ...]

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


@dataclass(frozen=True)
class BranchHaves:
    figures: BranchFigures
    haves: tuple[Have, ...]


def _url(name: str, *args: object, **query: str | int) -> str:
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


def _yes(value: bool) -> str:
    return _("Yes") if value else _("No")


def _percent(value: Decimal | None) -> str:
    return _("too few to judge") if value is None else f"{value} %"


def _rate_percent(value: float | None) -> Decimal | None:
    return None if value is None else (Decimal(str(value)) * 100).quantize(Decimal("0.1"))


def _have(
    key: str, judgement: Judgement, facts: list[Fact], threshold: str, links: list[Link]
) -> Have:
    return Have(
        key=key,
        name=str(NAMES[key]),
        short_name=str(SHORT_NAMES[key]),
        state=judgement.state,
        reason=judgement.reason,
        facts=tuple(facts),
        threshold=threshold,
        links=tuple(links),
    )


def branch_haves(figures: BranchFigures, thresholds: Thresholds) -> BranchHaves:
    year = figures.period.first.year
    return BranchHaves(
        figures,
        (
            _leadership(figures),
            _backbone(figures, thresholds, year),
            _place(figures, year),
            _carriers(figures, thresholds, year),
            _systems(figures, thresholds, year),
            _results(figures, thresholds, year),
        ),
    )


def _leadership(figures: BranchFigures) -> Have:
    lead = figures.leadership
    judgement = rules.leadership(
        has_secretary=lead.has_secretary,
        committee_required=lead.committee_required,
        committee_posts=lead.committee_posts,
        committee_min_size=lead.committee_min_size,
        full_members=lead.full_members,
        term_ends_on=lead.term_ends_on,
        on=figures.on,
    )
    facts = [
        Fact(_("Secretary in post"), _yes(lead.has_secretary)),
        Fact(_("Full members"), str(lead.full_members)),
        Fact(_("Committee posts held"), str(lead.committee_posts)),
        Fact(
            _("Term ends on"),
            date_format(lead.term_ends_on) if lead.term_ends_on else _("not recorded"),
        ),
        Fact(_("Judged on"), date_format(figures.on)),
    ]
    threshold = _(
        "A secretary in post; a branch with %(threshold)s or more full members has a "
        "committee of at least %(minimum)s posts; the term not over."
    ) % {"threshold": lead.committee_threshold, "minimum": lead.committee_min_size}
    links = [Link(_("The branch's posts and term"), _url("orgs:unit_detail", figures.unit.pk))]
    return _have("leadership", judgement, facts, threshold, links)


def _backbone(figures: BranchFigures, thresholds: Thresholds, year: int) -> Have:
    judgement = rules.backbone(
        members=figures.members,
        serving=figures.serving,
        minimum_percent=thresholds.backbone_percent,
    )
    facts = [
        Fact(pgettext("count", "Party members"), str(figures.members)),
        Fact(_("Holding a service post"), str(figures.post_holders)),
        Fact(_("With an approved commitment for the year"), str(figures.committed)),
        Fact(
            _("Serving in either way"),
            f"{figures.serving} ({_percent(rules.percent(figures.serving, figures.members))})",
        ),
    ]
    threshold = _("At least %(minimum)s %% of the Party members.") % {
        "minimum": thresholds.backbone_percent
    }
    links = [
        Link(_("The branch's service posts"), _url("service:posts", unit=figures.unit.pk)),
        Link(
            _("Commitments of the year"),
            _url("service:commitments", year=year, unit=figures.unit.pk),
        ),
    ]
    return _have("backbone", judgement, facts, threshold, links)


def _span(span: tuple[datetime.time, datetime.time]) -> str:
    return f"{span[0]:%H:%M}–{span[1]:%H:%M}"


def _opening_hours(hours: dict[int, tuple[datetime.time, datetime.time] | None]) -> str:
    """A week's opening hours in a line, runs of days with the same hours together:
    "Monday–Friday 08:30–17:30; Saturday 09:00–12:00"."""
    runs: list[tuple[int, int, tuple[datetime.time, datetime.time]]] = []
    for day in range(7):
        span = hours.get(day)
        if span is None:
            continue
        if runs and runs[-1][1] == day - 1 and runs[-1][2] == span:
            runs[-1] = (runs[-1][0], day, span)
        else:
            runs.append((day, day, span))
    if not runs:
        return _("closed every day")
    return "; ".join(
        f"{WEEKDAYS[first]}{'' if first == last else '–' + str(WEEKDAYS[last])} {_span(span)}"
        for first, last, span in runs
    )


def _venue_label(venue: resources.ServingVenue, branch_path: str) -> str:
    """The venue's name, and whose it is when an organisation above the branch keeps it."""
    if venue.unit_path == branch_path:
        return venue.name
    return _("%(venue)s (of %(unit)s)") % {"venue": venue.name, "unit": venue.unit_name}


def _venue_fact(venue: resources.ServingVenue, branch_path: str) -> Fact:
    where = [venue.kind_label, *([venue.place] if venue.place else [])]
    lines = [
        _("%(what)s, for %(capacity)s people")
        % {"what": " · ".join(where), "capacity": venue.capacity},
        _("Step-free entry: yes") if venue.step_free else _("Step-free entry: no"),
        _("Accessible toilet: yes") if venue.accessible_toilet else _("Accessible toilet: no"),
        _("Hearing loop: yes") if venue.hearing_loop else _("Hearing loop: no"),
        *([venue.accessibility_notes] if venue.accessibility_notes else []),
        f"{_('Opening hours:')} {_opening_hours(venue.hours)}",
    ]
    return Fact(_venue_label(venue, branch_path), "\n".join(lines))


def _place(figures: BranchFigures, year: int) -> Have:
    """From the venues that serve the branch; the officer's statement only where none
    is recorded (and the page says so)."""
    venues, place = figures.venues, figures.place
    judgement = rules.place(
        venues=len(venues), has_place=None if place is None else place.has_place
    )
    threshold = _(
        "A venue in use (recorded under Venues) of the branch, or of an organisation above "
        "it, whose members may use it. Where no venue is recorded, an officer's statement "
        "with a note stands in."
    )
    if venues:
        facts = [_venue_fact(venue, figures.unit.path) for venue in venues]
        links = [
            Link(_venue_label(venue, figures.unit.path), _url("resources:venue", venue.pk))
            for venue in venues
        ]
        return _have("place", judgement, facts, threshold, links)
    facts = [Fact(_("Venues in use"), _("none recorded"))]
    if place is None:
        facts.append(Fact(_("Stated by an officer"), _("not yet for this year")))
    else:
        facts += [
            Fact(_("Stated by an officer: has a service place that works"), _yes(place.has_place)),
            Fact(_("Note"), place.note),
            Fact(
                _("Recorded by"),
                f"{place.recorded_by} · {date_format(place.recorded_at.date())}",
            ),
        ]
    links = [
        Link(
            _("State the place") if place is None else _("Correct the statement"),
            _url("evaluation:sixhaves_place", figures.unit.pk, year=year),
        ),
        Link(_("Venues"), _url("resources:venues")),
    ]
    return _have("place", judgement, facts, threshold, links)


def _carriers(figures: BranchFigures, thresholds: Thresholds, year: int) -> Have:
    carriers = figures.carriers
    judgement = rules.carriers(
        posts=carriers.posts,
        activities=carriers.activities,
        minimum_posts=thresholds.min_posts,
        minimum_activities=thresholds.min_activities,
    )
    facts = [
        Fact(_("Service posts active"), str(carriers.posts)),
        Fact(_("Activities held in the year"), str(carriers.activities)),
    ]
    threshold = _(
        "Service posts: at least %(posts)s; activities held: at least %(activities)s."
    ) % {
        "posts": thresholds.min_posts,
        "activities": thresholds.min_activities,
    }
    links = [
        Link(_("The branch's service posts"), _url("service:posts", unit=figures.unit.pk)),
        Link(_("Activities"), _url("service:activities")),
    ]
    return _have("carriers", judgement, facts, threshold, links)


def _systems(figures: BranchFigures, thresholds: Thresholds, year: int) -> Have:
    judgement = rules.systems(
        held=figures.meetings_held,
        missing=figures.meetings_missing,
        minimum_percent=thresholds.compliance_percent,
    )
    over = figures.meetings_held + figures.meetings_missing
    facts = [
        Fact(_("Periods over with the required meetings held"), str(figures.meetings_held)),
        Fact(_("Periods over without them"), str(figures.meetings_missing)),
        Fact(_("Share held"), _percent(rules.percent(figures.meetings_held, over))),
    ]
    threshold = _("At least %(minimum)s %% of the periods that are over (三会一课).") % {
        "minimum": thresholds.compliance_percent
    }
    links = [
        Link(
            _("The branch's meetings of the year"),
            _url("orglife:unit", figures.unit.pk, year=year),
        )
    ]
    return _have("systems", judgement, facts, threshold, links)


def _results(figures: BranchFigures, thresholds: Thresholds, year: int) -> Have:
    rates = figures.rates
    counts = rates.counts
    answers = figures.deeds.answers
    delivered = (
        rules.percent(answers.satisfied + answers.fairly, answers.total)
        if answers.total >= thresholds.min_answers
        else None
    )
    measures = (
        Measure("response", _rate_percent(rates.response), thresholds.response_percent),
        Measure("resolution", _rate_percent(rates.resolution), thresholds.resolution_percent),
        Measure("satisfaction", _rate_percent(rates.satisfaction), thresholds.satisfaction_percent),
        Measure("delivered", delivered, thresholds.delivered_percent),
    )
    judgement = rules.results(measures)
    response, resolution, satisfaction, deeds = measures
    facts = [
        Fact(
            _("Response rate"),
            _("%(rate)s (of %(due)s due)") % {"rate": _percent(response.value), "due": counts.due},
        ),
        Fact(
            _("Resolution rate"),
            _("%(rate)s (of %(answered)s answered)")
            % {"rate": _percent(resolution.value), "answered": counts.answered},
        ),
        Fact(
            _("Satisfaction rate"),
            _("%(rate)s (of %(answered)s answered)")
            % {"rate": _percent(satisfaction.value), "answered": counts.answered},
        ),
        Fact(
            _("Practical deeds said to be delivered"),
            _("%(rate)s (of %(answers)s answers on %(done)s deeds done)")
            % {"rate": _percent(deeds.value), "answers": answers.total, "done": figures.deeds.done},
        ),
    ]
    threshold = _(
        "Response rate %(response)s %%, resolution rate %(resolution)s %%, satisfaction "
        "rate %(satisfaction)s %%, deeds delivered %(delivered)s %% — each judged from "
        "%(answers)s answers on."
    ) % {
        "response": thresholds.response_percent,
        "resolution": thresholds.resolution_percent,
        "satisfaction": thresholds.satisfaction_percent,
        "delivered": thresholds.delivered_percent,
        "answers": thresholds.min_answers,
    }
    links = [
        Link(
            _("The branch's appeal rates"), _url("appeals:rates", unit=figures.unit.pk, period=year)
        ),
        Link(
            _("The branch's practical deeds"),
            _url("service:deeds", unit=figures.unit.pk, status="", year=year),
        ),
    ]
    return _have("results", judgement, facts, threshold, links)
