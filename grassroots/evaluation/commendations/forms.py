"""Forms of commendations: they parse what the officers type; the services judge it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.accounts.selectors import user_by_employee_number
from grassroots.core.forms import StyledForm
from grassroots.evaluation.commendations.models import Nomination
from grassroots.evaluation.commendations.services import TITLE_MAX
from grassroots.orgs.selectors import member_of_user


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class RoundForm(StyledForm):
    unit = UnitChoiceField(label=_("Committee"), queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        required=False,
        help_text=_("Leave empty for “<year> commendations of <committee>”."),
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class NominationForm(StyledForm):
    branch = UnitChoiceField(label=_("Nominating branch"), queryset=None)
    kind = forms.ChoiceField(
        label=_("Honour"), choices=Nomination.Kind.choices, widget=forms.RadioSelect
    )
    member = forms.CharField(
        label=_("Member’s employee number"),
        max_length=32,
        required=False,
        help_text=_(
            "For the two honours of members; leave empty for 先进基层党组织 (the branch itself)."
        ),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The deeds and results behind the nomination; it is shown in the public notice."
        ),
    )

    def __init__(self, *args: Any, branches: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches  # type: ignore[attr-defined]

    def clean_member(self) -> Any:
        raw = (self.cleaned_data.get("member") or "").strip()
        if not raw:
            return None
        user = user_by_employee_number(raw)
        member = member_of_user(user) if user is not None else None
        if member is None:
            raise forms.ValidationError(_("No member has this employee number."))
        return member


class PublishForm(StyledForm):
    chosen = forms.TypedMultipleChoiceField(
        label=_("Nominations to put into public notice"),
        coerce=int,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, nominations: list[Nomination], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chosen"].choices = [  # type: ignore[attr-defined]
            (n.pk, f"{n.get_kind_display()} — {n.member.user.name if n.member else n.branch.name}")
            for n in nominations
        ]


class DecisionForm(StyledForm):
    commended = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Commend")), ("0", _("Do not commend"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
