"""Writes of multi-party campaigns: prepare, open (freeze the roll), vote, paper
ballots, close (rewrite the box), rectification plans.

How the ballot box stays secret — what links a ballot to a voter, and why nothing does:
- The roll (`Elector`) records who voted and the day only. The box (`Ballot`, `Mark`,
  `Remark`) has no person, no date or time, and random primary keys, so neither a
  column nor a key order tells who or when. Nothing about a vote goes to the audit log
  or the notices (the audit log records opening, closing and the paper batch, as counts).
- What a key cannot hide, the storage can: SQLite hands out rowids in insertion order
  (even for tables with a text primary key) and PostgreSQL keeps new rows in physical
  order and stamps each with its transaction id (`xmin`), the same one as the roll's
  update. So when a campaign closes, `campaign_close` reads the whole box, deletes it
  and writes it back in a random order, with fresh random keys, in one transaction:
  every ballot then has the same transaction id and a rowid/physical position drawn at
  random. The roll's rows of voters are rewritten the same way (updated one by one in a
  random order), so its physical order no longer follows the order of voting either.
  On PostgreSQL the dead versions are then vacuumed away (when not inside an outer
  transaction), so they cannot be read from the pages; on SQLite the rewrite runs with
  `secure_delete` on, so the deleted rows are zeroed in the file (old page images may
  stay in the write-ahead log until its next checkpoint). Results are shown only after
  close, so nobody reads the box while it still carries its order.
- While a campaign is open, only someone reading the database files directly could see
  that order; no page, export or log of the product shows it.
- Paper ballots: officers mark people "voted on paper" on the roll, and the paper
  ballots are entered afterwards as one batch whose counts per group must equal those
  marks, so no paper ballot points to a person either. A paper ballot carries no mark
  of being one (the campaign keeps only their count): with a single paper voter in a
  group, such a mark joined with the roll's would name them.
- The receipt code is shown once, in the answer to the vote (never stored with the
  person, nor in their session), so only the voter can tie it to themselves.
- On PostgreSQL the vote is one statement naming the voter's row of the roll beside the
  answers; its values are sent apart from its text (`_values_apart`), so the server's
  activity view and its log of a failed statement show placeholders, not the two together.
"""

from __future__ import annotations

import datetime
import random
import secrets
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.selectors import active_user_ids_in_departments, users_by_ids
from grassroots.core import notices, workcalendar
from grassroots.core.audit import audit_record
from grassroots.core.locking import locked
from grassroots.core.tree import is_within
from grassroots.evaluation.campaigns import rules
from grassroots.evaluation.campaigns.models import (
    Ballot,
    Campaign,
    CampaignItem,
    CampaignSubject,
    Elector,
    Mark,
    Rectification,
    Remark,
    random_key,
)
from grassroots.orgs.selectors import active_member_stages, covered_department_paths

REMINDER = notices.define_kind(
    "evaluation.campaign_reminder", _("Evaluation campaigns: a reminder to give your opinion")
)
MAX_ITEMS = 30
MAX_SUBJECTS = 200


def _workday_error(day: datetime.date) -> str | None:
    if not workcalendar.is_workday(day):
        return _("%(day)s is not a working day.") % {"day": day.isoformat()}
    return None


@dataclass(frozen=True)
class Draft:
    """What an officer enters to prepare a campaign."""

    title: str
    subject_kind: str
    scale: str
    opens_on: datetime.date
    closes_on: datetime.date
    period_first: datetime.date
    period_last: datetime.date
    items: Sequence[str]
    weights: Mapping[str, Decimal]
    category_ids: Sequence[int] = ()
    others_as_employees: bool = False


