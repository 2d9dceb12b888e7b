from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import StyledForm
from grassroots.orglife.development import rules
from grassroots.orglife.models import Meeting
from grassroots.orgs import selectors as orgs
from grassroots.orgs.vocabulary import MemberStage

if TYPE_CHECKING:
    from grassroots.orgs.models import Member


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.user.name}（{obj.user.employee_number}）"


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        quorum = "" if obj.counts else "（未达法定人数）"
        return f"{obj.held_on or obj.starts_at:%Y-%m-%d} {obj.topic}{quorum}"


class StepForm(StyledForm):
    """The fields the next step needs, and only those."""

    done_on = forms.DateField(label=_("Date"), widget=DateInput())
    people = MemberChoiceField(
        label=_("People"),
        queryset=orgs.no_members(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    training_days = forms.DecimalField(
        label=_("Training days"), min_value=0, max_value=365, decimal_places=1, required=False
    )
    training_hours = forms.DecimalField(
        label=_("Class hours"), min_value=0, max_value=2000, decimal_places=1, required=False
    )
    notice_from = forms.DateField(label=_("Public notice from"), widget=DateInput(), required=False)
    notice_to = forms.DateField(label=_("Public notice until"), widget=DateInput(), required=False)
    meeting = MeetingChoiceField(
        label=_("Branch member assembly"), queryset=Meeting.objects.none(), required=False
    )
    notes = forms.CharField(
        label=_("Notes (optional)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, step: int, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        check = rules.BY_NUMBER[step].check
        people_labels = {
            "contacts": _("Cultivation contacts (1–2 full members)"),
            "introducers": _("Introducers (2 full members)"),
            "talk": _("Who talked with the applicant"),
        }
        if check in people_labels:
            self.fields["people"].label = people_labels[check]
            self.fields["people"].queryset = (  # type: ignore[attr-defined]
                orgs.party_members()
                .filter(branch_id=member.branch_id, stage=MemberStage.FULL)
                .exclude(pk=member.pk)
                .order_by("user__employee_number")
            )
        else:
            del self.fields["people"]
        if check != "training":
            del self.fields["training_days"], self.fields["training_hours"]
        if check != "public_notice":
            del self.fields["notice_from"], self.fields["notice_to"]
        if check in ("admitting_meeting", "full_meeting"):
            self.fields["meeting"].required = True
            self.fields["meeting"].queryset = Meeting.objects.filter(  # type: ignore[attr-defined]
                unit_id=member.branch_id,
                kind=Meeting.Kind.BRANCH_ASSEMBLY,
                status=Meeting.Status.HELD,
                starts_at__gte=timezone.now() - datetime.timedelta(days=730),
            ).order_by("-starts_at")
            self.fields["meeting"].help_text = _(
                "Only a branch member assembly recorded as held and quorate can decide this."
            )
        else:
            del self.fields["meeting"]


class ExtensionForm(StyledForm):
    months = forms.IntegerField(label=_("Extend by (months)"), min_value=1, max_value=12)
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=500)
