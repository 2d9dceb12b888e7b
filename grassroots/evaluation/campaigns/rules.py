"""Pure rules of a multi-party campaign: who falls in which evaluator group, what an
answer is worth, how comments are grouped by their words. Scoring across groups is
`grassroots.evaluation.rules` (group results, weights renormalised, low scores)."""

from __future__ import annotations

import datetime
import re
import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.evaluation import rules as evaluation_rules

EMPLOYEES, FULL_MEMBERS, PROBATIONARY, ACTIVISTS = (
    "employees",
    "full_members",
    "probationary",
    "activists",
)
GROUPS = (EMPLOYEES, FULL_MEMBERS, PROBATIONARY, ACTIVISTS)
# A member's stage decides their group; everyone else working in a covered department
# answers as an employee. Applicants and candidates answer as employees too.
STAGE_GROUPS = {"full": FULL_MEMBERS, "probationary": PROBATIONARY, "activist": ACTIVISTS}

FIVE, SATISFACTION = "five", "satisfaction"
SATISFACTION_CHOICES = (
    (3, gettext_lazy("满意")),
    (2, gettext_lazy("基本满意")),
    (1, gettext_lazy("不满意")),
)
FIVE_CHOICES = tuple((value, str(value)) for value in range(5, 0, -1))
MAX_REMINDERS = 2  # opening, and the day before close
# Receipt codes: 10 characters from an alphabet without look-alikes (0/O, 1/I/L).
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECEIPT_LENGTH = 10


def group_of(stage: str | None) -> str:
    return STAGE_GROUPS.get(stage or "", EMPLOYEES)


def roll(
    employee_ids: Iterable[int],
    member_stages: Mapping[int, str],
    *,
    leave_out: Iterable[int] = (),
    asked: Iterable[str] = GROUPS,
    others_as_employees: bool = False,
) -> dict[int, str]:
    """user id → group: the members of the covered branches by their stage, every other
    employee of the covered departments as an employee; each person once. Those in
    `leave_out` (the named members being evaluated) are not on the roll, nor is anyone
    whose group is not `asked` (a group weighted 0: an answer that counts for nothing
    is not asked for). With `others_as_employees`, everyone but the full members
    answers as an employee (a democratic appraisal's employees' opinions: the full
    members have their say in the mutual suggestions, everyone else is the people
    they serve)."""
    excluded = set(leave_out)
    people: dict[int, str] = {}
    for user_id in employee_ids:
        people[user_id] = EMPLOYEES
    for user_id, stage in member_stages.items():
        group = STAGE_GROUPS.get(stage)
        if others_as_employees and group != FULL_MEMBERS:
            group = EMPLOYEES
        if group is not None:
            people[user_id] = group
        else:
            people.setdefault(user_id, EMPLOYEES)
    wanted = set(asked)
    return {
        user_id: group
        for user_id, group in people.items()
        if user_id not in excluded and group in wanted
    }


def empty_groups(counts: Mapping[str, int], weights: Mapping[str, Decimal]) -> list[str]:
    """The weighted groups with nobody on the roll (a campaign cannot open with one)."""
    return [
        group for group in GROUPS if weights.get(group, Decimal(0)) > 0 and not counts.get(group)
    ]


def parse_weights(raw: Mapping[str, object]) -> dict[str, Decimal]:
    """Weights as entered: each a number from 0 to 1, at least one above 0. ValueError
    with the message to show."""
    weights: dict[str, Decimal] = {}
    for group in GROUPS:
        try:
            weight = Decimal(str(raw.get(group, "0")).strip() or "0")
        except InvalidOperation:
            raise ValueError(_("Each weight is a number between 0 and 1.")) from None
        if not weight.is_finite() or not Decimal(0) <= weight <= Decimal(1):
            raise ValueError(_("Each weight is a number between 0 and 1."))
        weights[group] = weight
    if not any(weights.values()):
        raise ValueError(_("At least one group needs a weight above 0."))
    return weights


def default_weights() -> dict[str, str]:
    return {group: str(weight) for group, weight in evaluation_rules.DEFAULT_GROUP_WEIGHTS.items()}


def allowed_scores(scale: str) -> tuple[int, ...]:
    return (3, 2, 1) if scale == SATISFACTION else (5, 4, 3, 2, 1)


COMMENT_MAX = 1000  # characters, after the spaces around it are taken off