def _check(draft: Draft) -> None:
    errors: dict[str, list[str]] = {}
    if (problem := _workday_error(draft.opens_on)) is not None:
        errors.setdefault("opens_on", []).append(problem)
    if (problem := _workday_error(draft.closes_on)) is not None:
        errors.setdefault("closes_on", []).append(problem)
    if draft.closes_on < draft.opens_on:
        errors.setdefault("closes_on", []).append(_("A campaign closes on or after it opens."))
    if draft.period_last < draft.period_first:
        errors.setdefault("period_last", []).append(_("The period ends on or after it starts."))
    if not draft.items:
        errors.setdefault("items", []).append(_("Ask at least one question."))
    if len(draft.items) > MAX_ITEMS:
        errors.setdefault("items", []).append(
            _("Ask at most %(count)s questions.") % {"count": MAX_ITEMS}
        )
    if any(len(item) > 200 for item in draft.items):
        errors.setdefault("items", []).append(_("Keep each question to 200 characters."))
    if not any(weight > 0 for weight in draft.weights.values()):
        errors.setdefault("weights", []).append(_("At least one group needs a weight above 0."))
    if errors:
        raise ValidationError(errors)


def _subjects(
    campaign: Campaign, *, units: Sequence[Any], members: Sequence[Any]
) -> list[CampaignSubject]:
    if campaign.subject_kind == Campaign.SubjectKind.BRANCHES:
        return [CampaignSubject(campaign=campaign, unit=unit, name=unit.name) for unit in units]
    return [
        CampaignSubject(
            campaign=campaign,
            unit=member.branch,
            member=member,
            name=f"{member.user.name}（{member.branch.name}）",
        )
        for member in members
    ]


def _write_parts(
    campaign: Campaign, draft: Draft, *, units: Sequence[Any], members: Sequence[Any]
) -> None:
    subjects = _subjects(campaign, units=units, members=members)
    if not subjects:
        raise ValidationError({"subjects": _("Choose at least one branch or member to evaluate.")})
    if len(subjects) > MAX_SUBJECTS:
        raise ValidationError(
            {"subjects": _("Evaluate at most %(count)s at once.") % {"count": MAX_SUBJECTS}}
        )
    for subject in subjects:
        if not is_within(subject.unit.path, campaign.organiser.path):
            raise ValidationError(
                {"subjects": _("Only organisations under the organiser can be evaluated.")}
            )
    CampaignSubject.objects.bulk_create(subjects)
    CampaignItem.objects.bulk_create(
        [
            CampaignItem(campaign=campaign, position=position, text=text)
            for position, text in enumerate(draft.items)
        ]
    )
    campaign.categories.set(draft.category_ids)


@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    organiser: Any,
    draft: Draft,
    units: Sequence[Any] = (),
    members: Sequence[Any] = (),
) -> Campaign:
    _check(draft)
    campaign = Campaign.objects.create(
        organiser=organiser,
        title=draft.title,
        subject_kind=draft.subject_kind,
        scale=draft.scale,
        opens_on=draft.opens_on,
        closes_on=draft.closes_on,
        period_first=draft.period_first,
        period_last=draft.period_last,
        weights={group: str(weight) for group, weight in draft.weights.items()},
        others_as_employees=draft.others_as_employees,
        created_by=actor,
    )
    _write_parts(campaign, draft, units=units, members=members)
    audit_record(
        actor=actor, action="evaluation.campaign_create", target=campaign, org_path=organiser.path
    )
    return campaign


@transaction.atomic
def campaign_update(
    *,
    actor: Any,
    campaign: Campaign,
    draft: Draft,
    units: Sequence[Any] = (),
    members: Sequence[Any] = (),
) -> Campaign:
    """A campaign being prepared, changed as a whole (questions and subjects anew)."""
    campaign = locked(campaign)
    if campaign.status != Campaign.Status.DRAFT:
        raise ValidationError(
            _("This campaign is open: its questions and weights stay as they are.")
        )
    _check(draft)
    for name in ("title", "scale", "opens_on", "closes_on", "period_first", "period_last"):
        setattr(campaign, name, getattr(draft, name))
    campaign.weights = {group: str(weight) for group, weight in draft.weights.items()}
    campaign.save()
    campaign.subjects.all().delete()
    campaign.items.all().delete()
    _write_parts(campaign, draft, units=units, members=members)
    audit_record(
        actor=actor,
        action="evaluation.campaign_update",
        target=campaign,
        org_path=campaign.organiser.path,
    )
    return campaign


