"""Pages of indicator schemes: every view for an in-scope user, an out-of-scope user
(404, as for a missing object) and an anonymous visitor (sign-in)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from grassroots.evaluation.schemes.models import (
    Assessment,
    Indicator,
    IndicatorScheme,
    IndicatorScore,
    Objection,
)
from grassroots.evaluation.tests.schemes_factories import make_scheme, scored

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2026, 3, 2)


def _assessment(world, **kwargs):
    scheme = scored(world, **kwargs)
    return Assessment.objects.get(scheme=scheme, unit=world.branch_a)


def test_scheme_list_is_for_committee_officers(world, client_for):
    url = reverse("evaluation:schemes")
    assert client_for(world.committee_officer).get(url).status_code == 200
    assert client_for(world.officer_a).get(url).status_code == 404
    assert client_for(world.employee).get(url).status_code == 404
    response = client_for(None).get(url)
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_committee_officer_creates_a_scheme_and_a_double_submit_is_refused_clearly(
    world, client_for
):
    client = client_for(world.committee_officer)
    data = {
        "action": "create",
        "new-unit": world.committee.pk,
        "new-year": 2026,
        "new-title": "<script>x</script>",
    }
    first = client.post(reverse("evaluation:schemes"), data)
    assert first.status_code == 302
    second = client.post(reverse("evaluation:schemes"), data)
    assert second.status_code == 200 and "2026" in second.content.decode()
    assert IndicatorScheme.objects.count() == 1
    page = client.get(first["Location"]).content.decode()
    assert "<script>x</script>" not in page and "&lt;script&gt;" in page


def test_scheme_page_is_404_outside_the_committee_and_sign_in_for_anonymous(world, client_for):
    scheme = make_scheme(world)
    url = reverse("evaluation:scheme", args=[scheme.pk])
    assert client_for(world.committee_officer).get(url).status_code == 200
    assert client_for(world.officer_a).get(url).status_code == 404
    assert client_for(world.member_a.user).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302
    assert (
        client_for(world.committee_officer)
        .get(reverse("evaluation:scheme", args=[9999]))
        .status_code
        == 404
    )


def test_publishing_a_scheme_that_misses_points_shows_the_message(world, client_for):
    scheme = make_scheme(world, publish=False)
    Indicator.objects.filter(name="服务场所").delete()
    response = client_for(world.committee_officer).post(
        reverse("evaluation:scheme_publish", args=[scheme.pk])
    )
    assert response.status_code == 200
    assert "publish-errors" in response.content.decode()
    scheme.refresh_from_db()
    assert not scheme.is_published


def test_an_indicator_with_the_floor_above_the_target_is_refused_on_the_floor_field(
    world, client_for
):
    scheme = make_scheme(world, publish=False)
    response = client_for(world.committee_officer).post(
        reverse("evaluation:scheme_indicator_add", args=[scheme.pk]),
        {
            "indicator-dimension": scheme.dimensions.first().pk,
            "indicator-name": "新指标",
            "indicator-points": "5",
            "indicator-applies_to": ["branch"],
            "indicator-source": "appeals.composite",
            "indicator-curve_kind": "linear",
            "indicator-floor": "95",
            "indicator-target": "60",
        },
    )
    assert response.status_code == 200
    assert 'id="id_indicator-floor_error"' in response.content.decode()
    assert not Indicator.objects.filter(name="新指标").exists()


def test_scoring_on_demand_shows_its_progress(
    world, client_for, django_capture_on_commit_callbacks
):
    scheme = make_scheme(world)
    client = client_for(world.committee_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("evaluation:scheme_score", args=[scheme.pk]), HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200 and 'id="scoring-progress"' in response.content.decode()
    assert (
        Assessment.objects.filter(scheme=scheme).count() == 2
    )  # the test backend runs tasks at once
    progress = client.get(reverse("evaluation:scheme_progress", args=[scheme.pk]))
    assert progress.status_code == 200
    assert (
        client_for(world.officer_a)
        .get(reverse("evaluation:scheme_progress", args=[scheme.pk]))
        .status_code
        == 404
    )


def test_final_scores_offer_no_scoring_and_refuse_one(world, client_for):
    # given results released on a Monday in March: the window closed long ago
    scheme = scored(world, year=2026, release_on=MONDAY)
    client = client_for(world.committee_officer)
    url = reverse("evaluation:scheme_score", args=[scheme.pk])
    page = client.get(reverse("evaluation:scheme", args=[scheme.pk])).content.decode()
    assert f'action="{url}"' not in page
    # a stale page's click is refused, saying why, and starts nothing
    refused = client.post(url, HTTP_HX_REQUEST="true")
    assert refused.status_code == 200 and 'role="alert"' in refused.content.decode()
    response = client.post(url)
    said = " ".join(str(message) for message in get_messages(response.wsgi_request))
    assert response.status_code == 302 and "2026-03-09" in said  # when objections closed
    assert not scheme.runs.exists()


def test_the_ordered_results_and_export_are_for_the_committee_only(world, client_for):
    scheme = scored(world, release_on=MONDAY)
    page = (
        client_for(world.committee_officer)
        .get(reverse("evaluation:scheme", args=[scheme.pk]))
        .content.decode()
    )
    assert world.branch_a.name in page and world.branch_b.name in page
    export = client_for(world.committee_officer).get(
        reverse("evaluation:scheme_export", args=[scheme.pk])
    )
    assert export.status_code == 200
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert len(rows) == 3 and {rows[1][0], rows[2][0]} == {world.branch_a.name, world.branch_b.name}
    for outsider in (world.officer_a, world.member_a.user, world.employee):
        assert (
            client_for(outsider)
            .get(reverse("evaluation:scheme_export", args=[scheme.pk]))
            .status_code
            == 404
        )
    assert (
        client_for(None).get(reverse("evaluation:scheme_export", args=[scheme.pk])).status_code
        == 302
    )


def test_a_units_breakdown_is_for_its_officers_and_those_above_once_released(world, client_for):
    assessment = _assessment(world)
    url = reverse("evaluation:assessment", args=[assessment.pk])
    # not released yet: only the assessor
    assert client_for(world.committee_officer).get(url).status_code == 200
    assert client_for(world.officer_a).get(url).status_code == 404
    IndicatorScheme.objects.filter(pk=assessment.scheme_id).update(results_published_on=MONDAY)
    assert client_for(world.officer_a).get(url).status_code == 200
    assert client_for(world.officer_b).get(url).status_code == 404
    assert client_for(world.member_a.user).get(url).status_code == 404
    assert client_for(world.employee).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302


def test_a_score_opens_onto_its_records(world, client_for):
    assessment = _assessment(world, release_on=MONDAY)
    indicator = Indicator.objects.get(dimension__scheme=assessment.scheme, name="三会一课")
    url = reverse("evaluation:score", args=[assessment.pk, indicator.pk])
    page = client_for(world.officer_a).get(url).content.decode()
    assert reverse("orglife:unit", args=[world.branch_a.pk]) + "?year=2025" in page
    assert client_for(world.officer_b).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302


def test_the_branch_lodges_an_objection_within_the_window_and_the_text_is_escaped(
    world, client_for
):
    assessment = _assessment(world, release_on=MONDAY)
    url = reverse("evaluation:objection_lodge", args=[assessment.pk])
    with mock.patch("grassroots.evaluation.schemes.views.timezone.localdate", return_value=MONDAY):
        response = client_for(world.officer_a).post(url, {"text": "<b>漏记</b>"})
    assert response.status_code == 302
    page = (
        client_for(world.officer_a)
        .get(reverse("evaluation:assessment", args=[assessment.pk]))
        .content.decode()
    )
    assert "&lt;b&gt;漏记&lt;/b&gt;" in page
    # the officer above may read but not object; another branch's officer sees nothing
    assert client_for(world.officer_b).post(url, {"text": "x"}).status_code == 404
    assert client_for(world.committee_officer).post(url, {"text": "x"}).status_code == 404
    assert Objection.objects.count() == 1


def test_an_objection_after_the_window_is_refused_with_a_message(world, client_for):
    assessment = _assessment(world, release_on=MONDAY)
    later = MONDAY + datetime.timedelta(days=30)
    with mock.patch("grassroots.evaluation.schemes.views.timezone.localdate", return_value=later):
        response = client_for(world.officer_a).post(
            reverse("evaluation:objection_lodge", args=[assessment.pk]), {"text": "不服"}
        )
    assert response.status_code == 200 and "2026-03-09" in response.content.decode()
    assert Objection.objects.count() == 0


def test_the_assessor_answers_and_changes_the_score(world, client_for):
    assessment = _assessment(world, release_on=MONDAY)
    indicator = Indicator.objects.get(dimension__scheme=assessment.scheme, name="三会一课")
    objection = Objection.objects.create(
        assessment=assessment, indicator=indicator, text="漏记", lodged_by=world.officer_a
    )
    url = reverse("evaluation:objection_answer", args=[assessment.pk, objection.pk])
    assert client_for(world.officer_a).post(url, {"answer": "x"}).status_code == 404
    bad = client_for(world.committee_officer).post(url, {"answer": "改", "new_score": "99"})
    assert (
        bad.status_code == 200
        and IndicatorScore.objects.get(assessment=assessment, indicator=indicator).earned == 0
    )
    good = client_for(world.committee_officer).post(url, {"answer": "已核实", "new_score": "30"})
    assert good.status_code == 302
    assert IndicatorScore.objects.get(assessment=assessment, indicator=indicator).earned == Decimal(
        30
    )


def _png() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    out.seek(0)
    out.name = "room.png"
    return out


def test_the_assessor_judges_by_hand_with_a_reason_and_evidence(world, client_for):
    assessment = _assessment(world, release_on=MONDAY)
    indicator = Indicator.objects.get(dimension__scheme=assessment.scheme, name="服务场所")
    url = reverse("evaluation:score_judge", args=[assessment.pk, indicator.pk])
    assert client_for(world.officer_a).post(url, {"earned": "10", "reason": "x"}).status_code == 404
    fake = io.BytesIO(b"not a picture")
    fake.name = "x.png"
    refused = client_for(world.committee_officer).post(
        url, {"earned": "10", "reason": "有", "evidence": fake}
    )
    assert refused.status_code == 200 and 'id="id_evidence_error"' in refused.content.decode()
    # judged before the release (10 points), and the refused change saved nothing
    assert IndicatorScore.objects.get(assessment=assessment, indicator=indicator).earned == 10
    saved = client_for(world.committee_officer).post(
        url, {"earned": "18", "reason": "有活动室", "evidence": _png()}
    )
    assert saved.status_code == 302
    score = IndicatorScore.objects.get(assessment=assessment, indicator=indicator)
    assert score.earned == Decimal(18) and score.evidence_name == "room.png"
    evidence = reverse("evaluation:score_evidence", args=[assessment.pk, indicator.pk])
    assert client_for(world.officer_a).get(evidence).status_code == 200
    assert client_for(world.officer_b).get(evidence).status_code == 404


def test_my_results_lists_only_released_results_in_my_units(world, client_for):
    assessment = _assessment(world, release_on=MONDAY)
    page = (
        client_for(world.officer_a).get(reverse("evaluation:scheme_results_mine")).content.decode()
    )
    assert reverse("evaluation:assessment", args=[assessment.pk]) in page
    assert world.branch_b.name not in page
    assert (
        client_for(world.employee).get(reverse("evaluation:scheme_results_mine")).status_code == 404
    )
    assert client_for(None).get(reverse("evaluation:scheme_results_mine")).status_code == 302


def test_the_breakdown_reads_a_fixed_number_of_queries(
    world, client_for, django_assert_max_num_queries
):
    assessment = _assessment(world, release_on=MONDAY)
    client = client_for(world.officer_a)
    client.get(reverse("evaluation:assessment", args=[assessment.pk]))
    with django_assert_max_num_queries(25):
        assert client.get(reverse("evaluation:assessment", args=[assessment.pk])).status_code == 200


def test_the_hub_card_shows_schemes_to_committee_officers_only(world, client_for):
    assert (
        reverse("evaluation:schemes")
        in client_for(world.committee_officer).get(reverse("evaluation:home")).content.decode()
    )
    page = client_for(world.officer_a).get(reverse("evaluation:home")).content.decode()
    assert (
        reverse("evaluation:schemes") not in page
        and reverse("evaluation:scheme_results_mine") in page
    )
    assert (
        reverse("evaluation:scheme_results_mine")
        not in client_for(world.employee).get(reverse("evaluation:home")).content.decode()
    )


def test_a_draft_indicator_is_edited_and_removed_by_the_assessor_only(world, client_for):
    scheme = make_scheme(world, publish=False)
    indicator = Indicator.objects.get(dimension__scheme=scheme, name="主题党日")
    url = reverse("evaluation:scheme_indicator", args=[scheme.pk, indicator.pk])
    assert client_for(world.officer_a).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302
    client = client_for(world.committee_officer)
    page = client.get(url)
    assert page.status_code == 200 and 'value="6:10, 12:20"' in page.content.decode()
    data = {
        "dimension": indicator.dimension_id,
        "name": "主题党日",
        "points": "20",
        "applies_to": ["branch"],
        "source": "orglife.themed_days",
        "curve_kind": "steps",
        "thresholds": "4:10，10：20",
    }
    # points that fall as more themed days are held: refused on the thresholds
    falling = client.post(url, data | {"thresholds": "4:20, 10:10"})
    assert falling.status_code == 200
    assert 'id="id_thresholds_error"' in falling.content.decode()
    assert client.post(url, data).status_code == 302
    indicator.refresh_from_db()
    assert indicator.curve["thresholds"] == [["4", "10"], ["10", "20"]]
    assert client.post(url, {"action": "delete"}).status_code == 302
    assert not Indicator.objects.filter(pk=indicator.pk).exists()


def test_a_dimension_is_added_to_a_draft_and_refused_on_a_published_scheme(world, client_for):
    draft = make_scheme(world, publish=False)
    client = client_for(world.committee_officer)
    url = reverse("evaluation:scheme_dimension_add", args=[draft.pk])
    assert client.post(url, {"dimension-name": "基础保障"}).status_code == 302
    assert draft.dimensions.filter(name="基础保障").exists()
    assert client_for(world.officer_a).post(url, {"dimension-name": "x"}).status_code == 404
    published = make_scheme(world, year=2024)
    response = client_for(world.committee_officer).post(
        reverse("evaluation:scheme_dimension_add", args=[published.pk]), {"dimension-name": "新"}
    )
    assert response.status_code == 200 and not published.dimensions.filter(name="新").exists()


def test_last_years_scheme_is_copied_from_the_list(world, client_for):
    last = make_scheme(world, year=2025)
    response = client_for(world.committee_officer).post(
        reverse("evaluation:schemes"), {"action": "copy", "copy-scheme": last.pk, "copy-year": 2026}
    )
    assert response.status_code == 302
    copy = IndicatorScheme.objects.get(year=2026)
    assert copy.title == "2026年考核" and copy.copied_from == last


def test_the_scheme_page_reads_a_fixed_number_of_queries(
    world, client_for, django_assert_max_num_queries
):
    from grassroots.orgs.models import OrgUnit
    from grassroots.orgs.tests.factories import OrgUnitFactory

    scheme = scored(world, release_on=MONDAY)
    client = client_for(world.committee_officer)
    url = reverse("evaluation:scheme", args=[scheme.pk])
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for n in range(5):
        OrgUnitFactory(
            name=f"新支部{n}", code=f"N{n}", kind=OrgUnit.Kind.BRANCH, parent=world.committee
        )
    from grassroots.evaluation.schemes import services

    services.scheme_score(scheme=scheme, today=MONDAY)
    at_most = len(few.captured_queries)  # read before the next request resets the log
    client.get(url)  # again: new records built the kept scopes anew (accounts.scope)
    with django_assert_max_num_queries(at_most):
        assert client.get(url).status_code == 200


def test_a_run_under_way_is_polled_until_it_is_done(world, client_for):
    from grassroots.evaluation.schemes.models import ScoringRun

    scheme = make_scheme(world)
    run = ScoringRun.objects.create(
        scheme=scheme, status=ScoringRun.Status.RUNNING, units_total=4, units_done=1
    )
    client = client_for(world.committee_officer)
    page = client.get(reverse("evaluation:scheme_progress", args=[scheme.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page and 'value="25"' in page
    ScoringRun.objects.filter(pk=run.pk).update(status=ScoringRun.Status.DONE, units_done=4)
    page = client.get(reverse("evaluation:scheme_progress", args=[scheme.pk])).content.decode()
    assert "hx-trigger" not in page


def test_the_ordered_results_are_paged_highest_first(world, client_for, settings):
    scheme = scored(world, release_on=MONDAY)
    settings.PAGE_SIZE = 1
    first, second = (
        Assessment.objects.filter(scheme=scheme)
        .select_related("unit")
        .order_by("-total", "unit__path")
    )
    client = client_for(world.committee_officer)
    url = reverse("evaluation:scheme", args=[scheme.pk])
    page_one = client.get(url).content.decode()
    assert first.unit.name in page_one and second.unit.name not in page_one
    assert "?page=2" in page_one
    page_two = client.get(url, {"page": 2}).content.decode()
    assert second.unit.name in page_two and first.unit.name not in page_two
    assert "?page=1" in page_two


def test_a_results_row_adds_up_each_dimensions_points(world):
    from grassroots.evaluation.schemes import selectors

    scheme = scored(world, release_on=MONDAY)
    Objection.objects.create(
        assessment=Assessment.objects.get(scheme=scheme, unit=world.branch_a),
        lodged_by=world.officer_a,
        text="异议",
    )
    dimensions, rows = selectors.scheme_results(scheme)
    assert any(value is not None for row in rows for value in row.dimensions)
    assert [row.unit for row in rows] == [
        a.unit for a in Assessment.objects.filter(scheme=scheme).order_by("-total", "unit__path")
    ]
    for row in rows:
        expected = []
        for dimension in dimensions:
            earned = [
                s.earned
                for s in IndicatorScore.objects.filter(
                    assessment=row.assessment, indicator__dimension=dimension
                )
                if s.earned is not None
            ]
            expected.append(sum(earned, Decimal(0)) if earned else None)
        assert list(row.dimensions) == expected
        assert row.open_objections == (1 if row.unit == world.branch_a else 0)
