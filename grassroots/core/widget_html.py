"""Django's own widget templates, written out in Python.

Django renders every widget through a template, and a choice widget includes one more
template per option (and `attrs.html` inside each): a select of thirty departments is
some sixty template renders. These functions give the same HTML, character for
character, from the same widget context; `GrassrootsFormRenderer` uses them for the
templates named in `WRITERS` as long as those templates are Django's own files (a
project that overrides one gets its template back). Anything they do not expect — a
callable value, which a template would call, or an option drawn by a template not
listed — falls back to the template. `core/tests/test_widget_html.py` compares both
ways of rendering for every widget Django ships that uses them.

Each writer returns what its template file renders, trailing newline included, as the
`{% include %}`s inside Django's templates keep it; the renderer strips the outcome as
Django's does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from html import escape as _escape
from typing import Any

from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]

WIDGETS = "django/forms/widgets/"


class Unexpected(Exception):  # noqa: N818 - a signal to fall back, not an error
    """The context holds something the template would treat in a way not written here."""


def _shown(value: Any) -> str:
    """`{{ value }}`: localised, then escaped unless marked safe."""
    if type(value) is str:  # most of them: what Django's escape() does to a plain str
        return _escape(value)
    if callable(value):
        raise Unexpected
    value = localize(template_localtime(value))
    if not issubclass(type(value), str):
        value = str(value)
    return conditional_escape(value)


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: the filter keeps a safe input safe."""
    if type(value) is str:
        return _escape(value)
    if callable(value):
        raise Unexpected
    text = "%s" % (str(value) if isinstance(value, tuple) else value)
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: Mapping[str, Any]) -> str:
    """attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {_shown(name)}")
        else:
            parts.append(f' {_shown(name)}="{_formatted(value)}"')
    return "".join(parts)


def _input(widget: Mapping[str, Any]) -> str:
    """input.html."""
    value = widget["value"]
    shown_value = f' value="{_formatted(value)}"' if value != None else ""  # noqa: E711 - the template's `!= None`
    return (
        f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"'
        f"{shown_value}{_attrs(widget['attrs'])}>\n"
    )


def _includes_input(widget: Mapping[str, Any]) -> str:
    """text.html, hidden.html, checkbox.html …: `{% include "…/input.html" %}` and a newline."""
    return _input(widget) + "\n"


def _input_option(widget: Mapping[str, Any]) -> str:
    """input_option.html."""
    if not widget["wrap_label"]:
        return _input(widget) + "\n"
    element_id = widget["attrs"].get("id")
    label_for = f' for="{_shown(element_id)}"' if element_id else ""
    return f"<label{label_for}>{_input(widget)} {_shown(widget['label'])}</label>\n"


def _includes_input_option(widget: Mapping[str, Any]) -> str:
    """radio_option.html, checkbox_option.html."""
    return _input_option(widget) + "\n"


def _option(option: Mapping[str, Any]) -> str:
    """An option inside a choice widget, by its own template."""
    writer = WRITERS.get(option["template_name"])
    if writer is None:
        raise Unexpected
    return writer(option)


def _select_option(widget: Mapping[str, Any]) -> str:
    """select_option.html."""
    return (
        f'<option value="{_formatted(widget["value"])}"{_attrs(widget["attrs"])}>'
        f"{_shown(widget['label'])}</option>\n"
    )


def _select(widget: Mapping[str, Any]) -> str:
    """select.html: the options in one loop instead of one template each."""
    parts = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in group_choices:
            parts.append("\n  ")
            parts.append(_option(option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def _multiple_input(widget: Mapping[str, Any]) -> str:
    """multiple_input.html (radio buttons or checkboxes drawn as one widget)."""
    attrs = widget["attrs"]
    element_id, css_class = attrs.get("id"), attrs.get("class")
    parts = [
        "<div",
        f' id="{_shown(element_id)}"' if element_id else "",
        f' class="{_shown(css_class)}"' if css_class else "",
        ">",
    ]
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{_shown(group)}</label>")
        for option in options:
            parts.append(f"<div>\n    {_option(option)}</div>")
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>\n")
    return "".join(parts)


def _includes_multiple_input(widget: Mapping[str, Any]) -> str:
    """radio.html, checkbox_select.html."""
    return _multiple_input(widget) + "\n"


def _textarea(widget: Mapping[str, Any]) -> str:
    """textarea.html."""
    value = widget["value"]
    if callable(value):
        raise Unexpected
    return (
        f'<textarea name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{_shown(value) if value else ''}</textarea>\n"
    )


def _clearable_file_input(widget: Mapping[str, Any]) -> str:
    """clearable_file_input.html for a field with no file yet (the form's uploads); a
    file already stored is shown by the template."""
    if widget["is_initial"]:
        raise Unexpected
    return (
        f'\n<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"'
        f"{_attrs(widget['attrs'])}>\n"
    )


_INPUTS = "checkbox color date datetime email file hidden number password search tel text time url"

WRITERS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    **{f"{WIDGETS}{name}.html": _includes_input for name in _INPUTS.split()},
    f"{WIDGETS}input.html": _input,
    f"{WIDGETS}input_option.html": _input_option,
    f"{WIDGETS}radio_option.html": _includes_input_option,
    f"{WIDGETS}checkbox_option.html": _includes_input_option,
    f"{WIDGETS}select.html": _select,
    f"{WIDGETS}select_option.html": _select_option,
    f"{WIDGETS}multiple_input.html": _multiple_input,
    f"{WIDGETS}radio.html": _includes_multiple_input,
    f"{WIDGETS}checkbox_select.html": _includes_multiple_input,
    f"{WIDGETS}textarea.html": _textarea,
    f"{WIDGETS}clearable_file_input.html": _clearable_file_input,
}

# Every template whose output the writers reproduce, the ones included too: if the
# project overrides any of them, the templates are used.
TEMPLATES = (*WRITERS, f"{WIDGETS}attrs.html")


def widget_html(template_name: str, context: Mapping[str, Any]) -> str | None:
    """The widget's HTML as `template_name` renders it (stripped, as the form renderer
    strips it), or None when the template must draw it."""
    writer = WRITERS.get(template_name)
    widget = context.get("widget") if len(context) == 1 else None
    if writer is None or widget is None:
        return None
    try:
        return writer(widget).strip()
    except Unexpected:
        return None