def weights_of(campaign: Campaign) -> dict[str, Decimal]:
    return {group: Decimal(campaign.weights.get(group, "0")) for group in rules.GROUPS}


def compute_roll(campaign: Campaign) -> dict[int, str]:
    """user id → group, from the records as they are now (see `rules.roll`); the groups
    weighted 0 are left out, as the campaign's form says."""
    subjects = list(campaign.subjects.all())
    branch_ids = {subject.unit_id for subject in subjects}
    employees = active_user_ids_in_departments(covered_department_paths(branch_ids))
    stages = active_member_stages(branch_ids)
    named = [subject.member.user_id for subject in subjects if subject.member_id and subject.member]
    asked = [group for group, weight in weights_of(campaign).items() if weight > 0]
    return rules.roll(
        employees,
        stages,
        leave_out=named,
        asked=asked,
        others_as_employees=campaign.others_as_employees,
    )


@transaction.atomic
def campaign_open(*, actor: Any, campaign: Campaign, today: datetime.date) -> int:
    """Freeze the roll and open the campaign. Refused, changing nothing, when a weighted
    group would have nobody on its roll. Returns the number of people on the roll."""
    campaign = locked(campaign)
    if campaign.status != Campaign.Status.DRAFT:
        raise ValidationError(_("This campaign is already open."))
    if campaign.closes_on < today:
        raise ValidationError(_("The closing day has passed: change the dates first."))
    people = compute_roll(campaign)
    counts = Counter(people.values())
    empty = rules.empty_groups(counts, weights_of(campaign))
    if empty:
        labels = ", ".join(str(Elector.Group(group).label) for group in empty)
        raise ValidationError(
            _(
                "Nobody is on the roll of: %(groups)s. Give that group a weight of 0, or "
                "evaluate organisations that have such people."
            )
            % {"groups": labels}
        )
    Elector.objects.bulk_create(
        [
            Elector(campaign=campaign, user_id=user_id, group=group)
            for user_id, group in sorted(people.items())
        ],
        batch_size=2000,
    )
    campaign.status = Campaign.Status.OPEN
    campaign.opened_at = timezone.now()
    campaign.save(update_fields=["status", "opened_at"])
    audit_record(
        actor=actor,
        action="evaluation.campaign_open",
        target=campaign,
        org_path=campaign.organiser.path,
        extra={"roll": dict(sorted(counts.items()))},
    )
    return len(people)


def _clean_answers(
    campaign: Campaign,
    answers: Mapping[tuple[int, int], int],
    remarks: Mapping[int, str],
    questionnaire: tuple[Sequence[int], Sequence[int]] | None = None,
) -> tuple[list[tuple[int, int, int]], list[tuple[int, str]]]:
    if questionnaire is None:
        questionnaire = (
            list(campaign.subjects.values_list("pk", flat=True)),
            list(campaign.items.values_list("pk", flat=True)),
        )
    subject_ids, item_ids = questionnaire
    allowed = rules.allowed_scores(campaign.scale)
    marks = []
    for subject_id in subject_ids:
        for item_id in item_ids:
            score = answers.get((subject_id, item_id))
            if score not in allowed:
                raise ValidationError(_("Answer every question for everyone evaluated."))
            marks.append((subject_id, item_id, int(score)))
    comments = []
    for subject_id, text in remarks.items():
        text = (text or "").strip()
        if subject_id not in subject_ids:
            raise ValidationError(_("Answer every question for everyone evaluated."))
        if len(text) > 1000:
            raise ValidationError(_("Keep each comment to 1,000 characters."))
        if text:
            comments.append((subject_id, text))
    return marks, comments


