from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import DateInput, StyledForm
from grassroots.service import wording
from grassroots.service.models import ServiceDomain, ServicePost


class PostChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class CommitmentForm(StyledForm):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=())
    post = PostChoiceField(
        label=_("For the service post I hold (optional)"),
        queryset=ServicePost.objects.none(),
        required=False,
        empty_label=_("Not tied to a post"),
    )
    text = forms.CharField(
        label=_("What I commit to"),
        max_length=2000,
        help_text=_("One commitment per line, concrete enough that your colleagues can judge it."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    services = forms.MultipleChoiceField(
        label=_("Which of the five services"),
        choices=ServiceDomain.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, years: tuple[int, ...] | None, posts: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if years is None:  # editing: the year stays as it is
            del self.fields["year"]
        else:
            self.fields["year"].choices = [(year, str(year)) for year in years]  # type: ignore[attr-defined]
        self.fields["post"].queryset = posts  # type: ignore[attr-defined]


class ReturnForm(StyledForm):
    reason = forms.CharField(
        label=_("What the member should change"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ProgressForm(StyledForm):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    text = forms.CharField(
        label=_("What was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AssessForm(StyledForm):
    text = forms.CharField(
        label=_("My self-assessment"),
        max_length=2000,
        help_text=_("How far you kept each commitment, and what you did not manage and why."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class RateForm(StyledForm):
    score = forms.ChoiceField(
        label=_("Did the member keep these commitments?"),
        choices=wording.choices(wording.KEPT),
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
