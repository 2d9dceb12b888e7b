"""Every write to commendations (两优一先): open a round, nominate, put the chosen
nominations into public notice (公示, through orgs' contract), decide."""

from __future__ import annotations

import datetime
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from grassroots.core.audit import audit_record
from grassroots.core.locking import locked
from grassroots.evaluation.commendations import selectors
from grassroots.evaluation.commendations.models import CommendationRound, Nomination
from grassroots.orgs.services import notice_publish
from grassroots.orgs.vocabulary import MemberStage, MemberStatus, UnitKind

if TYPE_CHECKING:
    from grassroots.orgs.models import Member, OrgUnit

REASON_MAX = 2000
NOTE_MAX = 1000
# The round's title goes into its public notice's title ("关于…拟表彰对象的公示", at most
# 200 characters with the words around it): kept short enough to fit.
TITLE_MAX = 150


@transaction.atomic
def round_open(
    *, actor: Any, unit: OrgUnit, year: int, title: str = "", today: datetime.date | None = None
) -> CommendationRound:
    """Open a committee's round of commendations for a year (one a year). The caller
    checks `policy.committees_to_run`."""
    today = today or timezone.localdate()
    if unit.kind not in (UnitKind.COMMITTEE, UnitKind.GENERAL_BRANCH):
        raise ValidationError(
            {"unit": _("Commendations are run by a committee or a general branch.")}
        )
    if not today.year - 1 <= year <= today.year + 1:
        raise ValidationError({"year": _("Choose this year, last year or next year.")})
    title = title.strip()
    if not title:
        with translation.override(settings.LANGUAGE_CODE):  # stored text: the site's language
            title = _("%(year)s commendations of %(unit)s") % {"year": year, "unit": unit.name}
    if len(title) > TITLE_MAX:
        raise ValidationError(
            {
                "title": _("Keep the title to %(max)s characters: it heads the public notice.")
                % {"max": TITLE_MAX}
            }
        )
    try:
        with transaction.atomic():
            created = CommendationRound.objects.create(
                unit=unit, year=year, title=title, opened_by=actor, opened_at=timezone.now()
            )
    except IntegrityError:
        raise ValidationError(
            {
                "year": _("%(unit)s already has a round for %(year)s.")
                % {"unit": unit.name, "year": year}
            }
        ) from None
    audit_record(actor=actor, action="commendation.round_open", target=created, org_path=unit.path)
    return created


def _member_errors(member: Member | None, branch: OrgUnit) -> str | None:
    if member is None:
        return _("Give the employee number of a member of the branch.")
    if member.branch_id != branch.pk or not MemberStatus(member.status).is_active:
        return _("The person must be an active member of the nominating branch.")
    if member.stage != MemberStage.FULL:
        return _("Only full members are nominated for these honours.")
    return None


@transaction.atomic
def nomination_create(
    *,
    actor: Any,
    commendation_round: CommendationRound,
    branch: OrgUnit,
    kind: str,
    member: Member | None,
    reason: str,
) -> Nomination:
    """A branch's nomination. For 先进基层党组织 the nominee is the branch itself; for the
    two honours of members, a full member of the branch. The caller checks
    `policy.can_nominate_for`. Nominations close when the round goes into public notice."""
    commendation_round = locked(commendation_round)
    if not commendation_round.accepts_nominations:
        raise ValidationError(_("Nominations are closed: the round is already in public notice."))
    if kind not in Nomination.Kind.values:
        raise ValidationError({"kind": _("Choose an honour.")})
    reason = reason.strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = _("Say why: the deeds and results behind the nomination.")
    elif len(reason) > REASON_MAX:
        errors["reason"] = _("Keep the reason to 2,000 characters.")
    if kind == Nomination.Kind.ADVANCED_ORGANISATION:
        member = None
    elif (problem := _member_errors(member, branch)) is not None:
        errors["member"] = problem
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(
                round=commendation_round,
                kind=kind,
                branch=branch,
                member=member,
                reason=reason,
                nominated_by=actor,
                nominated_at=timezone.now(),
            )
    except IntegrityError:
        raise ValidationError(_("This nomination has already been made in this round.")) from None
    audit_record(
        actor=actor,
        action="commendation.nominate",
        target=commendation_round,
        org_path=branch.path,
        extra={"nomination": nomination.pk, "kind": kind},
    )
    return nomination


def nominee_name(nomination: Nomination) -> str:
    if nomination.member is not None:
        return nomination.member.user.name
    return nomination.branch.name