def _box(
    campaign: Campaign,
    group: str,
    marks: Sequence[tuple[int, int, int]],
    comments: Iterable[tuple[int, str]],
) -> str:
    """Put a ballot and its answers in the box through the ORM, each row under a random
    key; its receipt code. Two ballots drawing the same code (31^10 codes) would fail
    the unique index and roll the whole vote back, nothing saved. (PostgreSQL casts in
    one statement instead: `_cast_in_one_statement`.)"""
    receipt = rules.receipt_code()
    ballot = Ballot.objects.create(campaign=campaign, group=group, receipt=receipt)
    Mark.objects.bulk_create(
        [
            Mark(ballot=ballot, subject_id=subject_id, item_id=item_id, score=score)
            for subject_id, item_id, score in marks
        ]
    )
    Remark.objects.bulk_create(
        [Remark(ballot=ballot, subject_id=subject_id, text=text) for subject_id, text in comments]
    )
    return receipt


def _cast_in_one_statement(
    campaign_pk: int,
    elector_pk: int,
    today: datetime.date,
    marks: Sequence[tuple[int, int, int]],
    comments: Sequence[tuple[int, str]],
) -> str | None:
    """On PostgreSQL, the whole vote as one statement (atomic by itself): the campaign's
    row read under the share lock a close conflicts with, and only while voting is open
    today; the roll's row claimed (not voted, not on paper); the ballot, its answers and
    its comments written only when both held, the ballot's group taken from the claimed
    row. Its receipt code, or None when nothing was written (closed, not open yet,
    already voted, on paper): the caller then learns why the long way. One round trip
    instead of six (the transaction, the lock, the claim, the box): the ORM's statements
    cost a ballot more CPU than everything else it does."""
    receipt = rules.receipt_code()
    key = random_key()
    with _values_apart() as cursor:
        cursor.execute(
            _CAST,
            {
                "campaign": campaign_pk,
                "open": Campaign.Status.OPEN.value,
                "today": today,
                "elector": elector_pk,
                "key": key,
                "receipt": receipt,
                "mark_keys": [random_key() for _mark in marks],
                "mark_subjects": [subject_id for subject_id, _item, _score in marks],
                "mark_items": [item_id for _subject, item_id, _score in marks],
                "mark_scores": [score for _subject, _item, score in marks],
                "remark_keys": [random_key() for _comment in comments],
                "remark_subjects": [subject_id for subject_id, _text in comments],
                "remark_texts": [text for _subject, text in comments],
            },
        )
        claimed = cursor.fetchone()
    return receipt if claimed is not None else None


def _values_apart() -> Any:
    """A cursor that sends a statement's values apart from its text (PostgreSQL's
    extended protocol) instead of writing them into it, as Django's cursors do. The
    vote's statement names the voter's row of the roll and carries their answers and
    comments: what the server shows of it while it waits (`pg_stat_activity`) and logs
    of it when it fails (`log_min_error_statement`, on for errors by default) is then
    its text with $1, $2 …, never a person beside their ballot. Wrapped as Django wraps
    its own (errors, the query log of tests and DEBUG)."""
    import psycopg  # PostgreSQL only

    connection.ensure_connection()
    cursor: Any = psycopg.Cursor(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)
    return connection.make_cursor(cursor)


