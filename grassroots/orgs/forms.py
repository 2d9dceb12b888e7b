from __future__ import annotations

import html
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.core.forms import DateInput, StyledForm
from grassroots.core.request_values import object_id
from grassroots.orgs import rules
from grassroots.orgs.ethnic_groups import ETHNIC_GROUPS
from grassroots.orgs.fields import UnitChoiceField, unit_label
from grassroots.orgs.models import Department, ImportBatch, Member, OrgPost, OrgUnit
from grassroots.orgs.selectors import unit_choice_rows

ETHNIC_GROUP_CHOICES = [(name, name) for name in ETHNIC_GROUPS]


def _escaped(text: Any) -> str:
    """Django's `conditional_escape` (safe strings as they are, anything else escaped),
    without the lazy-string wrapper that makes it ten times slower per call."""
    if isinstance(text, Promise):
        text = str(text)
    return text.__html__() if hasattr(text, "__html__") else html.escape(str(text))


class QuickSelect(forms.Select):
    """A select whose options are written in one pass, for pages that must be fast.

    Django builds a dictionary per option and renders each through its own template
    include; the member filter of a group committee offers 150 units, which cost 6 ms
    of every list page even in one template loop, and 2 ms with `format_html_join`.
    Here they are one string (0.2 ms): each value and label escaped as a template
    escapes it, the option selected as Django selects it (the first whose value
    matches), Django's `<option>` markup. Grouped choices and multiple selects take
    Django's own path.
    """

    template_name = "orgs/widgets/quick_select.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        if self.allow_multiple_selected or any(
            isinstance(label, list | tuple) for _value, label in self.choices
        ):
            return super().get_context(name, value, attrs)  # with optgroups
        # Widget's context (name, attrs, value as a list of strings), without optgroups.
        context = forms.Widget.get_context(self, name, value, attrs)
        wanted = context["widget"]["value"]
        options = []
        found = False
        for option_value, label in self.choices:
            key = "" if option_value is None else str(option_value)
            selected = not found and key in wanted
            found = found or selected
            options.append(
                f'\n  <option value="{_escaped(key)}"{" selected" if selected else ""}>'
                f"{_escaped(label)}</option>"
            )
        # Every value and label is escaped just above.
        context["widget"]["options"] = mark_safe("".join(options))  # noqa: S308
        return context


class MemberFilterForm(StyledForm):
    q = forms.CharField(
        label=_("Name or employee number"), required=False, max_length=64, strip=True
    )
    stage = forms.ChoiceField(
        label=_("Stage"),
        required=False,
        choices=[("", _("All stages")), *Member.Stage.choices],
        widget=QuickSelect,
    )
    status = forms.ChoiceField(
        label=_("Membership status"),
        required=False,
        choices=[("", _("In good standing")), *Member.Status.choices],
        widget=QuickSelect,
    )
    unit = UnitChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=OrgUnit.objects.none(),
        empty_label=_("All I oversee"),
        widget=QuickSelect,
    )
    cohort = forms.TypedChoiceField(
        label=_("Birth cohort"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", _("All cohorts")),
            *[(decade, rules.cohort_label(decade)) for decade in rules.COHORT_DECADES],
        ],
        widget=QuickSelect,
    )
    education = forms.ChoiceField(
        label=_("Education"),
        required=False,
        choices=[("", _("All levels")), *Member.Education.choices],
        widget=QuickSelect,
    )

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        field.queryset = units  # type: ignore[attr-defined]
        # Every unit in scope is accepted; the picker offers a manageable list of them.
        raw = self.data.get("unit") if self.is_bound else None
        # Not unit_from_parameter: a bad value here falls back to no filter (the form is
        # invalid), it is not a 404.
        pk = object_id(raw)
        selected = units.filter(pk=pk).first() if pk is not None else None
        choices: list[tuple[Any, Any]] = [("", field.empty_label)]  # type: ignore[attr-defined]
        # Kind labels translated once, not once per option (get_kind_display is slow).
        kinds = {value: str(label) for value, label in OrgUnit.Kind.choices}
        choices += [
            (unit.pk, unit_label(unit, kinds[unit.kind]))
            for unit in unit_choice_rows(units, selected)
        ]
        field.widget.choices = choices