def notice_text(nominations: list[Nomination]) -> str:
    """The public text: each chosen nominee with their honour, branch and reason."""
    lines = [_("Proposed for commendation:")]
    for nomination in nominations:
        values = {
            "honour": nomination.get_kind_display(),
            "name": nominee_name(nomination),
            "branch": nomination.branch.name,
            "reason": nomination.reason,
        }
        if nomination.member is None:  # an organisation: its name says where it is
            lines.append(_("%(honour)s: %(name)s. %(reason)s") % values)
        else:
            lines.append(_("%(honour)s: %(name)s (%(branch)s). %(reason)s") % values)
    return "\n\n".join(lines)


@transaction.atomic
def round_publish(
    *,
    actor: Any,
    commendation_round: CommendationRound,
    chosen: Collection[int],
    working_days: int | None = None,
    published_on: datetime.date | None = None,
) -> CommendationRound:
    """Put the chosen nominations into one public notice of the round; the others are
    not taken further. The caller checks `policy.can_run`. Once only: a second attempt
    is refused and changes nothing."""
    commendation_round = locked(commendation_round, related=("unit",))
    if not commendation_round.accepts_nominations:
        raise ValidationError(_("The round is already in public notice."))
    nominations = selectors.round_nominations(commendation_round)
    picked = [n for n in nominations if n.pk in set(chosen)]
    if not picked:
        raise ValidationError(
            {"chosen": _("Choose at least one nomination to put into public notice.")}
        )
    with translation.override(settings.LANGUAGE_CODE):  # a public text: the site's language
        title = _("Public notice of the proposed commendations: %(round)s") % {
            "round": commendation_round.title
        }
        text = notice_text(picked)
    try:
        notice = notice_publish(
            actor=actor,
            unit=commendation_round.unit,
            title=title,
            text=text,
            subject_kind=selectors.NOTICE_KIND,
            subject_id=commendation_round.pk,
            subject_label=commendation_round.title,
            working_days=working_days,
            published_on=published_on,
        )
    except ValidationError as error:
        # The title and text are built here, not typed: too long is the choice's doing.
        if hasattr(error, "error_dict") and {"title", "text"} & set(error.error_dict):
            raise ValidationError(
                {"chosen": _("The notice would be too long: choose fewer nominations.")}
            ) from error
        raise
    picked_ids = [n.pk for n in picked]
    commendation_round.nominations.filter(pk__in=picked_ids).update(
        status=Nomination.Status.IN_NOTICE
    )
    commendation_round.nominations.exclude(pk__in=picked_ids).update(
        status=Nomination.Status.NOT_CHOSEN
    )
    commendation_round.notice_id = notice.pk
    commendation_round.save(update_fields=["notice_id"])
    audit_record(
        actor=actor,
        action="commendation.publish",
        target=commendation_round,
        org_path=commendation_round.unit.path,
        extra={"notice": notice.pk, "nominations": picked_ids},
    )
    return commendation_round


@transaction.atomic
def nomination_decide(
    *,
    actor: Any,
    nomination: Nomination,
    commended: bool,
    note: str = "",
    today: datetime.date | None = None,
) -> Nomination:
    """The committee's decision on a nomination in public notice, taken only once the
    notice is over and every objection to it has been answered. The caller checks
    `policy.can_run`."""
    today = today or timezone.localdate()
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _("Keep the note to 1,000 characters.")})
    nomination = locked(nomination, related=("round__unit",))
    if nomination.status != Nomination.Status.IN_NOTICE:
        raise ValidationError(
            _("This nomination has already been decided or was not in public notice.")
        )
    state = selectors.round_notice_state(nomination.round, today=today)
    if state is None or not state.is_closed:
        last = state.ends_on.isoformat() if state else "—"
        raise ValidationError(
            _("The public notice runs until %(last)s: decide after it has closed.") % {"last": last}
        )
    if state.unanswered:
        raise ValidationError(
            _("%(count)s objection(s) to the notice are not answered yet: answer them first.")
            % {"count": state.unanswered}
        )
    nomination.status = (
        Nomination.Status.COMMENDED if commended else Nomination.Status.NOT_COMMENDED
    )
    nomination.decision_note = note
    nomination.decided_by = actor
    nomination.decided_on = today
    nomination.save(update_fields=["status", "decision_note", "decided_by", "decided_on"])
    audit_record(
        actor=actor,
        action="commendation.decide",
        target=nomination.round,
        org_path=nomination.round.unit.path,
        extra={"nomination": nomination.pk, "commended": commended},
    )
    return nomination