# The vote in one statement. The inserts in WITH run to completion whether or not the main
# statement reads them, and the foreign keys are checked at the statement's end, when
# every row is written. Under READ COMMITTED a ballot arriving while a close holds the
# campaign's row waits for it, then reads the row as the close left it (closed: nothing
# claimed, nothing written); of two attempts for one person the second waits for the
# first's claim and then finds the row voted.
_CAST = f"""
    WITH campaign AS (
        SELECT "id" FROM "{Campaign._meta.db_table}"
        WHERE "id" = %(campaign)s AND "status" = %(open)s
            AND "opens_on" <= %(today)s AND "closes_on" >= %(today)s
        FOR SHARE
    ), claim AS (
        UPDATE "{Elector._meta.db_table}" SET "voted_on" = %(today)s
        WHERE "id" = %(elector)s AND "campaign_id" = (SELECT "id" FROM campaign)
            AND "voted_on" IS NULL AND NOT "on_paper"
        RETURNING "group"
    ), ballot AS (
        INSERT INTO "{Ballot._meta.db_table}" ("id", "campaign_id", "group", "receipt")
        SELECT %(key)s, %(campaign)s, "group", %(receipt)s FROM claim
        RETURNING "id"
    ), marks AS (
        INSERT INTO "{Mark._meta.db_table}" ("id", "ballot_id", "subject_id", "item_id", "score")
        SELECT answer."key", ballot."id", answer."subject", answer."item", answer."score"
        FROM ballot, unnest(
            %(mark_keys)s::text[], %(mark_subjects)s::bigint[],
            %(mark_items)s::bigint[], %(mark_scores)s::integer[]
        ) AS answer("key", "subject", "item", "score")
    ), remarks AS (
        INSERT INTO "{Remark._meta.db_table}" ("id", "ballot_id", "subject_id", "text")
        SELECT comment."key", ballot."id", comment."subject", comment."text"
        FROM ballot, unnest(
            %(remark_keys)s::text[], %(remark_subjects)s::bigint[], %(remark_texts)s::text[]
        ) AS comment("key", "subject", "text")
    )
    SELECT "id" FROM ballot
"""  # noqa: S608  (our own tables)


def voting_error(campaign: Campaign, today: datetime.date) -> str | None:
    if campaign.status == Campaign.Status.DRAFT or today < campaign.opens_on:
        return _("Voting has not opened yet: it opens on %(day)s.") % {
            "day": campaign.opens_on.isoformat()
        }
    if campaign.status == Campaign.Status.CLOSED or today > campaign.closes_on:
        return _("Voting closed on %(day)s: no more ballots are taken.") % {
            "day": campaign.closes_on.isoformat()
        }
    return None


def _read_for_ballot(campaign: Campaign) -> Campaign:
    """The campaign's row as it is now, locked until the ballot commits. On PostgreSQL a
    share lock (`FOR SHARE`): `campaign_close`'s `FOR UPDATE` waits for every ballot
    being cast, yet voters do not wait for one another (a ballot of 200 subjects writes
    thousands of marks; an exclusive lock would queue every voter behind it). SQLite
    has one writer at a time anyway, and `locked` reads the row afresh there."""
    if connection.vendor != "postgresql":
        return locked(campaign)
    table = Campaign._meta.db_table
    return Campaign.objects.raw(
        f'SELECT * FROM "{table}" WHERE "id" = %s FOR SHARE',  # noqa: S608  (our own table)
        [campaign.pk],
    )[0]


def ballot_cast(
    *,
    user: Any,
    campaign: Campaign,
    answers: Mapping[tuple[int, int], int],
    remarks: Mapping[int, str],
    today: datetime.date,
    elector: Elector | None = None,
    questionnaire: tuple[Sequence[int], Sequence[int]] | None = None,
) -> str:
    """Put one person's ballot in the box and return its receipt code. (`elector`, the
    person's row of the roll, and `questionnaire`, the subject and question ids, save
    reading them again when the caller has just read them.) One ballot per
    person, final: the roll's row is claimed by a conditional update, which only one
    of two simultaneous attempts can win (the other waits for the row and then finds it
    claimed, or fails and is rolled back as a whole). The campaign is read again under a
    lock its close conflicts with, so a ballot either commits before the close starts
    (and is rewritten with the box) or finds the campaign closed. On PostgreSQL, with
    the person's row at hand, all of it is one statement; when that writes nothing, or
    elsewhere, the same steps one by one, which also say why a ballot is refused."""
    if elector is not None and (elector.user_id, elector.campaign_id) != (user.pk, campaign.pk):
        elector = None  # not this person's row of this campaign: read theirs below
    if (
        connection.vendor == "postgresql"
        and elector is not None
        and voting_error(campaign, today) is None  # as the caller read it; again in SQL
    ):
        marks, comments = _clean_answers(campaign, answers, remarks, questionnaire)
        receipt = _cast_in_one_statement(campaign.pk, elector.pk, today, marks, comments)
        if receipt is not None:
            return receipt
    with transaction.atomic():
        campaign = _read_for_ballot(campaign)
        if (problem := voting_error(campaign, today)) is not None:
            raise ValidationError(problem)
        marks, comments = _clean_answers(campaign, answers, remarks, questionnaire)
        if elector is None:
            elector = Elector.objects.filter(campaign=campaign, user=user).only("group").first()
        if elector is None:
            raise ValidationError(_("You are not on this campaign's roll."))
        claimed = Elector.objects.filter(
            pk=elector.pk, voted_on__isnull=True, on_paper=False
        ).update(voted_on=today)
        if claimed != 1:
            raise ValidationError(_("You have already voted in this campaign: a ballot is final."))
        return _box(campaign, elector.group, marks, comments)


