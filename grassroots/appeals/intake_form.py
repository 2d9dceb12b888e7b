"""The form every page raising an appeal shows, public so that other apps' pages (a
service post's appeal page) offer the same fields, hints and checks as the appeal
pages: one set of words for one intake. It gives back an `intake.AppealDraft`.

(appeals.forms is private to this app; this module is the door.)
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.appeals import selectors
from grassroots.appeals.intake import AppealDraft
from grassroots.appeals.models import Category, Urgency
from grassroots.core.forms import StyledForm
from grassroots.orgs.fields import DepartmentChoiceField
from grassroots.orgs.selectors import no_departments

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from grassroots.accounts.models import User
    from grassroots.appeals.uploads import CheckedFile
    from grassroots.orgs.models import Department


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content (services.files_check)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


def files_field() -> MultipleFileField:
    return MultipleFileField(
        label=_("Photos or documents (optional)"),
        help_text=_("Up to 5 files: photos (JPEG, PNG) or PDF, each at most 5 MB."),
    )


def with_empty_choice(
    field: forms.Field, options: Callable[[], Sequence[tuple[int, str]]]
) -> Callable[[], list[tuple[Any, Any]]]:
    """A choice widget's options from a ready list, after the field's empty choice (“Choose…”,
    translated when drawn), read only when the widget is drawn."""

    drawn: list[tuple[Any, Any]] = []

    def choices() -> list[tuple[Any, Any]]:
        if not drawn:  # once per form: the widget reads its choices more than once
            empty_label = getattr(field, "empty_label", None)
            drawn.extend([("", empty_label)] if empty_label is not None else [])
            drawn.extend(options())
        return drawn

    return choices


class AppealForm(StyledForm):
    """Raising an appeal: the same fields for the signed-in, anonymous, on-behalf and
    service-post forms."""

    category = forms.ModelChoiceField(
        label=_("What is it about?"), queryset=Category.objects.none(), empty_label=_("Choose…")
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=100,
        help_text=_("In a few words, e.g. “The canteen queue is too long”."),
    )
    description = forms.CharField(
        label=_("What happened, or what do you need?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    department = DepartmentChoiceField(
        label=_("Department or place concerned"),
        queryset=no_departments(),
        required=False,
        empty_label=_("Not sure / not about one department"),
    )
    place = forms.CharField(label=_("Place (optional)"), max_length=100, required=False)
    urgency = forms.ChoiceField(
        label=_("How urgent is it?"),
        choices=Urgency.choices,
        initial=Urgency.NORMAL,
        widget=forms.RadioSelect,
        help_text=_("Urgent: safety or someone's livelihood at risk today."),
    )
    attachments = files_field()
    consent_publish = forms.BooleanField(
        label=_("When it is resolved, it may be shown on the outcome wall without my name"),
        required=False,
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(
        self,
        *args: Any,
        departments: QuerySet[Department],
        department_options: Callable[[], Sequence[tuple[int, str]]] | None = None,
        **kwargs: Any,
    ) -> None:
        """`departments` checks the department chosen; `department_options`, when given
        (`orgs.selectors.department_options` for the same department, called only if the
        form is drawn: a form sent and saved never is), is what the select shows instead
        of reading `departments` again on every page."""
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        category.queryset = Category.objects.filter(is_active=True)  # type: ignore[attr-defined]
        # Shown from the list kept per process and language; the queryset checks a choice.
        category.widget.choices = with_empty_choice(category, selectors.category_options)
        department = self.fields["department"]
        department.queryset = departments  # type: ignore[attr-defined]
        if department_options is not None:
            department.widget.choices = with_empty_choice(department, department_options)

    def draft(
        self,
        *,
        channel: str,
        submitter: User | None = None,
        recorded_by: User | None = None,
        anonymous: bool = False,
        files: Sequence[CheckedFile] = (),
    ) -> AppealDraft:
        """The valid form as a draft; the page says who it is for and how it came in,
        and gives the uploads as services.files_check returned them."""
        data = self.cleaned_data
        return AppealDraft(
            channel=channel,
            category=data["category"],
            title=data["title"],
            description=data["description"],
            submitter=submitter,
            recorded_by=recorded_by,
            anonymous=anonymous,
            department=data.get("department"),
            place=data.get("place", ""),
            urgency=data["urgency"],
            consent_publish=data.get("consent_publish", False),
            idempotency_key=data.get("idempotency_key") or None,
            files=tuple(files),
        )
