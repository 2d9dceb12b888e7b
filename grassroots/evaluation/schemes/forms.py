"""Forms of indicator schemes: they parse input; the services decide what is valid."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import StyledForm
from grassroots.evaluation import sources
from grassroots.evaluation.schemes.models import HAND, Indicator
from grassroots.orgs.vocabulary import UnitKind

TEXT_MAX = 2000
KIND_CHOICES = [
    (UnitKind.COMMITTEE, UnitKind.COMMITTEE.label),
    (UnitKind.GENERAL_BRANCH, UnitKind.GENERAL_BRANCH.label),
    (UnitKind.BRANCH, UnitKind.BRANCH.label),
]
CURVE_CHOICES = [
    ("linear", _("Linear between a floor and a target")),
    ("steps", _("Steps by thresholds")),
    ("deduction", _("Deductions per occurrence (扣分制)")),
]


def source_choices() -> list[tuple[str, Any]]:
    return [(HAND, _("Judged by hand by the assessor"))] + [
        (key, source.label) for key, source in sources.SOURCES.items()
    ]


class SchemeForm(StyledForm):
    unit: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Committee"), queryset=None, empty_label=None
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class CopyForm(StyledForm):
    scheme: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Scheme to copy"), queryset=None, empty_label=None
    )
    year = forms.IntegerField(label=_("For the year"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, schemes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = schemes  # type: ignore[attr-defined]
        self.fields["scheme"].label_from_instance = lambda s: f"{s.unit.name} · {s.title}"  # type: ignore[attr-defined]


class DimensionForm(StyledForm):
    name = forms.CharField(label=_("New dimension"), max_length=100)


class IndicatorForm(StyledForm):
    dimension: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Dimension"), queryset=None, empty_label=None
    )
    name = forms.CharField(label=_("Indicator"), max_length=200)
    points = forms.DecimalField(label=_("Points"), max_digits=5, decimal_places=2)
    applies_to = forms.MultipleChoiceField(
        label=_("Applies to"), choices=KIND_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    source = forms.ChoiceField(label=_("Source of the figure"))
    curve_kind = forms.ChoiceField(
        label=_("Scoring curve"),
        choices=CURVE_CHOICES,
        required=False,
        help_text=_("Not used for indicators judged by hand."),
    )
    floor = forms.DecimalField(
        label=_("Floor (no points)"), required=False, max_digits=12, decimal_places=2
    )
    target = forms.DecimalField(
        label=_("Target (full points)"), required=False, max_digits=12, decimal_places=2
    )
    thresholds = forms.CharField(
        label=_("Thresholds"),
        required=False,
        max_length=500,
        help_text=_("For steps: value:points pairs separated by commas, e.g. 80:5, 90:8, 95:10."),
    )
    descending = forms.BooleanField(label=_("Lower values are better (steps)"), required=False)
    per_occurrence = forms.DecimalField(
        label=_("Points deducted per occurrence"), required=False, max_digits=6, decimal_places=2
    )

    def __init__(self, *args: Any, dimensions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dimension"].queryset = dimensions  # type: ignore[attr-defined]
        self.fields["source"].choices = source_choices()  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, indicator: Indicator) -> dict[str, Any]:
        curve = indicator.curve or {}
        return {
            "dimension": indicator.dimension_id,
            "name": indicator.name,
            "points": indicator.points,
            "applies_to": list(indicator.applies_to),
            "source": indicator.source,
            "curve_kind": curve.get("kind", ""),
            "floor": curve.get("floor"),
            "target": curve.get("target"),
            "thresholds": ", ".join(f"{a}:{b}" for a, b in curve.get("thresholds", [])),
            "descending": curve.get("descending", False),
            "per_occurrence": curve.get("per_occurrence"),
        }

    def clean_thresholds(self) -> list[list[str]]:
        text = self.cleaned_data.get("thresholds") or ""
        pairs = []
        for part in text.replace("，", ",").replace("：", ":").split(","):
            if not part.strip():
                continue
            value, sep, points = part.partition(":")
            if not sep:
                raise forms.ValidationError(_("Write each threshold as value:points, e.g. 90:8."))
            try:
                pairs.append([str(Decimal(value.strip())), str(Decimal(points.strip()))])
            except ArithmeticError:
                raise forms.ValidationError(
                    _("Write each threshold as value:points, e.g. 90:8.")
                ) from None
        return pairs

    def curve(self) -> dict[str, Any]:
        data = self.cleaned_data
        kind = data.get("curve_kind") or ""
        if kind == "linear":
            return {
                "kind": kind,
                "floor": _plain(data.get("floor")),
                "target": _plain(data.get("target")),
            }
        if kind == "steps":
            return {
                "kind": kind,
                "thresholds": data.get("thresholds") or [],
                "descending": bool(data.get("descending")),
            }
        if kind == "deduction":
            return {"kind": kind, "per_occurrence": _plain(data.get("per_occurrence"))}
        return {}


def _plain(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


# Service errors keyed by these names are shown on these fields.
CURVE_FIELD = {"curve": "curve_kind", "floor": "floor"}


class JudgeForm(StyledForm):
    earned = forms.DecimalField(
        label=_("Points given"), max_digits=6, decimal_places=2, min_value=0
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.FileField(label=_("Evidence (optional: a photo or a PDF)"), required=False)


class ObjectionForm(StyledForm):
    indicator: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Indicator"), queryset=None, required=False, empty_label=_("The result as a whole")
    )
    text = forms.CharField(
        label=_("What is wrong with the score"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, indicators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators  # type: ignore[attr-defined]


class AnswerForm(StyledForm):
    answer = forms.CharField(
        label=_("Answer"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    new_score = forms.DecimalField(
        label=_("Changed score (leave empty to keep it)"),
        required=False,
        max_digits=6,
        decimal_places=2,
    )
