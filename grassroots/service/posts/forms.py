from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.accounts.identity import normalise_employee_number
from grassroots.accounts.selectors import no_users, user_by_employee_number
from grassroots.appeals.intake import Urgency
from grassroots.appeals.selectors import categories
from grassroots.core.forms import DateInput, StyledForm
from grassroots.orgs.fields import DepartmentChoiceField, UnitChoiceField
from grassroots.orgs.selectors import no_departments, no_units
from grassroots.service.models import ServiceDomain, ServicePost

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from grassroots.accounts.models import User
    from grassroots.orgs.models import Department, OrgUnit


class PeopleField(forms.ModelMultipleChoiceField):
    """Checkboxes with people's names (and nothing else about them)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", no_users())
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        super().__init__(**kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class UnitChoiceForm(StyledForm):
    """First step for someone who oversees several branches: which one the post is for."""

    unit = UnitChoiceField(label=_("Branch that runs the post"), queryset=no_units())

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class PostForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind of post"), choices=ServicePost.Kind.choices)
    name = forms.CharField(
        label=_("Name of the post"),
        max_length=100,
        help_text=_("e.g. “Assembly line 1 Party member demonstration post”."),
    )
    holders = PeopleField(label=_("Held by"), help_text=_("Active Party members of the branch."))
    department = DepartmentChoiceField(
        label=_("Department served (optional)"),
        queryset=no_departments(),
        required=False,
        empty_label=_("Not one department"),
    )
    place = forms.CharField(label=_("Where to find it (optional)"), max_length=200, required=False)
    promise = forms.CharField(
        label=_("What it promises"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    services = forms.MultipleChoiceField(
        label=_("Which of the five services"),
        choices=ServiceDomain.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        people: QuerySet[User],
        departments: QuerySet[Department],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["holders"].queryset = people  # type: ignore[attr-defined]
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(post: ServicePost) -> dict[str, Any]:
        return {
            "kind": post.kind,
            "name": post.name,
            "holders": [holder.pk for holder in post.holders.all()],
            "department": post.department,
            "place": post.place,
            "promise": post.promise,
            "services": post.services,
        }


class VisitPlanForm(StyledForm):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    department = DepartmentChoiceField(label=_("Department visited"), queryset=no_departments())
    members = PeopleField(label=_("Members going"))

    def __init__(
        self,
        *args: Any,
        people: QuerySet[User],
        departments: QuerySet[Department],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = people  # type: ignore[attr-defined]
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]


def _heard_field() -> forms.CharField:
    return forms.CharField(
        label=_("What was heard"),
        help_text=_("Needs, opinions and complaints the employees raised."),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _done_field() -> forms.CharField:
    return forms.CharField(
        label=_("What was done on the spot"),
        help_text=_("Shown on the post's public page."),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class VisitAddForm(VisitPlanForm):
    """A visit that was not on the rota, recorded as held."""

    heard = _heard_field()
    done = _done_field()


class VisitRecordForm(StyledForm):
    members = PeopleField(label=_("Members who went"))
    heard = _heard_field()
    done = _done_field()

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = people  # type: ignore[attr-defined]


class VisitAppealForm(StyledForm):
    """What was heard on a visit, as an appeal. The worker's number is optional."""

    category = forms.ModelChoiceField(
        label=_("What is it about?"), queryset=categories().none(), empty_label=_("Choose…")
    )
    title = forms.CharField(label=_("Title"), max_length=100)
    description = forms.CharField(
        label=_("What was heard"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    urgency = forms.ChoiceField(
        label=_("How urgent is it?"),
        choices=Urgency.choices,
        initial=Urgency.NORMAL,
        widget=forms.RadioSelect,
    )
    employee_number = forms.CharField(
        label=_("Employee number of the worker who raised it (optional)"),
        max_length=32,
        required=False,
        help_text=_(
            "When given, the worker is the submitter and follows the appeal; you are recorded "
            "as who entered it. Leave it empty to raise it in your own name."
        ),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories()  # type: ignore[attr-defined]

    def clean_employee_number(self) -> User | None:
        number = normalise_employee_number(self.cleaned_data.get("employee_number") or "")
        if not number:
            return None
        worker = user_by_employee_number(number)
        if worker is None:
            raise forms.ValidationError(_("No employee has this number."))
        return worker