@transaction.atomic
def reminders_set(*, user: Any, campaign: Campaign, wanted: bool) -> None:
    Elector.objects.filter(campaign=campaign, user=user).update(reminders=wanted)


# --- Paper ballots ------------------------------------------------------------------------


def _paper_entered(campaign: Campaign) -> bool:
    return campaign.paper_ballots > 0


@transaction.atomic
def paper_mark(
    *, actor: Any, campaign: Campaign, user_ids: Sequence[int], today: datetime.date
) -> int:
    """Mark people on the roll as having voted on paper (they cannot vote on screen
    afterwards). Refused once the paper ballots are entered."""
    campaign = locked(campaign)
    if (problem := voting_error(campaign, today)) is not None:
        raise ValidationError(problem)
    if _paper_entered(campaign):
        raise ValidationError(_("The paper ballots are already entered: no more paper votes."))
    marked = Elector.objects.filter(
        campaign=campaign, user_id__in=list(user_ids), voted_on__isnull=True, on_paper=False
    ).update(on_paper=True, voted_on=today)
    audit_record(
        actor=actor,
        action="evaluation.campaign_paper_marks",
        target=campaign,
        org_path=campaign.organiser.path,
        extra={"marked": marked},
    )
    return marked


@dataclass(frozen=True)
class PaperBallot:
    group: str
    answers: Mapping[tuple[int, int], int]
    remarks: Mapping[int, str]


@transaction.atomic
def paper_enter(*, actor: Any, campaign: Campaign, ballots: Sequence[PaperBallot]) -> int:
    """Enter every paper ballot at once: as many per group as people marked "voted on
    paper" in that group, in an order of the officer's choosing (shuffled again here)."""
    campaign = locked(campaign)
    if campaign.status == Campaign.Status.DRAFT:
        raise ValidationError(_("This campaign is not open yet."))
    if campaign.status == Campaign.Status.CLOSED:
        raise ValidationError(
            _("The campaign is closed: paper ballots are entered before it closes.")
        )
    if _paper_entered(campaign):
        raise ValidationError(_("The paper ballots are already entered."))
    marked = Counter(
        Elector.objects.filter(campaign=campaign, on_paper=True).values_list("group", flat=True)
    )
    given = Counter(ballot.group for ballot in ballots)
    if not ballots or given != marked:
        expected = ", ".join(
            f"{Elector.Group(group).label} {marked.get(group, 0)}" for group in rules.GROUPS
        )
        entered = ", ".join(
            f"{Elector.Group(group).label} {given.get(group, 0)}" for group in rules.GROUPS
        )
        raise ValidationError(
            _(
                "The paper ballots must match the people marked as voting on paper: "
                "marked %(expected)s; entered %(entered)s."
            )
            % {"expected": expected, "entered": entered}
        )
    cleaned = [
        (ballot.group, *_clean_answers(campaign, ballot.answers, ballot.remarks))
        for ballot in ballots
    ]
    random.SystemRandom().shuffle(cleaned)
    for group, marks, comments in cleaned:
        _box(campaign, group, marks, comments)
    campaign.paper_ballots = len(ballots)
    campaign.save(update_fields=["paper_ballots"])
    audit_record(
        actor=actor,
        action="evaluation.campaign_paper_ballots",
        target=campaign,
        org_path=campaign.organiser.path,
        extra={"ballots": len(ballots)},
    )
    return len(ballots)


