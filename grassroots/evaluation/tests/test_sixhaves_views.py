"""The six haves' pages for each kind of person — a branch's six haves (its officers and
the officers above), a committee's overview (its officers only), the place entry — with
bad input, double submits, escaping and a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.tests.clients import client_as, person
from grassroots.core import parameters
from grassroots.core.models import AuditEntry, RuleParameter
from grassroots.evaluation.sixhaves.models import SixHavesPlace
from grassroots.orgs.models import OrgUnit
from grassroots.orgs.tests.factories import MemberFactory, OrgUnitFactory
from grassroots.resources.models import Venue
from grassroots.resources.tests.factories import make_venue

pytestmark = pytest.mark.django_db


def branch_url(unit, **query):
    return reverse("evaluation:sixhaves_branch", args=[unit.pk])


def place_url(unit):
    return reverse("evaluation:sixhaves_place", args=[unit.pk])


OVERVIEW = reverse("evaluation:sixhaves_overview")


# --- A branch's six haves ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["officer_a", "committee_officer", "admin"])
def test_the_branch_officers_and_those_above_read_its_six_haves(world, who):
    response = client_as(person(world, who)).get(branch_url(world.branch_a))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert [have.key for have in response.context["result"].haves] == [
        "leadership",
        "backbone",
        "place",
        "carriers",
        "systems",
        "results",
    ]


@pytest.mark.parametrize("who", ["officer_b", "member_a", "employee"])
def test_others_get_not_found_for_a_branchs_six_haves(world, who):
    response = client_as(person(world, who)).get(branch_url(world.branch_a))
    assert response.status_code == 404


def test_a_missing_branch_a_group_and_a_committee_look_the_same(world):
    client = client_as(world.admin)
    for pk in (999_999, 10**25, world.group_a.pk, world.committee.pk):
        assert client.get(reverse("evaluation:sixhaves_branch", args=[pk])).status_code == 404
        assert client.get(reverse("evaluation:sixhaves_place", args=[pk])).status_code == 404


def test_an_anonymous_visitor_is_asked_to_sign_in_for_a_branch(world):
    response = Client().get(branch_url(world.branch_a))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_branch_page_shows_facts_thresholds_and_links_to_the_records(world):
    # given a branch with a term on record
    world.branch_a.term_ends_on = timezone.localdate() + datetime.timedelta(days=400)
    world.branch_a.save(update_fields=["term_ends_on"])
    year = timezone.localdate().year
    # when its officer opens it
    response = client_as(world.officer_a).get(branch_url(world.branch_a), {"year": year})
    html = response.content.decode()
    haves = {have.key: have for have in response.context["result"].haves}
    # then leadership is met (secretary, no committee needed with 3 full members),
    # the place cannot be judged (nothing recorded), carriers are not met (none)
    assert haves["leadership"].state == "met"
    assert haves["place"].state == "unknown"
    assert haves["carriers"].state == "not_met"
    # and the links lead to the records, filtered to the branch and the year
    assert f"{reverse('orglife:unit', args=[world.branch_a.pk])}?year={year}" in html
    assert f"{reverse('appeals:rates')}?unit={world.branch_a.pk}&amp;period={year}" in html
    assert (
        f"{reverse('service:deeds')}?unit={world.branch_a.pk}&amp;status=&amp;year={year}" in html
    )
    assert f"{reverse('service:commitments')}?year={year}&amp;unit={world.branch_a.pk}" in html
    assert f"{reverse('service:posts')}?unit={world.branch_a.pk}" in html
    assert "1" in haves["carriers"].threshold and "4" in haves["carriers"].threshold


def test_a_year_out_of_range_falls_back_to_this_year(world):
    client = client_as(world.officer_a)
    for raw in ("1999", "abc", "²", "-1", str(timezone.localdate().year + 1)):
        response = client.get(branch_url(world.branch_a), {"year": raw})
        assert response.status_code == 200
        assert response.context["year"] == timezone.localdate().year


# --- The committee's overview -----------------------------------------------------------


def test_the_committee_officer_sees_every_branch_in_tree_order(world):
    response = client_as(world.committee_officer).get(OVERVIEW)
    assert response.status_code == 200
    assert response.context["root"] == world.committee
    units = [row.figures.unit for row in response.context["rows"]]
    assert units == sorted([world.branch_a, world.branch_b], key=lambda unit: unit.path)
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert branch_url(world.branch_a) in html


def test_an_administrator_sees_the_top_committee(world):
    response = client_as(world.admin).get(OVERVIEW)
    assert response.status_code == 200 and response.context["root"] == world.committee


def test_a_threshold_changed_by_an_administrator_changes_the_judgement(world):
    # given branch A has no service post and no activity: carriers not met
    client = client_as(world.officer_a)
    haves = {h.key: h for h in client.get(branch_url(world.branch_a)).context["result"].haves}
    assert haves["carriers"].state == "not_met"
    # when the administrator asks for none of either
    for key in ("evaluation.sixhaves_min_posts", "evaluation.sixhaves_min_activities"):
        RuleParameter.objects.update_or_create(key=key, defaults={"value": 0})
    parameters.forget_cached_values()
    # then the same records meet it, and the threshold shown says so
    haves = {h.key: h for h in client.get(branch_url(world.branch_a)).context["result"].haves}
    assert haves["carriers"].state == "met"
    assert "0" in haves["carriers"].threshold


def test_the_branch_page_reads_a_fixed_number_of_queries(world):
    client = client_as(world.officer_a)
    client.get(branch_url(world.branch_a))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(branch_url(world.branch_a)).status_code == 200
        return len(captured)

    before = queries()
    for _ in range(5):
        MemberFactory(branch=world.branch_a, group=world.group_a)
    OrgUnitFactory(kind=OrgUnit.Kind.GROUP, parent=world.branch_a, code="A2")
    queries()  # again: new records built the kept scopes anew (accounts.scope)
    assert queries() == before


def test_a_branch_officer_is_taken_to_their_branch(world):
    response = client_as(world.officer_a).get(OVERVIEW)
    assert response.status_code == 302
    assert response["Location"] == branch_url(world.branch_a)


@pytest.mark.parametrize("who", ["member_a", "employee"])
def test_members_and_employees_get_not_found_for_the_overview(world, who):
    assert client_as(person(world, who)).get(OVERVIEW).status_code == 404


def test_a_branch_officer_cannot_open_the_committees_overview(world):
    response = client_as(world.officer_a).get(OVERVIEW, {"unit": world.committee.pk})
    assert response.status_code == 404


def test_the_overview_is_of_a_committee_not_of_a_branch(world):
    response = client_as(world.committee_officer).get(OVERVIEW, {"unit": world.branch_a.pk})
    assert response.status_code == 404


def test_an_anonymous_visitor_is_asked_to_sign_in_for_the_overview(world):
    response = Client().get(OVERVIEW)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_overview_reads_a_fixed_number_of_queries(world):
    client = client_as(world.committee_officer)
    client.get(OVERVIEW)  # parameters and sessions warmed up

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(OVERVIEW).status_code == 200
        return len(captured)

    two = queries()
    for n in range(6):
        branch = OrgUnitFactory(kind=OrgUnit.Kind.BRANCH, parent=world.committee, code=f"X{n}")
        OrgUnitFactory(kind=OrgUnit.Kind.GROUP, parent=branch, code=f"X{n}G")
        MemberFactory(branch=branch)
        SixHavesPlace.objects.create(
            unit=branch, year=timezone.localdate().year, has_place=True, note="活动室"
        )
    queries()  # again: new records built the kept scopes anew (accounts.scope)
    eight = queries()
    assert eight == two
    assert len(client.get(OVERVIEW).context["rows"]) == 8


# --- The place entry --------------------------------------------------------------------


@pytest.mark.parametrize("who", ["officer_a", "committee_officer"])
def test_an_officer_records_the_place_with_a_note_and_it_is_audited(world, who):
    # given
    client = client_as(person(world, who))
    year = timezone.localdate().year
    assert client.get(place_url(world.branch_a)).status_code == 200
    # when
    response = client.post(
        place_url(world.branch_a),
        {"year": year, "has_place": "yes", "note": "三楼党员活动室，每天开放"},
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == f"{branch_url(world.branch_a)}?year={year}"
    record = SixHavesPlace.objects.get(unit=world.branch_a, year=year)
    assert record.has_place and record.note == "三楼党员活动室，每天开放"
    entry = AuditEntry.objects.get(action="sixhaves.place_record")
    assert entry.actor_id == person(world, who).pk and entry.org_path == world.branch_a.path
    # and the branch page shows it as met, with the note
    page = client.get(response["Location"])
    haves = {have.key: have for have in page.context["result"].haves}
    assert haves["place"].state == "met"
    assert "三楼党员活动室" in page.content.decode()


def test_a_place_without_a_note_is_refused_and_nothing_is_saved(world):
    client = client_as(world.officer_a)
    year = timezone.localdate().year
    for data in (
        {"year": year, "has_place": "yes", "note": "   "},
        {"year": year, "note": "有活动室"},
        {"year": year + 1, "has_place": "no", "note": "没有"},
        {"year": year, "has_place": "maybe", "note": "没有"},
        {"year": year, "has_place": "no", "note": "字" * 1001},
    ):
        response = client.post(place_url(world.branch_a), data)
        assert response.status_code == 200, data
        assert response.context["form"].errors, data
    # the refusal is tied to the field, says what to write, and names the field's id
    response = client.post(
        place_url(world.branch_a), {"year": year, "has_place": "yes", "note": " "}
    )
    assert list(response.context["form"].errors) == ["note"]
    assert 'aria-invalid="true"' in response.content.decode()
    assert not SixHavesPlace.objects.exists()
    assert not AuditEntry.objects.filter(action="sixhaves.place_record").exists()


def test_sending_the_same_entry_twice_records_it_once(world):
    client = client_as(world.officer_a)
    data = {"year": timezone.localdate().year, "has_place": "no", "note": "活动室在装修"}
    client.post(place_url(world.branch_a), data)
    client.post(place_url(world.branch_a), data)
    assert SixHavesPlace.objects.count() == 1
    assert AuditEntry.objects.filter(action="sixhaves.place_record").count() == 1


def test_a_correction_replaces_the_entry_and_the_audit_keeps_both(world):
    client = client_as(world.officer_a)
    year = timezone.localdate().year
    client.post(place_url(world.branch_a), {"year": year, "has_place": "no", "note": "在装修"})
    client.post(place_url(world.branch_a), {"year": year, "has_place": "yes", "note": "装修好了"})
    record = SixHavesPlace.objects.get()
    assert record.has_place and record.note == "装修好了"
    entries = AuditEntry.objects.filter(action="sixhaves.place_record").order_by("pk")
    assert [entry.changes.get("has_place") for entry in entries][-1] == [False, True]


def test_script_in_the_note_is_shown_as_text(world):
    client = client_as(world.officer_a)
    year = timezone.localdate().year
    client.post(
        place_url(world.branch_a),
        {"year": year, "has_place": "yes", "note": "<script>alert(1)</script>"},
    )
    html = client.get(branch_url(world.branch_a)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("who", ["officer_b", "member_a", "employee"])
def test_others_cannot_record_a_branchs_place(world, who):
    client = client_as(person(world, who))
    assert client.get(place_url(world.branch_a)).status_code == 404
    data = {"year": timezone.localdate().year, "has_place": "yes", "note": "有"}
    assert client.post(place_url(world.branch_a), data).status_code == 404
    assert not SixHavesPlace.objects.exists()


def test_an_anonymous_visitor_is_asked_to_sign_in_to_record_a_place(world):
    for response in (
        Client().get(place_url(world.branch_a)),
        Client().post(place_url(world.branch_a), {"has_place": "yes", "note": "有"}),
    ):
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]
    assert not SixHavesPlace.objects.exists()


# --- The hub card -----------------------------------------------------------------------


def test_the_hub_card_is_for_officers_only(world):
    link = OVERVIEW
    assert link in client_as(world.officer_a).get(reverse("evaluation:home")).content.decode()
    assert (
        link in client_as(world.committee_officer).get(reverse("evaluation:home")).content.decode()
    )
    assert (
        link not in client_as(world.member_a.user).get(reverse("evaluation:home")).content.decode()
    )
    assert link not in client_as(world.employee).get(reverse("evaluation:home")).content.decode()


# --- The place read from venues ---------------------------------------------------------


def test_a_venue_of_the_branch_meets_the_place_with_its_facts_and_hours(world):
    # given branch A's activity room, open on weekdays, step-free, with a note on access
    venue = make_venue(
        world.branch_a,
        name="甲支部党员活动室",
        place="三楼东侧",
        hours={"0": ["08:30", "17:30"], "1": ["08:30", "17:30"], "5": ["09:00", "12:00"]},
        accessibility_notes="电梯直达三楼",
    )
    # when its officer opens the six haves
    response = client_as(world.officer_a).get(branch_url(world.branch_a))
    place = {have.key: have for have in response.context["result"].haves}["place"]
    html = response.content.decode()
    # then the place is met from the venue: its accessibility facts and opening hours
    assert place.state == "met"
    assert [fact.label for fact in place.facts] == ["甲支部党员活动室"]
    facts = place.facts[0].value
    assert "无台阶入口：有" in facts and "电梯直达三楼" in facts and "三楼东侧" in facts
    assert "星期一–星期二 08:30–17:30; 星期六 09:00–12:00" in facts
    # and it links to the venue, not to the statement an officer makes without one
    assert reverse("resources:venue", args=[venue.pk]) in html
    assert place_url(world.branch_a) not in html


def test_a_venue_of_the_committee_above_serves_the_branch_too(world):
    make_venue(world.committee, name="党群服务中心")
    for officer, branch in ((world.officer_a, world.branch_a), (world.officer_b, world.branch_b)):
        response = client_as(officer).get(branch_url(branch))
        place = {have.key: have for have in response.context["result"].haves}["place"]
        assert place.state == "met"
        assert world.committee.name in place.facts[0].label


def test_a_venue_outweighs_the_statement_which_stands_in_only_without_one(world):
    # given an officer stated this year that branch A has no place
    year = timezone.localdate().year
    SixHavesPlace.objects.create(
        unit=world.branch_a, year=year, has_place=False, note="活动室在装修"
    )
    client = client_as(world.officer_a)

    def place():
        response = client.get(branch_url(world.branch_a))
        return {h.key: h for h in response.context["result"].haves}["place"], response

    # then without a venue the statement is read, and the page says it stands in
    have, response = place()
    assert have.state == "not_met" and "活动室在装修" in response.content.decode()
    assert "stands in" in have.threshold or "代替" in have.threshold
    assert place_url(world.branch_a) in response.content.decode()
    # when a venue of the branch is recorded, the venue is read instead
    venue = make_venue(world.branch_a)
    have, response = place()
    assert have.state == "met" and "活动室在装修" not in response.content.decode()
    # and one taken out of use no longer counts: the statement is back
    Venue.objects.filter(pk=venue.pk).update(is_active=False)
    assert place()[0].state == "not_met"


def test_a_venue_recorded_after_a_year_does_not_count_for_it(world):
    make_venue(world.branch_a)
    last_year = timezone.localdate().year - 1
    response = client_as(world.officer_a).get(branch_url(world.branch_a), {"year": last_year})
    place = {have.key: have for have in response.context["result"].haves}["place"]
    assert place.state == "unknown"


def test_the_branch_page_reads_as_many_queries_with_more_venues(world):
    client = client_as(world.officer_a)
    make_venue(world.branch_a, name="一号室")
    client.get(branch_url(world.branch_a))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(branch_url(world.branch_a)).status_code == 200
        return len(captured)

    before = queries()
    make_venue(world.branch_a, name="二号室")
    make_venue(world.committee, name="党群服务中心")
    assert queries() == before


def test_the_overview_reads_venues_for_all_branches_at_once(world):
    client = client_as(world.committee_officer)
    make_venue(world.branch_a, name="甲室")
    client.get(OVERVIEW)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(OVERVIEW)
        assert response.status_code == 200
        return len(captured)

    before = queries()
    make_venue(world.branch_b, name="乙室")
    make_venue(world.committee, name="中心")
    assert queries() == before
    rows = client.get(OVERVIEW).context["rows"]
    assert {row.haves[2].state for row in rows} == {"met"}


@pytest.mark.parametrize("who", ["officer_b", "member_a", "employee"])
def test_others_do_not_see_a_branchs_venues_through_its_six_haves(world, who):
    make_venue(world.branch_a, name="甲支部党员活动室")
    response = client_as(person(world, who)).get(branch_url(world.branch_a))
    assert response.status_code == 404
    assert "甲支部党员活动室" not in response.content.decode()


def test_an_anonymous_visitor_sees_no_venue_through_the_six_haves(world):
    make_venue(world.branch_a, name="甲支部党员活动室")
    for url in (branch_url(world.branch_a), place_url(world.branch_a)):
        response = Client().get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_statement_form_says_a_venue_is_read_instead(world):
    venue = make_venue(world.committee, name="党群服务中心")
    response = client_as(world.officer_a).get(place_url(world.branch_a))
    html = response.content.decode()
    assert response.status_code == 200
    assert [v.pk for v in response.context["venues"]] == [venue.pk]
    assert reverse("resources:venue", args=[venue.pk]) in html
    # without a venue the note is not there
    Venue.objects.filter(pk=venue.pk).update(is_active=False)
    assert not client_as(world.officer_a).get(place_url(world.branch_a)).context["venues"]
