"""Forms of public notices: they parse what people type; the services judge it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import StyledForm


class ObjectionForm(StyledForm):
    text = forms.CharField(
        label=_("Your objection"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Say what you object to and why: facts the organisation can check."),
    )
    anonymous = forms.BooleanField(
        label=_("Lodge it anonymously"),
        required=False,
        help_text=_(
            "Nothing will link the objection to you, not even for the officers; "
            "you will not be able to read the answer, only see that it was answered."
        ),
    )


class AnswerForm(StyledForm):
    answer = forms.CharField(
        label=_("Your answer"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was checked and what follows from it."),
    )