def comment_as_typed(value: str) -> str:
    """A posted comment as the voter typed it: each line break one LF (a browser sends
    CRLF but counts one character against the textarea's maxlength, as COMMENT_MAX is
    counted here), the spaces around it dropped."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


# Ids as the page writes them (no leading zero): "s011_i21" is no name of "s11_i21".
_ANSWER_FIELD = re.compile(r"s([1-9][0-9]*)_i([1-9][0-9]*)")
_COMMENT_FIELD = re.compile(r"c([1-9][0-9]*)")


@dataclass(frozen=True)
class ParsedBallot:
    """A posted ballot read against its questionnaire. `problem` is None for a whole,
    valid ballot; otherwise what was wrong, as the voter reads it, and `marked` the
    fields to mark (unanswered, answered out of range, comments too long)."""

    answers: dict[tuple[int, int], int]
    remarks: dict[int, str]
    problem: str | None = None
    marked: frozenset[str] = frozenset()


def parse_ballot(
    fields: Mapping[str, Sequence[str]],
    *,
    subject_ids: Sequence[int],
    item_ids: Sequence[int],
    scale: str,
) -> ParsedBallot:
    """A ballot as posted (each field name with every value sent for it, as
    `QueryDict.lists()` gives them; a str where that list should be is a TypeError,
    never read as its characters): one answer `s<subject>_i<item>` per question per
    subject, from the scale's values as the radio buttons send them, and an optional
    comment `c<subject>` per subject (`comment_as_typed`: a line break one character,
    spaces around it dropped; at most COMMENT_MAX characters; kept as text, escaped
    wherever it is shown). Refused whole: a field sent twice, a question or subject not
    on the questionnaire, an answer missing or out of range, a comment too long or
    holding a NUL (over HTTP the NUL middleware answers before the view: this is for
    any other caller). Other fields (the CSRF token) are not
    the ballot's. What the vote form checked field by field, without building 30 fields
    for every ballot."""
    allowed = {str(value): value for value in allowed_scores(scale)}
    subjects, items = set(subject_ids), set(item_ids)
    answers: dict[tuple[int, int], int] = {}
    remarks: dict[int, str] = {}
    marked: set[str] = set()
    problem: str | None = None
    for name, values in fields.items():
        answer = _ANSWER_FIELD.fullmatch(name)
        comment = None if answer else _COMMENT_FIELD.fullmatch(name)
        if answer is None and comment is None:
            continue
        if isinstance(values, str):
            # A QueryDict's own mapping (its last value, a str): a field sent twice
            # would go unseen. The caller passes `dict(request.POST.lists())`.
            raise TypeError(f"{name}: every value sent for it, as a list, not a str")
        if len(values) != 1:
            return ParsedBallot(
                {},
                {},
                _("Each question takes a single answer: open the page again and send it once."),
            )
        value = values[0]
        if answer is not None:
            key = (int(answer[1]), int(answer[2]))
            if key[0] not in subjects or key[1] not in items:
                return ParsedBallot({}, {}, _unknown_question())
            if value in allowed:
                answers[key] = allowed[value]
            else:
                marked.add(name)
        elif comment is not None:
            subject = int(comment[1])
            if subject not in subjects:
                return ParsedBallot({}, {}, _unknown_question())
            text = comment_as_typed(value)
            if "\x00" in text:
                return ParsedBallot({}, {}, _("A comment cannot hold a null character."))
            if len(text) > COMMENT_MAX:
                marked.add(name)
                problem = _("Keep each comment to 1,000 characters.")
            elif text:
                remarks[subject] = text
    missing = {
        f"s{subject}_i{item}"
        for subject in subject_ids
        for item in item_ids
        if (subject, item) not in answers
    }
    if missing:
        marked |= missing
        problem = _("Answer every question: the ones missing are marked.")
    if problem is not None:
        return ParsedBallot(answers, remarks, problem, frozenset(marked))
    return ParsedBallot(answers, remarks)


def _unknown_question() -> str:
    return _("This ballot answers a question that is not on the campaign: open the page again.")


def maximum(scale: str) -> int:
    return 3 if scale == SATISFACTION else 5


def receipt_code() -> str:
    """A fresh random receipt code, e.g. "7KQ4-MZ2PRX" as shown (stored without the dash)."""
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))


def normal_receipt(raw: str) -> str:
    """A receipt code as typed: case, spaces and dashes do not matter."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def shown_receipt(code: str) -> str:
    return f"{code[:4]}-{code[4:]}" if len(code) > 4 else code


def can_vote_on(day: datetime.date, opens_on: datetime.date, closes_on: datetime.date) -> bool:
    return opens_on <= day <= closes_on


def mean(scores: Sequence[Decimal]) -> Decimal | None:
    if not scores:
        return None
    return (sum(scores, Decimal(0)) / len(scores)).quantize(evaluation_rules.TWO_PLACES)


@dataclass(frozen=True)
class KeywordGroup:
    keyword: str
    comments: tuple[tuple[str, int], ...]  # (text, how many wrote it), most written first

    @property
    def total(self) -> int:
        return sum(count for _text, count in self.comments)


def _tally(texts: Sequence[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(Counter(texts).items(), key=lambda pair: (-pair[1], pair[0])))


def group_comments(
    comments: Sequence[str],
    tokenize: Callable[[str], Sequence[str]],
    *,
    top: int = 8,
) -> tuple[list[KeywordGroup], tuple[tuple[str, int], ...]]:
    """Comments grouped under the words most of them share: the most frequent keyword
    (counted once per comment, single characters apart; ties in the words' order) that
    a comment contains takes it.
    A word shared by fewer than two comments makes no group; those comments are
    returned apart, as "other comments". The same text written by several people is
    listed once, with how many wrote it."""
    tokens = [{word for word in tokenize(text) if len(word) > 1} for text in comments]
    frequency: Counter[str] = Counter()
    for words in tokens:
        frequency.update(words)
    ranked = sorted(frequency.items(), key=lambda pair: (-pair[1], pair[0]))
    keywords = [word for word, count in ranked if count >= 2][:top]
    grouped: dict[str, list[str]] = {keyword: [] for keyword in keywords}
    others: list[str] = []
    for text, words in zip(comments, tokens, strict=True):
        keyword = next((word for word in keywords if word in words), None)
        if keyword is None:
            others.append(text)
        else:
            grouped[keyword].append(text)
    groups = [KeywordGroup(word, _tally(texts)) for word, texts in grouped.items() if texts]
    return groups, _tally(others)


def group_result_from_sums(
    group: str, ballots: int, total: int, marks: int
) -> evaluation_rules.GroupResult:
    """A group's result from sums read in the database: `ballots` ballots holding `marks`
    answers worth `total`. Every ballot answers every question (a ballot is refused
    whole otherwise), so each ballot's mean weighs the same and the mean of the ballots'
    means is the answers' mean, `total / marks`: each of the ballots counts as that."""
    mean = Decimal(total) / marks if marks else Decimal(0)
    return evaluation_rules.group_result(group, [mean] * ballots)