class MemberForm(StyledForm):
    """A member record. On creation the employee is named by employee number."""

    employee_number = forms.CharField(
        label=_("Employee number"),
        max_length=32,
        help_text=_("The employee must already be on record (import employees first)."),
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=Member.Stage.choices)
    status = forms.ChoiceField(label=_("Membership status"), choices=Member.Status.choices)
    left_on = forms.DateField(
        label=_("Left on"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "When the status is no longer in good standing: the day it took effect (today "
            "when left empty). The annual statistics count the member until then."
        ),
    )
    leaving_reason = forms.ChoiceField(
        label=_("Reason for leaving"),
        choices=[("", _("Not recorded")), *Member.LeavingReason.choices],
        required=False,
    )
    status_on = forms.DateField(
        label=_("Status changed on"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "When you change the status to one in good standing (for example restored), "
            "or from one out of good standing to another: the day it took effect (today "
            "when left empty). The annual statistics count the member again from a "
            "restoration. The leaving day stays the day good standing ended."
        ),
    )
    branch = UnitChoiceField(label=_("Branch"), queryset=OrgUnit.objects.none())
    group = UnitChoiceField(
        label=_("Party group"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("No group"),
    )
    applied_on = forms.DateField(label=_("Applied on"), required=False, widget=DateInput())
    activist_on = forms.DateField(label=_("Became activist on"), required=False, widget=DateInput())
    candidate_on = forms.DateField(
        label=_("Became candidate on"), required=False, widget=DateInput()
    )
    admitted_on = forms.DateField(
        label=_("Admitted as probationary member on"), required=False, widget=DateInput()
    )
    full_on = forms.DateField(label=_("Became full member on"), required=False, widget=DateInput())
    id_card_number = forms.CharField(
        label=_("ID card number"),
        max_length=18,
        required=False,
        help_text=_("Optional. When given, date of birth and gender are taken from it."),
    )
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    gender = forms.ChoiceField(
        label=_("Gender"), choices=[("", _("Not recorded")), *Member.Gender.choices], required=False
    )
    ethnicity = forms.ChoiceField(label=_("Ethnic group"), choices=ETHNIC_GROUP_CHOICES)
    education = forms.ChoiceField(
        label=_("Education"),
        choices=[("", _("Not recorded")), *Member.Education.choices],
        required=False,
    )
    is_mobile = forms.BooleanField(label=_("Mobile member (流动党员)"), required=False)
    is_lost_contact = forms.BooleanField(label=_("Out of contact (失联)"), required=False)

    def __init__(
        self,
        *args: Any,
        branches: QuerySet[OrgUnit],
        groups: QuerySet[OrgUnit],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches  # type: ignore[attr-defined]
        self.fields["group"].queryset = groups  # type: ignore[attr-defined]
        if editing:
            del self.fields["employee_number"]
        else:
            del self.fields["status_on"]  # a new record's status holds from its first day

    def clean_id_card_number(self) -> str:
        return self.cleaned_data["id_card_number"].strip().upper()

    def member_values(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        values.pop("employee_number", None)
        return values


class UnitForm(StyledForm):
    name = forms.CharField(label=pgettext_lazy("a thing's name", "Name"), max_length=100)
    founded_on = forms.DateField(label=_("Founded on"), required=False, widget=DateInput())
    term_ends_on = forms.DateField(
        label=_("Term ends on"),
        required=False,
        widget=DateInput(),
        help_text=_("The date the current committee's term ends (re-election due)."),
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments covered"),
        queryset=Department.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_joint = forms.BooleanField(label=_("Joint branch"), required=False)
    is_temporary = forms.BooleanField(label=_("Temporary branch"), required=False)
    dissolved_on = forms.DateField(
        label=_("Dissolved on"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "The day the organisation stopped existing. The annual statistics count it "
            "on 31 December of the years before; without a day, in none."
        ),
    )

    def __init__(self, *args: Any, unit: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if unit.is_active:
            del self.fields["dissolved_on"]  # offered for dissolved organisations only
        if not unit.has_term:
            del self.fields["term_ends_on"]
        if unit.kind != OrgUnit.Kind.BRANCH:
            for name in ("departments", "is_joint", "is_temporary"):
                del self.fields[name]


class PostAssignForm(StyledForm):
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())
    kind = forms.ChoiceField(label=_("Post"), choices=OrgPost.Kind.choices)
    starts_on = forms.DateField(label=_("From"), widget=DateInput())

    def __init__(self, *args: Any, unit: OrgUnit, candidates: QuerySet[Member], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = candidates  # type: ignore[attr-defined]
        kinds = [
            (value, label)
            for value, label in OrgPost.Kind.choices
            if (value == OrgPost.Kind.GROUP_LEADER) == (unit.kind == OrgUnit.Kind.GROUP)
        ]
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]


class PostEndForm(StyledForm):
    ends_on = forms.DateField(label=_("Post ends on"), widget=DateInput())


class ImportForm(StyledForm):
    kind = forms.ChoiceField(
        label=_("What the file holds"), choices=ImportBatch.Kind.choices, widget=forms.RadioSelect
    )
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("Use the template for the kind you import; the first row holds the headings."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in ImportBatch.Kind.choices if value in kinds
        ]
