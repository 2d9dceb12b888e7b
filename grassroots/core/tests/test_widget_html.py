"""Widgets written in Python (core.widget_html) give Django's templates' HTML exactly."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.test import override_settings
from django.utils.functional import lazy
from django.utils.safestring import mark_safe

from grassroots.core import widget_html
from grassroots.core.forms import GrassrootsFormRenderer

TEMPLATES_ONLY = TemplatesSetting()

# A lazy label, as gettext_lazy gives (not a message to translate: no msgid here).
later = lazy(str, str)
NASTY = 'a "quoted" <b>&amp; 中文 \' value'
CHOICES = [
    ("", later("Choose…")),
    (1, "一车间"),
    ("x<y", NASTY),
    ("Group", [("g1", "in a group"), (2, later("Other"))]),
    (3, mark_safe("<em>safe</em>")),
]

# (widget, name, value, attrs): every widget Django ships whose templates are written out.
CASES: list[tuple[forms.Widget, str, Any, dict[str, Any] | None]] = [
    (forms.TextInput(), "title", None, None),
    (forms.TextInput(), "title", "", {"id": "id_title", "required": True}),
    (forms.TextInput(attrs={"class": "form-control"}), "title", NASTY, {"aria-invalid": "true"}),
    (forms.TextInput(), "title", mark_safe("<i>kept</i>"), {"disabled": False, "x": None}),
    (forms.TextInput(), "n", 0, {"data-n": 0, "maxlength": 100}),
    (forms.NumberInput(), "n", 1234567, {"step": "any"}),
    (forms.EmailInput(), "e", "a@b.cn", None),
    (forms.URLInput(), "u", "https://x.cn/?a=1&b=2", None),
    (forms.PasswordInput(), "p", "secret", {"autocomplete": "off"}),
    (forms.PasswordInput(render_value=True), "p", "secret", None),
    (forms.HiddenInput(), "idempotency_key", "abc123", {"id": "id_key"}),
    (forms.DateInput(format="%Y-%m-%d"), "d", datetime.date(2026, 12, 6), None),
    (forms.TimeInput(), "t", datetime.time(8, 30), None),
    (forms.SearchInput(), "q", "<script>", None),
    (forms.TelInput(), "phone", "13800000000", None),
    (forms.ColorInput(), "c", "#ff0000", None),
    (forms.FileInput(), "f", None, {"accept": ".pdf"}),
    (forms.ClearableFileInput(attrs={"accept": ".jpg"}), "f", None, {"id": "id_f"}),
    (forms.CheckboxInput(), "consent", True, {"id": "id_consent"}),
    (forms.CheckboxInput(), "consent", False, None),
    (forms.Textarea(attrs={"rows": 6}), "description", "", {"id": "id_description"}),
    (forms.Textarea(), "description", "line 1\n<b>line 2</b> & 中文", {"required": True}),
    (forms.Select(choices=CHOICES), "category", None, {"id": "id_category"}),
    (forms.Select(choices=CHOICES), "category", "x<y", {"required": True, "class": "form-select"}),
    (forms.Select(choices=CHOICES), "category", 2, None),
    (forms.SelectMultiple(choices=CHOICES), "many", [1, "g1"], {"id": "id_many"}),
    (forms.NullBooleanSelect(), "nb", None, None),
    (forms.RadioSelect(choices=CHOICES), "urgency", 1, {"id": "id_urgency"}),
    (forms.RadioSelect(choices=CHOICES[1:3]), "urgency", None, {"class": "form-check-input"}),
    (forms.CheckboxSelectMultiple(choices=CHOICES), "many", ["g1", 3], {"id": "id_many"}),
]


def _context(widget: forms.Widget, name: str, value: Any, attrs: Any) -> dict[str, Any]:
    return widget.get_context(name, value, attrs)


@pytest.mark.parametrize(("widget", "name", "value", "attrs"), CASES)
def test_widget_is_written_as_its_template_renders_it(widget, name, value, attrs):
    # given the context Django builds for the widget
    context = _context(widget, name, value, attrs)
    template = context["widget"]["template_name"]
    # when it is written in Python
    written = widget_html.widget_html(template, context)
    # then it is written (not left to the template) and is the template's HTML exactly
    assert written is not None
    assert written == TEMPLATES_ONLY.render(template, context)


@pytest.mark.parametrize(
    "widget",
    [
        forms.RadioSelect(choices=CHOICES),
        forms.CheckboxSelectMultiple(choices=CHOICES),
    ],
)
@pytest.mark.parametrize("wrap_label", [False, True])
def test_each_option_of_a_radio_or_checkbox_group_is_written_as_its_template(widget, wrap_label):
    # the form's field template draws each radio button itself (BoundWidget.tag)
    for option in widget.subwidgets("urgency", [1], {"id": "id_urgency"}):
        context = {"widget": {**option, "wrap_label": wrap_label}}
        written = widget_html.widget_html(option["template_name"], context)
        assert written is not None
        assert written == TEMPLATES_ONLY.render(option["template_name"], context)


def test_a_file_already_stored_and_a_callable_value_are_left_to_the_template():
    class Stored:
        url = "/media/x.pdf"

        def __str__(self) -> str:
            return "x.pdf"

    stored = _context(forms.ClearableFileInput(), "f", Stored(), None)
    assert stored["widget"]["is_initial"]
    assert widget_html.widget_html(stored["widget"]["template_name"], stored) is None
    called = _context(forms.TextInput(), "title", "", {"data-x": lambda: "called"})
    assert widget_html.widget_html("django/forms/widgets/text.html", called) is None
    # and through the renderer the template draws them, as before
    renderer = GrassrootsFormRenderer()
    assert renderer.render("django/forms/widgets/text.html", called) == TEMPLATES_ONLY.render(
        "django/forms/widgets/text.html", called
    )


def test_a_form_renders_the_same_through_the_project_renderer_and_the_templates():
    class Everything(forms.Form):
        title = forms.CharField(help_text="hint")
        urgency = forms.ChoiceField(choices=CHOICES[1:3], widget=forms.RadioSelect)
        category = forms.ChoiceField(choices=CHOICES)
        text = forms.CharField(widget=forms.Textarea)
        agree = forms.BooleanField()

    class TemplatesOnly(GrassrootsFormRenderer):
        def render(self, template_name: str, context: Any, request: Any = None) -> str:
            return TemplatesSetting.render(self, template_name, context, request)

    data = {"title": "", "urgency": "zzz", "category": "x<y", "text": NASTY}
    fast = str(Everything(data, renderer=GrassrootsFormRenderer()))
    assert fast == str(Everything(data, renderer=TemplatesOnly()))
    assert 'aria-describedby="id_title_helptext id_title_error"' in fast


def test_a_widget_template_overridden_in_the_project_is_used(tmp_path):
    # given a project that draws text inputs its own way
    override = tmp_path / "django" / "forms" / "widgets"
    override.mkdir(parents=True)
    (override / "input.html").write_text('<input class="own" name="{{ widget.name }}">')
    templates = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [tmp_path],
            "APP_DIRS": True,
        }
    ]
    with override_settings(TEMPLATES=templates):
        # when a text input is rendered
        html = GrassrootsFormRenderer().render(
            "django/forms/widgets/text.html", _context(forms.TextInput(), "title", "", None)
        )
    # then the project's template drew it
    assert html == '<input class="own" name="title">'
