"""Forms of multi-party campaigns: they parse what people enter; the services judge it."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from grassroots.accounts.selectors import user_by_employee_number
from grassroots.core.forms import DateInput, StyledForm
from grassroots.evaluation.campaigns import rules
from grassroots.evaluation.campaigns.models import Campaign, CampaignItem, Elector, Rectification
from grassroots.orgs.selectors import party_members

_SEPARATORS = re.compile(r"[\s,，、;；]+")


class _NameChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class _NamesChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


def _weight_field(group: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=Elector.Group(group).label,
        min_value=Decimal(0),
        max_value=Decimal(1),
        max_digits=4,
        decimal_places=3,
        initial=rules.default_weights()[group],
    )


class CampaignForm(StyledForm):
    organiser = _NameChoice(label=_("Organised by"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=100)
    subject_kind = forms.ChoiceField(
        label=_("Who is evaluated"),
        choices=Campaign.SubjectKind.choices,
        widget=forms.RadioSelect,
        initial=Campaign.SubjectKind.BRANCHES,
    )
    branches = _NamesChoice(
        label=_("Branches evaluated"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For a campaign evaluating branches."),
    )
    members = forms.CharField(
        label=_("Members evaluated (employee numbers)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For 述职评议: the employee numbers of the members, e.g. branch secretaries."),
    )
    scale = forms.ChoiceField(
        label=_("Answers"), choices=Campaign.Scale.choices, initial=Campaign.Scale.FIVE
    )
    items = forms.CharField(
        label=_("Questions (one a line)"),
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    opens_on = forms.DateField(label=_("Opens on (a working day)"), widget=DateInput())
    closes_on = forms.DateField(label=_("Closes on (a working day)"), widget=DateInput())
    period_first = forms.DateField(label=_("Period evaluated from"), widget=DateInput())
    period_last = forms.DateField(label=_("Period evaluated to"), widget=DateInput())
    weight_employees = _weight_field(rules.EMPLOYEES)
    weight_full_members = _weight_field(rules.FULL_MEMBERS)
    weight_probationary = _weight_field(rules.PROBATIONARY)
    weight_activists = _weight_field(rules.ACTIVISTS)
    categories = _NamesChoice(
        label=_("Related appeal categories (for the low-score analysis)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, organisers: Any, branches: Any, categories: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisers  # type: ignore[attr-defined]
        self.fields["branches"].queryset = branches  # type: ignore[attr-defined]
        self.fields["categories"].queryset = categories  # type: ignore[attr-defined]

    def weight_fields(self) -> list[Any]:
        return [self[f"weight_{group}"] for group in rules.GROUPS]

    def clean_items(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["items"].splitlines()]
        return [line for line in lines if line]

    def clean_members(self) -> list[Any]:
        numbers = [n for n in _SEPARATORS.split(self.cleaned_data.get("members") or "") if n]
        found = list(
            party_members()
            .filter(user__employee_number__in=numbers)
            .select_related("user", "branch")
        )
        known = {member.user.employee_number for member in found}
        missing = [n for n in numbers if n not in known]
        if missing:
            raise forms.ValidationError(
                gettext("No active Party member has the employee number %(numbers)s.")
                % {"numbers": "、".join(missing)}
            )
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("subject_kind")
        if kind == Campaign.SubjectKind.BRANCHES and not data.get("branches"):
            self.add_error("branches", gettext("Choose at least one branch to evaluate."))
        if (
            kind == Campaign.SubjectKind.MEMBERS
            and not data.get("members")
            and "members" not in self.errors
        ):
            self.add_error("members", gettext("Give at least one member to evaluate."))
        return data

    def weights(self) -> dict[str, Decimal]:
        return {group: self.cleaned_data[f"weight_{group}"] for group in rules.GROUPS}


class _CommentField(forms.CharField):
    """A ballot's comment, measured as `rules.parse_ballot` measures it (a line break
    one character, as the browser counts it), so a ballot sent back marks the same."""

    def to_python(self, value: Any) -> str:
        return rules.comment_as_typed(super().to_python(value) or "")


class VoteForm(forms.Form):
    """One radio group per question per subject, and a comment per subject."""

    def __init__(
        self, *args: Any, subjects: list[Any], items: list[CampaignItem], scale: str, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        scores = rules.SATISFACTION_CHOICES if scale == rules.SATISFACTION else rules.FIVE_CHOICES
        # Made once for the whole form (up to 200 subjects x 30 questions), not per field.
        choices = [(str(value), str(label)) for value, label in scores]
        self.choices = choices  # the voting page draws the radio buttons from these
        required = {"required": gettext("Choose an answer.")}
        self.sections = []
        for subject in subjects:
            questions = []
            for item in items:
                name = f"s{subject.pk}_i{item.pk}"
                self.fields[name] = forms.TypedChoiceField(
                    label=item.text,
                    choices=choices,
                    coerce=int,
                    widget=forms.RadioSelect,
                    error_messages=required,
                )
                questions.append(self[name])
            comment = f"c{subject.pk}"
            self.fields[comment] = _CommentField(
                label=gettext("Comment on %(name)s (optional)") % {"name": subject.name},
                required=False,
                max_length=rules.COMMENT_MAX,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            )
            self.sections.append((subject, questions, self[comment]))

    def answers(self) -> tuple[dict[tuple[int, int], int], dict[int, str]]:
        answers: dict[tuple[int, int], int] = {}
        remarks: dict[int, str] = {}
        for name, value in self.cleaned_data.items():
            if name.startswith("s"):
                subject, item = name[1:].split("_i")
                answers[(int(subject), int(item))] = value
            else:
                remarks[int(name[1:])] = value
        return answers, remarks


class RemindersForm(forms.Form):
    reminders = forms.BooleanField(required=False)


class PaperMarkForm(StyledForm):
    numbers = forms.CharField(
        label=_("Employee numbers of those who voted on paper"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_numbers(self) -> list[str]:
        return [n for n in _SEPARATORS.split(self.cleaned_data["numbers"]) if n]


GROUP_CODES = {
    "e": rules.EMPLOYEES,
    "f": rules.FULL_MEMBERS,
    "p": rules.PROBATIONARY,
    "a": rules.ACTIVISTS,
}


class PaperBatchForm(StyledForm):
    ballots = forms.CharField(
        label=_("Paper ballots, one a line"),
        max_length=200000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Each line: the group (e employees, f full members, p probationary members, "
            "a activists), then every answer in the order shown, then optionally “|” "
            "and a comment per evaluated branch or member, e.g. “e 5 4 5 | 食堂要改进”."
        ),
    )

    def __init__(
        self, *args: Any, subjects: list[Any], items: list[Any], scale: str, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.subjects, self.items, self.scale = subjects, items, scale

    def clean_ballots(self) -> list[Any]:
        from grassroots.evaluation.campaigns.services import PaperBallot

        allowed = rules.allowed_scores(self.scale)
        pairs = [(s.pk, i.pk) for s in self.subjects for i in self.items]
        ballots = []
        for number, line in enumerate(self.cleaned_data["ballots"].splitlines(), start=1):
            if not line.strip():
                continue
            head, *comments = line.split("|")
            words = head.split()
            group = GROUP_CODES.get(words[0].lower()) if words else None
            try:
                scores = [int(word) for word in words[1:]]
            except ValueError:
                scores = []
            if group is None or len(scores) != len(pairs) or any(s not in allowed for s in scores):
                raise forms.ValidationError(
                    gettext("Line %(line)s: give the group and %(count)s answers from the scale.")
                    % {"line": number, "count": len(pairs)}
                )
            remarks = {
                subject.pk: text.strip()
                for subject, text in zip(self.subjects, comments, strict=False)
                if text.strip()
            }
            ballots.append(PaperBallot(group, dict(zip(pairs, scores, strict=True)), remarks))
        if not ballots:
            raise forms.ValidationError(gettext("Enter at least one paper ballot."))
        return ballots


class ReceiptForm(StyledForm):
    code = forms.CharField(label=_("Your receipt code"), max_length=20)


class RectificationForm(StyledForm):
    action = forms.CharField(label=_("What will be done"), max_length=300)
    item: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Question it answers (optional)"), queryset=None, required=False, empty_label="—"
    )
    owner = forms.CharField(label=_("Owner (employee number)"), max_length=32)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())
    deed = forms.TypedChoiceField(
        label=_("Linked practical deed (optional)"), coerce=int, required=False, empty_value=None
    )
    # Offered by public id, so that the page does not show the appeals' row numbers;
    # cleaned to the row's primary key for the service.
    appeal = forms.ChoiceField(label=_("Linked appeal (optional)"), required=False)

    def __init__(
        self, *args: Any, items: Any, deeds: list[Any], appeals: list[Any] | None, **kwargs: Any
    ):
        """`appeals` None: the person may not read appeals' titles, so no such field."""
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items  # type: ignore[attr-defined]
        self.fields["deed"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (deed.pk, f"{deed.title}（{deed.due_on.isoformat()}）") for deed in deeds
        ]
        if appeals is None:
            del self.fields["appeal"]
            return
        self._appeal_pks = {appeal.public_id: appeal.pk for appeal in appeals}
        self.fields["appeal"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (appeal.public_id, f"{appeal.number} {appeal.title}") for appeal in appeals
        ]

    def clean_appeal(self) -> int | None:
        """The chosen appeal's primary key (the choice was one of those offered)."""
        return self._appeal_pks.get(self.cleaned_data.get("appeal") or "")

    def clean_owner(self) -> Any:
        user = user_by_employee_number(self.cleaned_data["owner"])
        if user is None:
            raise forms.ValidationError(gettext("No active employee has this number."))
        return user


class ProgressForm(StyledForm):
    status = forms.ChoiceField(label=_("Progress"), choices=Rectification.Status.choices)
    progress = forms.CharField(
        label=_("Progress so far"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