# --- Closing ------------------------------------------------------------------------------


def _rewrite_box(campaign: Campaign) -> None:
    """The box (and the voters' rows of the roll) written again in a random order, with
    fresh random keys: see the module's docstring."""
    shuffle = random.SystemRandom().shuffle
    if connection.vendor == "sqlite":
        # Deleted rows are overwritten with zeros, not left in free pages of the file.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")
    ballots = list(Ballot.objects.filter(campaign=campaign).values("group", "receipt", "id"))
    marks: dict[str, list[tuple[int, int, int]]] = {}
    for ballot_id, subject_id, item_id, score in Mark.objects.filter(
        ballot__campaign=campaign
    ).values_list("ballot_id", "subject_id", "item_id", "score"):
        marks.setdefault(ballot_id, []).append((subject_id, item_id, score))
    remarks: dict[str, list[tuple[int, str]]] = {}
    for ballot_id, subject_id, text in Remark.objects.filter(ballot__campaign=campaign).values_list(
        "ballot_id", "subject_id", "text"
    ):
        remarks.setdefault(ballot_id, []).append((subject_id, text))
    Ballot.objects.filter(campaign=campaign).delete()
    shuffle(ballots)
    fresh = [
        Ballot(
            id=secrets.token_hex(16),
            campaign=campaign,
            group=row["group"],
            receipt=row["receipt"],
        )
        for row in ballots
    ]
    Ballot.objects.bulk_create(fresh, batch_size=1000)
    new_marks = [
        Mark(id=secrets.token_hex(16), ballot=new, subject_id=s, item_id=i, score=score)
        for old, new in zip(ballots, fresh, strict=True)
        for s, i, score in marks.get(old["id"], [])
    ]
    shuffle(new_marks)
    Mark.objects.bulk_create(new_marks, batch_size=2000)
    new_remarks = [
        Remark(id=secrets.token_hex(16), ballot=new, subject_id=s, text=text)
        for old, new in zip(ballots, fresh, strict=True)
        for s, text in remarks.get(old["id"], [])
    ]
    shuffle(new_remarks)
    Remark.objects.bulk_create(new_remarks, batch_size=1000)
    voters = list(
        Elector.objects.filter(campaign=campaign, voted_on__isnull=False).values_list(
            "pk", "voted_on"
        )
    )
    shuffle(voters)
    for pk, voted_on in voters:
        Elector.objects.filter(pk=pk).update(voted_on=voted_on)


