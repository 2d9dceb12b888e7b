"""Forms of practical deeds: they parse what the officers type; the services judge it."""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from grassroots.accounts.selectors import user_by_employee_number
from grassroots.core.forms import DateInput, StyledForm
from grassroots.service import wording
from grassroots.service.models import ServiceDomain

if TYPE_CHECKING:
    from grassroots.accounts.models import User
    from grassroots.appeals.models import Appeal


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


_SEPARATORS = re.compile(r"[\s,，、;；]+")


class DeedForm(StyledForm):
    unit = UnitChoiceField(label=_("Promised by"), queryset=None)
    title = forms.CharField(
        label=_("What will be done"),
        max_length=200,
        help_text=_("One line employees will understand, e.g. “Add two canteen windows by June”."),
    )
    description = forms.CharField(
        label=_("Details"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    owner = forms.CharField(
        label=_("Person responsible (employee number)"),
        max_length=32,
        help_text=_("An active member of the organisation or one of its officers."),
    )
    services = forms.MultipleChoiceField(
        label=_("Which of the five services"),
        choices=ServiceDomain.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    due_on = forms.DateField(label=_("Done by"), widget=DateInput())
    milestones = forms.CharField(
        label=_("Milestones (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One a line: the date first, then the milestone, e.g. “2026-03-31 Order the equipment”."
        ),
    )
    appeals = forms.CharField(
        label=_("Appeals that led to it (optional)"),
        required=False,
        max_length=1000,
        help_text=_("Appeal numbers, separated by spaces or commas."),
    )

    def __init__(
        self,
        *args: Any,
        units: Any,
        appeals_in_scope: Any = None,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.appeals_in_scope = appeals_in_scope
        if editing:
            # The organisation, the milestones and the links are set when the deed is made.
            for name in ("unit", "milestones", "appeals"):
                del self.fields[name]

    def clean_owner(self) -> User:
        owner = user_by_employee_number(self.cleaned_data["owner"])
        if owner is None:
            raise forms.ValidationError(gettext("No active employee has this number."))
        return owner

    def clean_milestones(self) -> list[tuple[str, datetime.date]]:
        rows: list[tuple[str, datetime.date]] = []
        for number, line in enumerate(self.cleaned_data.get("milestones", "").splitlines(), 1):
            line = line.strip()
            if not line:
                continue
            date_text, _space, title = line.partition(" ")
            try:
                due_on = datetime.date.fromisoformat(date_text)
            except ValueError:
                due_on = None
            if due_on is None or not title.strip():
                raise forms.ValidationError(
                    gettext(
                        "Line %(line)s: write the date as YYYY-MM-DD, a space, then the milestone."
                    )
                    % {"line": number}
                )
            rows.append((title.strip()[:200], due_on))
        return rows

    def clean_appeals(self) -> list[Appeal]:
        numbers = [n for n in _SEPARATORS.split(self.cleaned_data.get("appeals", "")) if n]
        if not numbers:
            return []
        found = {}
        if self.appeals_in_scope is not None:
            found = {a.number: a for a in self.appeals_in_scope.filter(number__in=numbers)}
        missing = [n for n in numbers if n not in found]
        if missing:
            raise forms.ValidationError(
                gettext("No appeal handled in your organisations has the number %(numbers)s.")
                % {"numbers": "、".join(missing)}
            )
        return list(found.values())


class ProgressForm(StyledForm):
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    text = forms.CharField(
        label=_("What happened"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DoneForm(StyledForm):
    outcome = forms.CharField(
        label=_("What was delivered"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    done_on = forms.DateField(label=_("Done on"), widget=DateInput(), required=False)


class DropForm(StyledForm):
    drop_reason = forms.CharField(label=_("Why it is dropped"), max_length=500)


class RatingForm(StyledForm):
    delivered = forms.ChoiceField(
        label=_("Was it delivered?"),
        choices=wording.choices(wording.DELIVERED),
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment (optional)"), max_length=500, required=False)


class FilterForm(forms.Form):
    """The public list's filters; unknown values are ignored rather than refused."""

    unit = forms.CharField(required=False)  # read with core.request_values.object_id
    status = forms.CharField(required=False)
    service = forms.CharField(required=False)
    flagged = forms.CharField(required=False)
    year = forms.CharField(required=False)  # read with core.request_values.positive_int
