"""The new-appeal form (issue 13): drawn from option lists kept per process and with
widgets written in Python, it must stay the form people and screen readers know —
every field, label, required mark, hint, error and choice."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
from django.forms.renderers import TemplatesSetting
from django.urls import reverse
from django.utils import translation

from grassroots.appeals import selectors
from grassroots.appeals.forms import AppealForm, OnBehalfForm
from grassroots.appeals.models import Appeal, Category, Urgency
from grassroots.appeals.tests.factories import category
from grassroots.core.forms import GrassrootsFormRenderer
from grassroots.orgs.models import Department
from grassroots.orgs.selectors import department_choices, department_options
from grassroots.orgs.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


# --- what the page shows, read back from its HTML ---------------------------------------


@dataclass
class Control:
    tag: str
    attrs: dict[str, str | None]
    options: list[tuple[str, str, bool]] = field(default_factory=list)  # value, text, selected


@dataclass
class FormOnPage(HTMLParser):
    controls: list[Control] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # id → label text
    legends: list[tuple[str, str]] = field(default_factory=list)  # fieldset's describedby, text
    texts: dict[str, str] = field(default_factory=dict)  # id → text of any element
    _open: list[tuple[str, str | None]] = field(default_factory=list)  # tag, id
    _buffers: dict[str, list[str]] = field(default_factory=dict)
    _fieldset: str = ""

    def __post_init__(self) -> None:
        super().__init__()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("input", "select", "textarea"):
            self.controls.append(Control(tag, values))
        if tag == "option":
            self.controls[-1].options.append((values.get("value") or "", "", "selected" in values))
        if tag == "fieldset":
            self._fieldset = values.get("aria-describedby") or ""
        if tag in ("input", "br", "meta", "link", "img"):
            return
        key = values.get("id") or (
            f"label:{values['for']}" if tag == "label" and values.get("for") else None
        )
        if tag in ("option", "legend"):
            key = tag
        self._open.append((tag, key))
        if key:
            self._buffers[key] = []

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            open_tag, key = self._open.pop()
            if key:
                # ASCII white space only: departments are indented with U+3000
                text = re.sub(r"[ \t\r\n]+", " ", "".join(self._buffers.pop(key, [])))
                text = text.strip(" ")
                if key == "option":
                    value, _, selected = self.controls[-1].options[-1]
                    self.controls[-1].options[-1] = (value, text, selected)
                elif key == "legend":
                    self.legends.append((self._fieldset, text))
                elif key.startswith("label:"):
                    self.labels[key.removeprefix("label:")] = text
                else:
                    self.texts[key] = text
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for buffer in self._buffers.values():
            buffer.append(data)

    def control(self, name: str) -> Control:
        return next(c for c in self.controls if c.attrs.get("name") == name)


def read_form(html: str) -> FormOnPage:
    """The appeal form (the page has others: signing out, display settings)."""
    start = html.rindex("<form", 0, html.index('name="idempotency_key"'))
    form = html[start : html.index("</form>", start)]
    page = FormOnPage()
    page.feed(form)
    return page


def _sign_in(client_for: Any, user: Any, language: str = "zh-hans") -> Any:
    client = client_for(user)
    client.cookies["grassroots_language"] = language
    return client


def _category_labels(language: str) -> list[tuple[str, str]]:
    with translation.override(language):
        return [
            (str(c.pk), str(c))
            for c in Category.objects.filter(is_active=True).order_by("position", "pk")
        ]


# --- the page keeps its structure ---------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "required"), [("zh-hans", "（必填）"), ("en", "（required）")]
)
def test_new_appeal_page_shows_every_field_label_required_mark_and_choice(
    world, client_for, language, required
):
    # given a signed-in employee of department A
    client = _sign_in(client_for, world.employee, language)
    # when they open the form
    page = read_form(client.get(reverse("appeals:new")).content.decode())
    # then every field is there with its label, in the order of the form
    with translation.override(language):
        expected = [
            ("category", "select", "What is it about?"),
            ("title", "input", "Title"),
            ("description", "textarea", "What happened, or what do you need?"),
            ("department", "select", "Department or place concerned"),
            ("place", "input", "Place (optional)"),
            ("attachments", "input", "Photos or documents (optional)"),
            ("consent_publish", "input", None),
        ]
        names = [c.attrs["name"] for c in page.controls if c.attrs.get("type") != "hidden"]
        assert names == [
            "category", "title", "description", "department", "place",
            *["urgency"] * len(Urgency.choices), "attachments", "consent_publish",
        ]  # fmt: skip
        for name, tag, label in expected:
            control = page.control(name)
            assert control.tag == tag and control.attrs["id"] == f"id_{name}"
            if label is not None:
                assert page.labels[f"id_{name}"].startswith(translation.gettext(label))
        assert page.labels["id_consent_publish"] == translation.gettext(
            "When it is resolved, it may be shown on the outcome wall without my name"
        )
    # required fields are marked for the eye and for the browser
    for name in ("category", "title", "description"):
        assert page.labels[f"id_{name}"].endswith(required)
        assert "required" in page.control(name).attrs
    for name in ("department", "place"):
        assert required not in page.labels[f"id_{name}"]
        assert "required" not in page.control(name).attrs
    # the urgency is a group of radio buttons with a legend and its hint
    radios = [c for c in page.controls if c.attrs.get("name") == "urgency"]
    assert [r.attrs["value"] for r in radios] == [value for value, _ in Urgency.choices]
    with translation.override(language):
        assert [page.labels[r.attrs["id"]] for r in radios] == [
            str(label) for _, label in Urgency.choices
        ]
        assert page.legends == [
            ("id_urgency_helptext", translation.gettext("How urgent is it?") + " " + required)
        ]
        assert page.texts["id_urgency_helptext"] == translation.gettext(
            "Urgent: safety or someone's livelihood at risk today."
        )
    assert [r.attrs["id"] for r in radios if "checked" in r.attrs] == ["id_urgency_1"]
    # hints are tied to their inputs
    assert page.control("title").attrs["aria-describedby"] == "id_title_helptext"
    assert page.control("attachments").attrs["aria-describedby"] == "id_attachments_helptext"
    # every category in the user's language, and every department, the user's chosen
    category_options = page.control("category").options
    with translation.override(language):
        expected_options = [("", translation.gettext("Choose…")), *_category_labels(language)]
    assert [(v, t) for v, t, _ in category_options] == expected_options
    departments = page.control("department").options
    assert [(v, t) for v, t, _ in departments[1:]] == [
        (str(d.pk), "　" * d.depth + d.name)
        for d in Department.objects.filter(is_active=True).order_by("path")
    ]
    assert [v for v, _, selected in departments if selected] == [str(world.department_a.pk)]
    assert page.control("idempotency_key").attrs["type"] == "hidden"


def test_a_form_sent_with_mistakes_comes_back_with_each_error_tied_to_its_field(world, client_for):
    # given an employee who sends the form without a title and with a made-up urgency
    client = _sign_in(client_for, world.employee)
    data = {
        "category": category().pk,
        "title": "",
        "description": "宿舍晚上没有热水",
        "department": world.department_b.pk,
        "urgency": "whenever",
    }
    # when the form comes back
    response = client.post(reverse("appeals:new"), data)
    html = response.content.decode()
    page = read_form(html)
    # then nothing was sent, the summary links each problem to its field…
    assert response.status_code == 200 and 'class="error-summary' in html
    assert 'href="#id_title"' in html and 'href="#id_urgency"' in html
    # …each field with an error says so and points at its message
    title = page.control("title")
    assert title.attrs["aria-invalid"] == "true"
    assert title.attrs["aria-describedby"] == "id_title_helptext id_title_error"
    assert page.texts["id_title_error"] == "这个字段是必填项。"
    assert page.legends == [("id_urgency_helptext id_urgency_error", "紧急程度 （必填）")]
    assert page.texts["id_urgency_error"].startswith("选择一个有效的选项")
    # …and what was typed or chosen is kept
    assert page.control("description").tag == "textarea"
    assert "宿舍晚上没有热水" in html
    chosen = [v for v, _, selected in page.control("category").options if selected]
    assert chosen == [str(category().pk)]
    chosen = [v for v, _, selected in page.control("department").options if selected]
    assert chosen == [str(world.department_b.pk)]


class _TemplatesOnly(GrassrootsFormRenderer):
    """The renderer as it was: every widget and option through its template."""

    def render(self, template_name: str, context: Any, request: Any = None) -> str:
        return TemplatesSetting.render(self, template_name, context, request)


def _as_before(form: AppealForm) -> AppealForm:
    """The same form drawing its categories and departments from the database."""
    for name in ("category", "department"):
        form.fields[name].widget.choices = form.fields[name].choices  # type: ignore[attr-defined]
    form.renderer = _TemplatesOnly()
    return form


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("bound", [False, True])
def test_the_form_is_the_same_html_as_when_drawn_from_the_database_by_templates(
    world, language, bound
):
    translation.activate(language)
    data = {"title": "x" * 101, "urgency": "whenever", "department": str(world.department_b.pk)}
    args = (data,) if bound else ()
    for selected in (world.department_a, None):
        kwargs = {
            "initial": {"department": selected, "idempotency_key": "k"},
            "departments": department_choices(selected),
        }
        options = functools.partial(department_options, selected)
        now = AppealForm(*args, department_options=options, **kwargs)
        assert str(now) == str(_as_before(AppealForm(*args, **kwargs)))
    on_behalf = OnBehalfForm(
        *args, initial={"idempotency_key": "k"}, departments=department_choices()
    )
    now = OnBehalfForm(
        *args,
        initial={"idempotency_key": "k"},
        departments=department_choices(),
        department_options=department_options,
    )
    assert str(now) == str(_as_before(on_behalf))


@pytest.mark.parametrize("url", ["appeals:anonymous", "appeals:on_behalf"])
def test_the_other_appeal_forms_show_every_category_and_department(world, client_for, url):
    client = _sign_in(client_for, world.officer_a if url == "appeals:on_behalf" else None)
    page = read_form(client.get(reverse(url)).content.decode())
    assert [(v, t) for v, t, _ in page.control("category").options[1:]] == _category_labels(
        "zh-hans"
    )
    assert [v for v, _, _ in page.control("department").options[1:]] == [
        str(pk)
        for pk in Department.objects.filter(is_active=True)
        .order_by("path")
        .values_list("pk", flat=True)
    ]


# --- the kept option lists ----------------------------------------------------------------


def _category_texts(client: Any) -> list[str]:
    page = read_form(client.get(reverse("appeals:new")).content.decode())
    return [text for _, text, _ in page.control("category").options[1:]]


def test_a_category_added_renamed_or_withdrawn_shows_in_the_next_form(world, client_for):
    client = _sign_in(client_for, world.employee)
    before = _category_texts(client)
    added = Category.objects.create(code="noise", name="噪音", name_en="Noise", position=99)
    assert _category_texts(client) == [*before, "噪音"]
    added.name = "车间噪音"
    added.save(update_fields=["name"])
    assert _category_texts(client)[-1] == "车间噪音"
    added.is_active = False
    added.save(update_fields=["is_active"])
    assert _category_texts(client) == before
    added.delete()
    assert _category_texts(client) == before


def test_categories_are_kept_per_language(world, client_for):
    Category.objects.create(code="noise", name="噪音", name_en="Noise", position=99)
    assert _category_texts(_sign_in(client_for, world.employee))[-1] == "噪音"
    assert _category_texts(_sign_in(client_for, world.employee, "en"))[-1] == "Noise"
    assert _category_texts(_sign_in(client_for, world.employee))[-1] == "噪音"


def test_a_kept_list_is_read_once_and_again_when_another_process_changes_it(
    world, django_assert_num_queries
):
    # given the lists built once
    selectors.category_options()
    department_options()
    # when nothing changed, no query reads them again
    with django_assert_num_queries(0):
        selectors.category_options()
        department_options(world.department_a)
    # when another process renamed a category (here: the row changed without a signal
    # in this process, and the shared stamp moved as the other process's save moves it)
    Category.objects.filter(code="other").update(name="其他事项")
    assert (category("other").pk, "其他事项") not in selectors.category_options()
    from django.core.cache import cache

    cache.set("option-list-stamp:appeals.categories", "moved elsewhere", None)
    # then this process reads the categories again
    assert (category("other").pk, "其他事项") in selectors.category_options()


def test_a_change_without_a_signal_shows_after_the_longest_keep(world, monkeypatch):
    from grassroots.core import option_lists

    department_options()
    Department.objects.filter(pk=world.department_b.pk).update(name="二车间（新）")  # no signal
    assert (world.department_b.pk, "　二车间") in department_options()
    later = option_lists.time.monotonic() + option_lists.MAX_AGE + 1
    monkeypatch.setattr(option_lists.time, "monotonic", lambda: later)
    assert (world.department_b.pk, "　二车间（新）") in department_options()


def test_a_department_added_shows_in_the_next_form(world, client_for):
    client = _sign_in(client_for, world.employee)
    new = DepartmentFactory(name="三车间", code="DC", parent=world.department_a.parent)
    page = read_form(client.get(reverse("appeals:new")).content.decode())
    assert (str(new.pk), "　三车间") in [(v, t) for v, t, _ in page.control("department").options]


def test_a_large_enterprise_offers_its_top_levels_and_the_chosen_department(world, monkeypatch):
    from grassroots.orgs import selectors as orgs_selectors

    # given more departments than a picker lists: teams under both workshops
    team_a = DepartmentFactory(name="甲班", parent=world.department_a)
    team_b = DepartmentFactory(name="乙班", parent=world.department_b)
    monkeypatch.setattr(orgs_selectors, "UNIT_CHOICES_LIMIT", 4)
    orgs_selectors._department_offers.changed()
    # then the form offers the top levels and the team already chosen, in tree order,
    # exactly what the department is checked against
    # (given as a department or as its id, as the form's page gives the person's own)
    for selected in (team_b, team_b.pk, world.department_a, world.department_a.pk, None):
        offered = [pk for pk, _ in department_options(selected)]
        assert offered == list(department_choices(selected).values_list("pk", flat=True))
    for selected in (team_b, team_b.pk):
        offered = [pk for pk, _ in department_options(selected)]
        assert team_b.pk in offered and team_a.pk not in offered
        assert offered.index(team_b.pk) == offered.index(world.department_b.pk) + 1


def test_an_employee_of_a_deeper_team_finds_it_chosen_and_can_send_it(
    world, client_for, monkeypatch
):
    from grassroots.orgs import selectors as orgs_selectors

    # given a large enterprise (the picker lists its top levels) and an employee of a team
    team = DepartmentFactory(name="丙班", parent=world.department_b)
    monkeypatch.setattr(orgs_selectors, "UNIT_CHOICES_LIMIT", 4)
    orgs_selectors._department_offers.changed()
    world.employee.department = team
    world.employee.save(update_fields=["department"])
    client = client_for(world.employee)
    # when they open the form
    page = read_form(client.get(reverse("appeals:new")).content.decode())
    # then their team is offered and chosen
    chosen = [value for value, _text, selected in page.control("department").options if selected]
    assert chosen == [str(team.pk)]
    # and the form sent with it raises the appeal for that team
    response = client.post(
        reverse("appeals:new"),
        {
            "category": category().pk,
            "title": "班组热水",
            "description": "班组休息室没有热水。",
            "department": team.pk,
            "urgency": "normal",
        },
    )
    assert response.status_code == 302
    assert Appeal.objects.get(title="班组热水").department == team


def test_the_deeper_department_is_read_once_and_a_rename_shows_in_the_next_form(
    world, monkeypatch, django_assert_num_queries
):
    from grassroots.orgs import selectors as orgs_selectors

    # given a large enterprise (the picker lists its top levels) and a team below them
    team = DepartmentFactory(name="丁班", parent=world.department_b)
    monkeypatch.setattr(orgs_selectors, "UNIT_CHOICES_LIMIT", 2)
    orgs_selectors._department_offers.changed()
    assert orgs_selectors._department_offers(None).partial
    assert (team.pk, "　　丁班") in department_options(team.pk)
    # when the next form offers it: nothing is read
    with django_assert_num_queries(0):
        assert (team.pk, "　　丁班") in department_options(team.pk)
    # a rename (a save) shows in the next form; a team closed is no longer offered
    team.name = "丁班（新）"
    team.save()
    assert (team.pk, "　　丁班（新）") in department_options(team.pk)
    team.is_active = False
    team.save()
    assert team.pk not in [pk for pk, _ in department_options(team.pk)]


def test_a_cache_that_cannot_be_reached_neither_breaks_the_form_nor_a_save(
    world, client_for, monkeypatch
):
    # given: the shared cache is down (Redis gone)
    from django.core.cache import cache

    def down(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("cache down")

    for name in ("get", "set", "add"):
        monkeypatch.setattr(cache, name, down)
    # when: a category is added and an employee opens the form
    added = Category.objects.create(code="cache-down", name="缓存故障时新增", position=99)
    page = client_for(world.employee).get(reverse("appeals:new"))
    # then: the save went through and the form shows it, read from the database
    assert page.status_code == 200
    assert added.name in page.content.decode()
