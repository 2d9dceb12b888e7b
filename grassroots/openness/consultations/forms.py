"""Forms of consultations: they parse what people type; the services judge it."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import DateInput, StyledForm
from grassroots.openness.models import BODY_MAX, COMMENT_MAX, REASON_MAX, TITLE_MAX
from grassroots.openness.vocabulary import Audience, Matter, Outcome
from grassroots.service import rules as service_rules

# The five services, as the deeds' form names them (the same words, translated there).
SERVICE_CHOICES = [
    (service_rules.MASSES, _("Serving the masses (服务群众)")),
    (service_rules.REFORM, _("Serving reform (服务改革)")),
    (service_rules.DEVELOPMENT, _("Serving development (服务发展)")),
    (service_rules.MEMBERS, _("Serving members (服务党员)")),
    (service_rules.SOCIETY, _("Serving society (服务社会)")),
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content by the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("Up to 10 files: photos (JPEG, PNG) or PDF (optional)."))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class OnceForm(StyledForm):
    """A form with a one-time key: the same form sent twice is done once."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class ConsultationForm(OnceForm):
    unit = UnitChoiceField(label=_("Consulting organisation"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    draft = forms.CharField(
        label=_("The draft"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("The decision as it stands, in words everyone understands."),
    )
    matter = forms.ChoiceField(label=_("What it is about (三重一大)"), choices=Matter.choices)
    audience = forms.ChoiceField(label=_("Who is asked"), choices=Audience.choices)
    working_days = forms.IntegerField(
        label=_("Open for (working days)"),
        min_value=1,
        max_value=60,
        initial=5,
        help_text=_("Counted on the work calendar from today."),
    )
    questions = forms.CharField(
        label=_("Questions (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line, at most five."),
    )
    comments_shown = forms.BooleanField(
        label=_("Show comments to those asked (after moderation, without names)"),
        required=False,
    )
    attachments = MultipleFileField(label=_("Files of the draft"))

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def question_list(self) -> list[str]:
        return [q.strip() for q in self.cleaned_data.get("questions", "").splitlines() if q.strip()]


class CommentForm(OnceForm):
    text = forms.CharField(
        label=_("Your opinion"),
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you suggest and why. Up to 2,000 characters."),
    )
    anonymous = forms.BooleanField(
        label=_("Comment anonymously"),
        required=False,
        help_text=_(
            "Nothing will link the comment to you, not even for the officers; it is "
            "answered in the adoption report, and it will not be listed under your comments."
        ),
    )

    def __init__(self, *args: Any, questions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for number, question in enumerate(questions, start=1):
            self.fields[f"reply_{number}"] = forms.CharField(
                label=question,
                required=False,
                max_length=COMMENT_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        # the anonymity choice last, beside the button
        self.fields["anonymous"] = self.fields.pop("anonymous")

    def replies(self) -> list[str]:
        return [self.cleaned_data.get(f"reply_{n}", "") for n in range(1, len(self.questions) + 1)]


class HideForm(StyledForm):
    reason = forms.CharField(
        label=_("Why hide it"),
        max_length=200,
        help_text=_("Recorded. The comment still counts and still needs an answer."),
    )


class AnswerForm(StyledForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Those who commented read it in the adoption report."),
    )


class DeedForm(StyledForm):
    title = forms.CharField(label=_("What will be done"), max_length=200)
    description = forms.CharField(
        label=_("Details"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    owner = forms.CharField(
        label=_("Person responsible (employee number)"),
        max_length=32,
        required=False,
        help_text=_("Leave empty to be responsible yourself."),
    )
    services = forms.MultipleChoiceField(
        label=_("Which of the five services"),
        choices=SERVICE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    due_on = forms.DateField(label=_("Done by"), widget=DateInput())


class CloseForm(StyledForm):
    changes = forms.CharField(
        label=_("What changed in the decision"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Published in the adoption report, with every answer."),
    )


class DecisionForm(StyledForm):
    decision = forms.CharField(
        label=_("The decision taken"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput())
    meeting = forms.TypedChoiceField(
        label=_("Meeting that took it (optional)"), required=False, coerce=int, empty_value=None
    )
    attachments = MultipleFileField(label=_("Files of the decision"))

    def __init__(self, *args: Any, meetings: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].choices = [("", "—"), *meetings]  # type: ignore[attr-defined]
