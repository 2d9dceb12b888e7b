"""Every write of the democratic appraisal: open a branch's appraisal, write one's
self-assessment, suggest grades for the other full members, propose the branch's
grades, record the assembly's decision. Each is atomic, row-locked where the state
moves, and audited; a refused write saves nothing."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core.audit import audit_record
from grassroots.core.locking import locked
from grassroots.evaluation.appraisal import rules, selectors
from grassroots.evaluation.appraisal.models import (
    Appraisal,
    AppraisalParticipant,
    MutualSuggestion,
)
from grassroots.evaluation.campaigns import rules as campaign_rules
from grassroots.evaluation.campaigns import services as campaign_services
from grassroots.evaluation.campaigns.models import Campaign
from grassroots.evaluation.rules import GRADES
from grassroots.orglife import selectors as orglife
from grassroots.orgs import selectors as orgs
from grassroots.orgs.vocabulary import MemberStage, UnitKind

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit

MEASURES = tuple(AppraisalParticipant.Measure.values)
SELF_ASSESSMENT_MAX = 5000


@transaction.atomic
def appraisal_open(
    *,
    actor: Any,
    branch: OrgUnit,
    year: int,
    today: datetime.date | None = None,
) -> Appraisal:
    """Open the year's appraisal of a branch (this year's or last year's). Its
    participants are the branch's Party members now: full members are graded,
    probationary members take part ungraded."""
    if branch.kind != UnitKind.BRANCH or not branch.is_active:
        raise ValidationError({"branch": _("Members are appraised in a branch.")})
    problem = rules.year_error(year, today or timezone.localdate())
    if problem:
        raise ValidationError({"year": problem})
    if Appraisal.objects.filter(branch=branch, year=year).exists():
        raise ValidationError({"year": _("This branch's appraisal for that year is already open.")})
    members = list(orgs.party_members_of_unit(branch))
    if not any(m.stage == MemberStage.FULL for m in members):
        raise ValidationError({"branch": _("This branch has no full members to appraise.")})
    try:
        with transaction.atomic():
            appraisal = Appraisal.objects.create(branch=branch, year=year, opened_by=actor)
    except IntegrityError as error:  # two officers at the same instant
        raise ValidationError(
            {"year": _("This branch's appraisal for that year is already open.")}
        ) from error
    AppraisalParticipant.objects.bulk_create(
        AppraisalParticipant(
            appraisal=appraisal, member=member, is_graded=member.stage == MemberStage.FULL
        )
        for member in members
    )
    audit_record(
        actor=actor,
        action="appraisal.open",
        target=appraisal,
        after={"year": year, "participants": len(members)},
        org_path=branch.path,
    )
    return appraisal


def _open_appraisal(appraisal: Appraisal) -> Appraisal:
    appraisal = locked(appraisal, related=("branch",))
    if appraisal.status != Appraisal.Status.OPEN:
        raise ValidationError(_("This appraisal is decided: nothing in it can change now."))
    return appraisal


@transaction.atomic
def self_assessment_write(
    *, actor: Any, participant: AppraisalParticipant, text: str
) -> AppraisalParticipant:
    """A member writes (or rewrites) their own self-assessment while the appraisal is
    under way. Nobody writes another's."""
    appraisal = _open_appraisal(participant.appraisal)
    participant = locked(participant, related=("member",))
    if participant.member.user_id != getattr(actor, "pk", None):
        raise ValidationError(_("Only the member writes their own self-assessment."))
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write your self-assessment.")})
    if len(text) > SELF_ASSESSMENT_MAX:
        raise ValidationError(
            {"text": _("Keep it under %(max)s characters.") % {"max": SELF_ASSESSMENT_MAX}}
        )
    participant.self_assessment = text
    participant.self_assessed_at = timezone.now()
    participant.save(update_fields=["self_assessment", "self_assessed_at"])
    audit_record(
        actor=actor,
        action="appraisal.self_assessment",
        target=participant,
        org_path=appraisal.branch.path,
    )
    return participant


