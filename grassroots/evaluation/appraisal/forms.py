"""Forms of the democratic appraisal. The grade forms have one set of fields per full
member, named by the participant's id, so that a refusal lands on the member it is
about."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from grassroots.core import workcalendar
from grassroots.core.forms import DateInput, StyledForm
from grassroots.evaluation.appraisal.models import AppraisalParticipant
from grassroots.evaluation.appraisal.rules import GradeEntry
from grassroots.evaluation.campaigns.models import Campaign

GRADE_CHOICES = [("", _("— choose —")), *AppraisalParticipant.Grade.choices]
MEASURE_CHOICES = [("", _("— only for unqualified —")), *AppraisalParticipant.Measure.choices]


class OpenForm(StyledForm):
    branch: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Branch"), queryset=None, empty_label=None
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, branches: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches  # type: ignore[attr-defined]


class SelfAssessmentForm(StyledForm):
    text = forms.CharField(
        label=_("My self-assessment"),
        help_text=_(
            "How you kept to your duties as a member this year: what you did well, "
            "where you fell short, and what you will change."
        ),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 10}),
    )


def _name(participant: AppraisalParticipant) -> str:
    return participant.member.user.name


class SuggestionsForm(StyledForm):
    def __init__(self, *args: Any, others: Sequence[AppraisalParticipant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.others = list(others)
        for other in self.others:
            self.fields[f"grade_{other.pk}"] = forms.ChoiceField(
                label=_("Suggested grade for %(name)s") % {"name": _name(other)},
                choices=[("", _("No suggestion")), *AppraisalParticipant.Grade.choices],
                required=False,
            )

    def grades(self) -> dict[int, str]:
        return {other.pk: self.cleaned_data.get(f"grade_{other.pk}", "") for other in self.others}


class GradesForm(StyledForm):
    """One grade per full member; 不合格 with its measure and due date. With meetings,
    also the 民主评议 meeting that decided."""

    def __init__(
        self,
        *args: Any,
        graded: Sequence[AppraisalParticipant],
        meetings: Sequence[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.graded = list(graded)
        if meetings is not None:
            self.fields["meeting"] = forms.TypedChoiceField(
                label=_("The democratic appraisal meeting that decided"),
                choices=[("", _("— choose —")), *meetings],
                coerce=int,
                help_text=_(
                    "The branch assembly recorded in organisational life, held and quorate."
                ),
            )
        for person in self.graded:
            name = _name(person)
            self.fields[f"grade_{person.pk}"] = forms.ChoiceField(
                label=_("Grade for %(name)s") % {"name": name},
                choices=GRADE_CHOICES,
                required=False,
            )
            self.fields[f"measure_{person.pk}"] = forms.ChoiceField(
                label=_("Follow-up measure for %(name)s") % {"name": name},
                choices=MEASURE_CHOICES,
                required=False,
            )
            self.fields[f"due_{person.pk}"] = forms.DateField(
                label=_("Measure due by (%(name)s)") % {"name": name},
                required=False,
                widget=DateInput(),
            )

    def entries(self) -> dict[int, GradeEntry]:
        data = self.cleaned_data
        result = {}
        for person in self.graded:
            due: datetime.date | None = data.get(f"due_{person.pk}")
            result[person.pk] = GradeEntry(
                grade=data.get(f"grade_{person.pk}", ""),
                measure=data.get(f"measure_{person.pk}", ""),
                due_on=due,
            )
        return result

    def rows(self) -> list[tuple[AppraisalParticipant, list[forms.BoundField]]]:
        return [
            (
                person,
                [
                    self[f"grade_{person.pk}"],
                    self[f"measure_{person.pk}"],
                    self[f"due_{person.pk}"],
                ],
            )
            for person in self.graded
        ]


def _next_workday(day: datetime.date, *, after: int = 0) -> datetime.date:
    """The first working day on or after `day`, then `after` working days on."""
    while not workcalendar.is_workday(day):
        day += datetime.timedelta(days=1)
    for _step in range(after):
        day += datetime.timedelta(days=1)
        while not workcalendar.is_workday(day):
            day += datetime.timedelta(days=1)
    return day


DEFAULT_QUESTIONS = (
    _("Sets an example in their work and keeps to the Party's principles"),
    _("Serves the people around them and helps with their difficulties"),
    _("Is honest and fair, and keeps to discipline"),
)


class OpinionsForm(StyledForm):
    """Ask the employees for their opinion of each full member: the questions, the
    answers, and the working days it is open."""

    scale = forms.ChoiceField(
        label=_("Answers"),
        choices=Campaign.Scale.choices,
        initial=Campaign.Scale.SATISFACTION,
        widget=forms.RadioSelect,
    )
    items = forms.CharField(
        label=_("Questions (one a line)"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Each member is asked about with these questions, at most 30 of them."),
    )
    opens_on = forms.DateField(label=_("Opens on (a working day)"), widget=DateInput())
    closes_on = forms.DateField(label=_("Closes on (a working day)"), widget=DateInput())

    def __init__(self, *args: Any, today: datetime.date, **kwargs: Any) -> None:
        opens = _next_workday(today)
        kwargs.setdefault(
            "initial",
            {
                "items": "\n".join(str(q) for q in DEFAULT_QUESTIONS),
                "opens_on": opens,
                "closes_on": _next_workday(opens, after=5),
            },
        )
        super().__init__(*args, **kwargs)

    def clean_items(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["items"].splitlines()]
        return [line for line in lines if line]