def _vacuum() -> None:
    """Dead row versions keep the old order on PostgreSQL's pages until vacuumed."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for model in (Ballot, Mark, Remark, Elector):
            cursor.execute(f'VACUUM "{model._meta.db_table}"')


def campaign_close(*, actor: Any, campaign: Campaign, today: datetime.date) -> bool:
    """Close an open campaign (on or after its closing day, or earlier by an officer's
    decision) and rewrite its box. False when it was not open."""
    with transaction.atomic():
        campaign = locked(campaign)
        if campaign.status != Campaign.Status.OPEN:
            return False
        _rewrite_box(campaign)
        campaign.status = Campaign.Status.CLOSED
        if campaign.closes_on > today:
            campaign.closes_on = today
        campaign.save(update_fields=["status", "closes_on"])
        audit_record(
            actor=actor,
            action="evaluation.campaign_close",
            target=campaign,
            org_path=campaign.organiser.path,
            extra={"ballots": Ballot.objects.filter(campaign=campaign).count()},
        )
    _vacuum()
    return True


# --- Reminders ----------------------------------------------------------------------------


def _day_before(day: datetime.date) -> datetime.date:
    before = day - datetime.timedelta(days=1)
    for _step in range(30):
        if workcalendar.is_workday(before):
            return before
        before -= datetime.timedelta(days=1)
    return day - datetime.timedelta(days=1)


def send_reminders(
    campaign: Campaign, *, today: datetime.date, now: datetime.datetime | None = None
) -> int:
    """At most two reminders to those on the roll who have not voted and have not
    switched reminders off: when it opens, and on the working day before it closes."""
    if (
        campaign.status != Campaign.Status.OPEN
        or not campaign.opens_on <= today <= campaign.closes_on
    ):
        return 0
    which = None
    if campaign.opening_reminded_on is None:
        which = "opening"
    elif (
        not campaign.closing_reminded
        and campaign.opening_reminded_on < today < campaign.closes_on
        and today >= _day_before(campaign.closes_on)
    ):
        which = "closing"
    if which is None:
        return 0
    user_ids = Elector.objects.filter(
        campaign=campaign, voted_on__isnull=True, reminders=True
    ).values_list("user_id", flat=True)
    recipients = list(users_by_ids(list(user_ids)))
    if which == "opening":
        title = _("“%(title)s” is open: your opinion is welcome until %(day)s") % {
            "title": campaign.title,
            "day": campaign.closes_on.isoformat(),
        }
        Campaign.objects.filter(pk=campaign.pk).update(opening_reminded_on=today)
    else:
        title = _("“%(title)s” closes on %(day)s") % {
            "title": campaign.title,
            "day": campaign.closes_on.isoformat(),
        }
        Campaign.objects.filter(pk=campaign.pk).update(closing_reminded=True)
    return notices.send(
        recipients=recipients,
        kind=REMINDER.key,
        title=title,
        body=_("Your ballot is secret. You can switch these reminders off on the voting page."),
        event_key=f"evaluation.campaign:{campaign.pk}:{which}",
        url=reverse("evaluation:campaign_vote", args=[campaign.pk]),
        now=now,
    )


# --- Rectification ------------------------------------------------------------------------


@transaction.atomic
def rectification_add(
    *,
    actor: Any,
    subject: CampaignSubject,
    action: str,
    owner: Any,
    due_on: datetime.date,
    item: CampaignItem | None = None,
    deed_id: int | None = None,
    appeal_id: int | None = None,
) -> Rectification:
    campaign = subject.campaign
    if campaign.status != Campaign.Status.CLOSED:
        raise ValidationError(_("A rectification plan follows the results: wait for the close."))
    if not action.strip():
        raise ValidationError({"action": _("Say what will be done.")})
    if item is not None and item.campaign_id != campaign.pk:
        raise ValidationError({"item": _("Choose a question of this campaign.")})
    plan = Rectification.objects.create(
        campaign=campaign,
        subject=subject,
        item=item,
        action=action.strip(),
        owner=owner,
        due_on=due_on,
        deed_id=deed_id,
        appeal_id=appeal_id,
    )
    audit_record(
        actor=actor, action="evaluation.rectification_add", target=plan, org_path=subject.unit.path
    )
    return plan


@transaction.atomic
def rectification_progress(
    *, actor: Any, plan: Rectification, status: str, progress: str
) -> Rectification:
    plan = locked(plan)
    if status not in Rectification.Status.values:
        raise ValidationError({"status": _("Choose how far it has come.")})
    before = {"status": plan.status, "progress": plan.progress}
    plan.status = status
    plan.progress = progress.strip()
    plan.save(update_fields=["status", "progress", "updated_at"])
    audit_record(
        actor=actor,
        action="evaluation.rectification_progress",
        target=plan,
        before=before,
        after={"status": plan.status, "progress": plan.progress},
    )
    return plan