@transaction.atomic
def suggestions_save(
    *, actor: Any, assessor: AppraisalParticipant, grades: Mapping[int, str]
) -> int:
    """A full member's suggested grade for each other full member (participant id →
    grade; "" leaves one out). Replaces their earlier suggestions. Returns how many are
    kept. The suggestions close when the branch committee proposes the grades. The
    audit row records that they suggested, never what nor for how many."""
    appraisal = _open_appraisal(assessor.appraisal)
    if appraisal.proposed_at is not None:
        raise ValidationError(
            _("The suggestions are closed: the branch committee has proposed the grades.")
        )
    assessor = locked(assessor, related=("member",))
    if assessor.member.user_id != getattr(actor, "pk", None):
        raise ValidationError(_("Only the member makes their own suggestions."))
    if not assessor.is_graded:
        raise ValidationError(_("Grades are suggested by full members."))
    graded = set(
        AppraisalParticipant.objects.filter(appraisal=appraisal, is_graded=True)
        .exclude(pk=assessor.pk)
        .values_list("pk", flat=True)
    )
    unknown = {pk for pk in grades if pk not in graded}
    if unknown:
        raise ValidationError(_("Grades are suggested for the other full members only."))
    bad = [grade for grade in grades.values() if grade and grade not in GRADES]
    if bad:
        raise ValidationError(_("Unknown grade: %(grade)s.") % {"grade": bad[0]})
    MutualSuggestion.objects.filter(assessor=assessor).delete()
    kept = MutualSuggestion.objects.bulk_create(
        MutualSuggestion(appraisal=appraisal, assessor=assessor, assessee_id=pk, grade=grade)
        for pk, grade in grades.items()
        if grade
    )
    audit_record(
        actor=actor,
        action="appraisal.suggestions",
        target=appraisal,
        org_path=appraisal.branch.path,
    )
    return len(kept)


def _checked_entries(
    appraisal: Appraisal, entries: Mapping[int, rules.GradeEntry], today: datetime.date
) -> list[AppraisalParticipant]:
    graded = list(
        AppraisalParticipant.objects.filter(appraisal=appraisal, is_graded=True).order_by("pk")
    )
    if set(entries) - {p.pk for p in graded}:
        raise ValidationError(_("Only the full members of this appraisal are graded."))
    complete = {p.pk: entries.get(p.pk, rules.GradeEntry("")) for p in graded}
    errors: dict[str, Any] = dict(
        rules.entry_errors(complete, measures=MEASURES, today=today, year=appraisal.year)
    )
    cap = rules.cap_error(complete)
    if cap:
        errors["__all__"] = cap
    if errors:
        raise ValidationError(errors)
    return graded


def _apply_entries(
    appraisal: Appraisal,
    entries: Mapping[int, rules.GradeEntry],
    today: datetime.date | None,
    *,
    field: str,
) -> list[AppraisalParticipant]:
    """Check the grades for every full member and set them (the proposed or the decided
    grade, in `field`) with each 不合格's measure and due date, unsaved."""
    graded = _checked_entries(appraisal, entries, today or timezone.localdate())
    for participant in graded:
        entry = entries[participant.pk]
        setattr(participant, field, entry.grade)
        unqualified = entry.grade == AppraisalParticipant.Grade.UNQUALIFIED
        participant.measure = entry.measure if unqualified else ""
        participant.measure_due_on = entry.due_on if unqualified else None
    return graded


@transaction.atomic
def grades_propose(
    *,
    actor: Any,
    appraisal: Appraisal,
    entries: Mapping[int, rules.GradeEntry],
    today: datetime.date | None = None,
) -> Appraisal:
    """The branch committee's proposed grade for every full member, within the cap on
    优秀, each 不合格 with its follow-up measure and due date. All or nothing. The first
    proposal closes the mutual suggestions."""
    appraisal = _open_appraisal(appraisal)
    graded = _apply_entries(appraisal, entries, today, field="proposed_grade")
    AppraisalParticipant.objects.bulk_update(
        graded, ["proposed_grade", "measure", "measure_due_on"]
    )
    appraisal.proposed_at = timezone.now()
    appraisal.save(update_fields=["proposed_at"])
    audit_record(
        actor=actor,
        action="appraisal.propose",
        target=appraisal,
        after={"grades": {str(p.member_id): p.proposed_grade for p in graded}},
        org_path=appraisal.branch.path,
    )
    return appraisal


