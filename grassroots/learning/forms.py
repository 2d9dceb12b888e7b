"""Forms of learning. The services check everything again; these give the fields."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from grassroots.learning.models import TEXT_MAX, TITLE_MAX, Material
from grassroots.learning.rules import HOURS_MAX
from grassroots.learning.vocabulary import Audience, MaterialKind
from grassroots.orgs import selectors as orgs


class _Idempotent(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)


class MaterialForm(_Idempotent):
    unit = forms.ModelChoiceField(queryset=orgs.no_units(), label=_("Party organisation"))
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=MaterialKind.choices,
        help_text=_("Video and audio are uploaded as a file or given by their web address."),
    )
    url = forms.CharField(label=_("Web address"), max_length=500, required=False)
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_(
            "A document: a PDF or a picture (JPEG, PNG). A video: MP4, WebM or Ogg. "
            "Audio: MP3, M4A, Ogg, WAV or WebM."
        ),
    )
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=TEXT_MAX,
        required=False,
    )
    plain_text = forms.CharField(
        label=_("Plain-text version or summary"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=TEXT_MAX,
        help_text=_(
            "Shown on the material's page for people using a screen reader and for those "
            "who find reading hard: short sentences, plain words."
        ),
    )

    def __init__(
        self, *args: Any, units: QuerySet[Any], editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units
        if editing:
            del self.fields["unit"]
            del self.fields["kind"]


class CourseForm(_Idempotent):
    unit = forms.ModelChoiceField(queryset=orgs.no_units(), label=_("Party organisation"))
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
    )
    hours = forms.DecimalField(
        label=_("Training hours earned on completing it"),
        min_value=Decimal(0),
        max_value=HOURS_MAX,
        max_digits=5,
        decimal_places=1,
    )
    audience = forms.ChoiceField(label=_("For"), choices=Audience.choices)
    named = forms.CharField(
        label=_("Named people: their employee numbers"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10000,
        required=False,
        help_text=_(
            "Only when the course is for named people: one employee number a line, or "
            "separated by commas. Anyone on the rolls of the course's organisation or one "
            "below it, at any stage."
        ),
    )
    materials = forms.ModelMultipleChoiceField(
        queryset=Material.objects.none(),
        label=_("Materials, in the order listed"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        units: QuerySet[Any],
        materials: QuerySet[Any],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units
        material_field = self.fields["materials"]
        assert isinstance(material_field, forms.ModelMultipleChoiceField)
        material_field.queryset = materials
        if editing:
            del self.fields["unit"]


class ExternalTrainingForm(_Idempotent):
    person = forms.CharField(
        label=_("Employee number of the person"),
        max_length=32,
        required=False,
        help_text=_("Leave empty for your own training."),
    )
    title = forms.CharField(label=_("Training"), max_length=TITLE_MAX)
    hours = forms.DecimalField(
        label=_("Training hours"),
        min_value=Decimal("0.1"),
        max_value=HOURS_MAX,
        max_digits=5,
        decimal_places=1,
    )
    taken_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    certificate = forms.FileField(
        label=_("Certificate"), required=False, help_text=_("A PDF or a photo (JPEG, PNG).")
    )

    def __init__(self, *args: Any, for_others: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not for_others:
            del self.fields["person"]
