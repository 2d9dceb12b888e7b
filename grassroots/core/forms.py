"""Form rendering shared by every app: Bootstrap classes, accessible errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import django
from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils.functional import cached_property

from grassroots.core import widget_html

_DJANGO_FORM_TEMPLATES = Path(django.__file__).parent / "forms" / "templates"


class GrassrootsFormRenderer(TemplatesSetting):
    """Renders forms with templates/forms/: an error summary linked to the fields, then
    each field with its label, hint and error tied to the input by aria-describedby.

    Widgets whose template is Django's own are written in Python (`core.widget_html`:
    the same HTML, without a template per option of a choice widget)."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"

    def render(self, template_name: str, context: Any, request: Any = None) -> str:
        if template_name in widget_html.WRITERS and self._widget_templates_are_django_s:
            html = widget_html.widget_html(template_name, context)
            if html is not None:
                return html
        return super().render(template_name, context, request)

    @cached_property
    def _widget_templates_are_django_s(self) -> bool:
        """Whether every widget template written in Python resolves to Django's own
        file: an override in the project's templates wins."""
        return all(
            (template := self.get_template(name)) is not None
            and Path(template.origin.name).is_relative_to(_DJANGO_FORM_TEMPLATES)
            for name in widget_html.TEMPLATES
        )


def _css_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        return "form-check-input"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "form-select"
    return "form-control"


class StyledFormMixin:
    """Gives every widget the Bootstrap class it needs."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            existing = widget.attrs.get("class", "")
            widget.attrs["class"] = f"{existing} {_css_class(widget)}".strip()


class StyledForm(StyledFormMixin, forms.Form):
    pass


class StyledModelForm(StyledFormMixin, forms.ModelForm):
    pass


class DateInput(forms.DateInput):
    """A native date picker: works with keyboards, screen readers and phones."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's refusal on the form: on the field it names when the form has that
    field, above the form otherwise."""
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)