@transaction.atomic
def appraisal_decide(
    *,
    actor: Any,
    appraisal: Appraisal,
    meeting_id: int,
    entries: Mapping[int, rules.GradeEntry],
    today: datetime.date | None = None,
) -> Appraisal:
    """Record the grades the branch assembly decided at its held, quorate 民主评议
    meeting (the meeting as orglife recorded it). The committee's proposal comes first;
    the assembly may change it, within the same rules."""
    appraisal = _open_appraisal(appraisal)
    if appraisal.proposed_at is None:
        raise ValidationError(_("The branch committee proposes the grades first."))
    meeting = next(
        (
            m
            for m in orglife.appraisal_meetings(appraisal.branch, year=appraisal.year)
            if m.pk == meeting_id
        ),
        None,
    )
    if meeting is None:
        raise ValidationError(
            {"meeting": _("Choose a democratic appraisal meeting of this branch in that year.")}
        )
    if not meeting.is_held:
        raise ValidationError(
            {"meeting": _("Record the meeting as held, with its attendance, first.")}
        )
    if not meeting.is_quorate:
        raise ValidationError(
            {
                "meeting": _(
                    "The meeting had no quorum: %(present)s of %(entitled)s full members "
                    "came, more than half are needed."
                )
                % {"present": meeting.present, "entitled": meeting.entitled}
            }
        )
    graded = _apply_entries(appraisal, entries, today, field="grade")
    # Only the counts per grade outlive the decision; who suggested what does not.
    received = selectors.received_counts(appraisal)
    for participant in graded:
        participant.suggestion_counts = rules.shown_counts(received.get(participant.pk, {}))
    AppraisalParticipant.objects.bulk_update(
        graded, ["grade", "measure", "measure_due_on", "suggestion_counts"]
    )
    MutualSuggestion.objects.filter(appraisal=appraisal).delete()
    appraisal.status = Appraisal.Status.DECIDED
    appraisal.meeting_id = meeting.pk
    appraisal.decided_at = timezone.now()
    appraisal.save(update_fields=["status", "meeting", "decided_at"])
    audit_record(
        actor=actor,
        action="appraisal.decide",
        target=appraisal,
        after={
            "meeting": meeting.pk,
            "grades": {str(p.member_id): p.grade for p in graded},
        },
        org_path=appraisal.branch.path,
    )
    return appraisal


@dataclass(frozen=True)
class OpinionsRequest:
    """What a branch officer enters to ask the employees' opinions of the members."""

    opens_on: datetime.date
    closes_on: datetime.date
    scale: str
    items: Sequence[str]


@transaction.atomic
def opinions_ask(
    *, actor: Any, appraisal: Appraisal, request: OpinionsRequest, today: datetime.date
) -> Appraisal:
    """Ask the employees of the departments the branch covers for their opinion of each
    full member (the optional third voice of the appraisal), through a campaign the
    branch organises: the full members are its subjects, and everyone else working
    there answers as an employee — probationary members and activists included — while
    the full members are not asked (they have their say in the mutual suggestions, so
    they are not asked twice); the roll is frozen now. The campaign keeps its own secrecy,
    reminders, paper ballots and closing; the appraisal links it and reads its results.
    Refused, creating nothing, when the appraisal is decided, already asks, or nobody
    works in the departments the branch covers."""
    appraisal = _open_appraisal(appraisal)
    if appraisal.campaign_id is not None:
        raise ValidationError(_("The employees are already being asked for their opinions."))
    graded = selectors.graded_members_in_branch(appraisal)
    if not graded:
        raise ValidationError(_("No full member of this branch is left to ask about."))
    draft = campaign_services.Draft(
        title=_("Democratic appraisal %(year)s: the employees' opinions of %(branch)s")
        % {"year": appraisal.year, "branch": appraisal.branch.name},
        subject_kind=Campaign.SubjectKind.MEMBERS,
        scale=request.scale,
        opens_on=request.opens_on,
        closes_on=request.closes_on,
        period_first=datetime.date(appraisal.year, 1, 1),
        period_last=datetime.date(appraisal.year, 12, 31),
        items=list(request.items),
        weights={
            group: Decimal(group == campaign_rules.EMPLOYEES) for group in campaign_rules.GROUPS
        },
        others_as_employees=True,
    )
    campaign = campaign_services.campaign_create(
        actor=actor, organiser=appraisal.branch, draft=draft, members=graded
    )
    if not campaign_services.compute_roll(campaign):
        raise ValidationError(
            _(
                "Nobody but full members works in the departments this branch covers: "
                "there is nobody to ask."
            )
        )
    campaign_services.campaign_open(actor=actor, campaign=campaign, today=today)
    campaign.refresh_from_db()  # opened through a locked copy
    appraisal.campaign = campaign
    appraisal.save(update_fields=["campaign"])
    audit_record(
        actor=actor,
        action="appraisal.opinions_ask",
        target=appraisal,
        after={"campaign": campaign.pk},
        org_path=appraisal.branch.path,
    )
    return appraisal
