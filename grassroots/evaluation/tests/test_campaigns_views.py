"""Campaign pages: each for those in scope, 404 for others, sign-in for visitors; bad
input refused clearly, nothing half-saved; text escaped."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.evaluation.campaigns import services
from grassroots.evaluation.campaigns.models import Ballot, Campaign, Elector, Rectification
from grassroots.evaluation.tests.test_campaigns_world import (
    answers,
    campaign,
    draft,
    opened,
    people,
    vote,
    workday,
)

pytestmark = pytest.mark.django_db


def _closed(world, *, comment="<script>alert(1)</script>食堂"):
    crowd = people(world, per_group=5)
    made = opened(world)
    for user in crowd.all():
        vote(made, user, score=2, comment=comment)
    services.campaign_close(actor=None, campaign=made, today=timezone.localdate())
    made.refresh_from_db()
    return made, crowd


def _login(client, user):
    client.force_login(user)
    return client


def test_anonymous_visitors_are_sent_to_sign_in(world, client):
    made = campaign(world)
    subject = made.subjects.get()
    urls = [
        reverse("evaluation:campaigns"),
        reverse("evaluation:campaign_new"),
        reverse("evaluation:campaign", args=[made.pk]),
        reverse("evaluation:campaign_edit", args=[made.pk]),
        reverse("evaluation:campaign_vote", args=[made.pk]),
        reverse("evaluation:campaign_paper", args=[made.pk]),
        reverse("evaluation:campaign_tally", args=[made.pk]),
        reverse("evaluation:campaign_results", args=[made.pk]),
        reverse("evaluation:campaign_subject", args=[made.pk, subject.pk]),
        reverse("evaluation:campaign_plan_item", args=[made.pk, subject.pk, 1]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login" in response["Location"] or "sign" in response["Location"], url
    assert client.post(reverse("evaluation:campaign_reminders", args=[made.pk])).status_code == 302


def test_a_committee_officer_prepares_edits_and_opens_a_campaign(world, client):
    people(world, per_group=1)
    _login(client, world.committee_officer)
    assert client.get(reverse("evaluation:campaign_new")).status_code == 200
    today = timezone.localdate()
    data = {
        "organiser": world.committee.pk,
        "title": "<b>支部测评</b>",
        "subject_kind": "branches",
        "branches": [world.branch_a.pk],
        "scale": "satisfaction",
        "items": "服务群众\n\n解决问题",
        "opens_on": workday(today, -1).isoformat(),
        "closes_on": workday(today + datetime.timedelta(days=1), 1).isoformat(),
        "period_first": f"{today.year}-01-01",
        "period_last": today.isoformat(),
        "weight_employees": "0.4",
        "weight_full_members": "0.3",
        "weight_probationary": "0.15",
        "weight_activists": "0.15",
    }
    response = client.post(reverse("evaluation:campaign_new"), data)
    assert response.status_code == 302
    made = Campaign.objects.get()
    assert list(made.items.values_list("text", flat=True)) == ["服务群众", "解决问题"]
    page = client.get(reverse("evaluation:campaign", args=[made.pk])).content.decode()
    assert "&lt;b&gt;支部测评&lt;/b&gt;" in page
    edited = client.post(
        reverse("evaluation:campaign_edit", args=[made.pk]), data | {"weight_activists": "0.2"}
    )
    assert edited.status_code == 302
    made.refresh_from_db()
    assert made.weights["activists"] == "0.2"
    opened_page = client.post(reverse("evaluation:campaign", args=[made.pk]), {"action": "open"})
    assert opened_page.status_code == 302
    made.refresh_from_db()
    assert made.status == Campaign.Status.OPEN
    assert client.get(reverse("evaluation:campaign_edit", args=[made.pk])).status_code == 404


def test_bad_campaign_input_is_refused_on_its_field_and_saves_nothing(world, client):
    _login(client, world.committee_officer)
    response = client.post(
        reverse("evaluation:campaign_new"),
        {
            "organiser": world.committee.pk,
            "title": "测评",
            "subject_kind": "branches",
            "scale": "five",
            "items": "",
            "opens_on": "2026-12-10",
            "closes_on": "2026-12-01",
            "period_first": "2026-01-01",
            "period_last": "2026-12-01",
            "weight_employees": "2",
            "weight_full_members": "0.3",
            "weight_probationary": "0.15",
            "weight_activists": "0.15",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert {"items", "branches", "weight_employees"} <= set(form.errors)
    assert not Campaign.objects.exists()


def test_opening_with_an_empty_group_is_refused_clearly(world, client):
    made = campaign(world)
    _login(client, world.committee_officer)
    response = client.post(reverse("evaluation:campaign", args=[made.pk]), {"action": "open"})
    assert response.status_code == 400
    assert 'id="campaign-error"' in response.content.decode()
    made.refresh_from_db()
    assert made.status == Campaign.Status.DRAFT


def test_other_officers_and_members_cannot_run_a_campaign(world, client):
    made = campaign(world)
    for user in (world.officer_a, world.officer_b, world.employee):
        _login(client, user)
        assert client.get(reverse("evaluation:campaign_new")).status_code == 404
        assert client.get(reverse("evaluation:campaign", args=[made.pk])).status_code == 404
        assert client.get(reverse("evaluation:campaign_edit", args=[made.pk])).status_code == 404
        assert (
            client.post(
                reverse("evaluation:campaign", args=[made.pk]), {"action": "open"}
            ).status_code
            == 404
        )
        assert client.get(reverse("evaluation:campaign", args=[999999])).status_code == 404


def test_a_voter_votes_once_and_gets_a_receipt(world, client):
    crowd = people(world, per_group=1)
    made = opened(world)
    _login(client, crowd.employees[0])
    url = reverse("evaluation:campaign_vote", args=[made.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.content.decode().count("<h1") == 1
    incomplete = client.post(url, {})
    assert incomplete.status_code == 400
    assert not Ballot.objects.exists()
    data = {f"s{s}_i{i}": "5" for (s, i) in answers(made)}
    done = client.post(url, data)
    assert done.status_code == 200
    assert 'id="receipt-code"' in done.content.decode()
    again = client.post(url, data)
    assert again.status_code == 409
    assert Ballot.objects.count() == 1
    assert client.get(url).context["refusal"]


def test_people_off_the_roll_get_404_on_the_voting_page(world, client):
    people(world, per_group=1)
    made = opened(world)
    _login(client, world.member_b.user)
    assert client.get(reverse("evaluation:campaign_vote", args=[made.pk])).status_code == 404
    assert client.post(reverse("evaluation:campaign_reminders", args=[made.pk])).status_code == 404
    draft = campaign(world, title="未开")
    _login(client, world.employee)
    assert client.get(reverse("evaluation:campaign_vote", args=[draft.pk])).status_code == 404


def test_a_voter_switches_reminders_off(world, client):
    crowd = people(world, per_group=1)
    made = opened(world)
    _login(client, crowd.full[0])
    response = client.post(reverse("evaluation:campaign_reminders", args=[made.pk]), {})
    assert response.status_code == 302
    assert not Elector.objects.get(campaign=made, user=crowd.full[0]).reminders


def test_paper_ballots_through_the_pages(world, client):
    crowd = people(world, per_group=1)
    made = opened(world)
    _login(client, world.committee_officer)
    url = reverse("evaluation:campaign_paper", args=[made.pk])
    assert client.get(url).status_code == 200
    marked = client.post(
        url, {"action": "mark", "numbers": f"{crowd.employees[0].employee_number}"}
    )
    assert marked.status_code == 302
    count = len(answers(made))
    wrong = client.post(url, {"action": "enter", "ballots": "f " + " ".join(["3"] * count)})
    assert wrong.status_code == 400
    assert not Ballot.objects.exists()
    right = client.post(
        url, {"action": "enter", "ballots": "e " + " ".join(["3"] * count) + " | 好"}
    )
    assert right.status_code == 302
    assert Ballot.objects.count() == 1
    made.refresh_from_db()
    assert made.paper_ballots == 1
    _login(client, world.officer_a)
    assert client.get(url).status_code == 404


def test_results_before_close_are_not_shown(world, client):
    crowd = people(world, per_group=5)
    made = opened(world)
    vote(made, crowd.full[0])
    _login(client, world.committee_officer)
    response = client.get(reverse("evaluation:campaign_results", args=[made.pk]))
    assert response.status_code == 200
    assert "results" not in response.context
    tally = client.get(reverse("evaluation:campaign_tally", args=[made.pk]))
    assert tally.context["codes"] == []


def test_results_for_the_subject_and_those_above_only(world, client):
    made, crowd = _closed(world)
    subject = made.subjects.get()
    results_url = reverse("evaluation:campaign_results", args=[made.pk])
    subject_url = reverse("evaluation:campaign_subject", args=[made.pk, subject.pk])
    for user in (world.committee_officer, world.officer_a):
        _login(client, user)
        page = client.get(subject_url)
        assert page.status_code == 200
        body = page.content.decode()
        assert "<script>alert(1)</script>" not in body
        assert "&lt;script&gt;" in body
        assert client.get(results_url).status_code == 200
    for user in (world.officer_b, world.employee, crowd.full[0]):
        _login(client, user)
        assert client.get(results_url).status_code == 404
        assert client.get(subject_url).status_code == 404


def test_a_branch_officer_writes_and_tracks_the_plan(world, client):
    made, _crowd = _closed(world)
    subject = made.subjects.get()
    url = reverse("evaluation:campaign_subject", args=[made.pk, subject.pk])
    _login(client, world.officer_a)
    bad = client.post(url, {"action": "", "owner": "nobody", "due_on": ""})
    assert bad.status_code == 400
    assert not Rectification.objects.exists()
    good = client.post(
        url,
        {
            "action": "每月走访职工",
            "owner": world.officer_a.employee_number,
            "due_on": timezone.localdate().isoformat(),
            "item": made.items.first().pk,
        },
    )
    assert good.status_code == 302
    plan = Rectification.objects.get()
    progress_url = reverse("evaluation:campaign_plan_item", args=[made.pk, subject.pk, plan.pk])
    assert client.post(progress_url, {"status": "done", "progress": "已完成"}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == "done"
    _login(client, world.officer_b)
    assert client.get(progress_url).status_code == 404
    assert client.post(url, {"action": "x"}).status_code == 404


def test_opening_from_its_page_sends_the_opening_reminder(world, client):
    from grassroots.notifications.models import Notification

    crowd = people(world, per_group=1)
    made = campaign(world)
    _login(client, world.committee_officer)
    response = client.post(reverse("evaluation:campaign", args=[made.pk]), {"action": "open"})
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.opening_reminded_on == timezone.localdate()
    notified = set(Notification.objects.values_list("recipient_id", flat=True))
    assert {user.pk for user in crowd.all()} <= notified


def test_the_tally_checks_a_receipt(world, client):
    crowd = people(world, per_group=5)
    made = opened(world)
    receipt = vote(made, crowd.full[0])
    services.campaign_close(actor=None, campaign=made, today=timezone.localdate())
    _login(client, world.member_b.user)  # any signed-in user
    url = reverse("evaluation:campaign_tally", args=[made.pk])
    page = client.get(url).content.decode()
    assert 'method="post"' in page
    assert "csrfmiddlewaretoken" in page
    found = client.post(url, {"code": f"{receipt[:4]}-{receipt[4:].lower()}"})
    assert found.status_code == 200
    assert found.context["found"] is True
    assert 'id="receipt-found"' in found.content.decode()
    missing = client.post(url, {"code": "AAAA-BBBBBB"})
    assert missing.context["found"] is False


def test_the_tally_never_takes_a_receipt_code_from_the_address(world, client):
    """A code in a URL ends up in access logs, the browser's history and Referer
    headers: the check is a POST, and a code in the query string is ignored."""
    crowd = people(world, per_group=5)
    made = opened(world)
    receipt = vote(made, crowd.full[0])
    services.campaign_close(actor=None, campaign=made, today=timezone.localdate())
    _login(client, world.member_b.user)
    url = reverse("evaluation:campaign_tally", args=[made.pk])
    for response in (
        client.get(url, {"code": receipt}),
        client.post(f"{url}?code={receipt}"),
    ):
        assert response.context["found"] is None
        body = response.content.decode()
        assert 'id="receipt-found"' not in body
        assert 'id="receipt-missing"' not in body
        assert f'value="{receipt}"' not in body


def test_the_list_keeps_its_queries(world, client, django_assert_max_num_queries):
    crowd = people(world, per_group=1)
    for number in range(3):
        made = opened(world, title=f"测评{number}")
        vote(made, crowd.full[0])
    _login(client, world.committee_officer)
    client.get(reverse("evaluation:campaigns"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("evaluation:campaigns")).status_code == 200
    _login(client, crowd.full[0])
    with django_assert_max_num_queries(12):
        page = client.get(reverse("evaluation:campaigns"))
    assert len(page.context["my_roll"]) == 3


def test_the_list_is_not_cut_short_by_results_the_person_may_not_read(world, client):
    """More than a page of subjects an officer may not read (named members of their own
    branch) come first in the order: the ones they may read are listed all the same."""
    from grassroots.orgs.tests.factories import MemberFactory

    people(world, per_group=1)
    today = timezone.localdate()
    fellows = [
        MemberFactory(branch=world.branch_a, user__department=world.department_a)
        for _ in range(101)
    ]
    hidden = services.campaign_create(
        actor=world.committee_officer,
        organiser=world.committee,
        draft=draft(subject_kind=Campaign.SubjectKind.MEMBERS, title="述职评议"),
        members=fellows,
    )
    shown = campaign(world)
    for made in (hidden, shown):
        services.campaign_open(actor=world.committee_officer, campaign=made, today=today)
        services.campaign_close(actor=None, campaign=made, today=today)
    _login(client, world.officer_a)
    page = client.get(reverse("evaluation:campaigns"))
    assert [subject.campaign_id for subject in page.context["subjects"]] == [shown.pk]


def test_a_named_member_sees_only_counts_of_their_branchs_appeals(world, client):
    from grassroots.appeals.tests.factories import raise_appeal

    raise_appeal(world, title="食堂排队太久")
    people(world, per_group=1)
    made = services.campaign_create(
        actor=world.committee_officer,
        organiser=world.committee,
        draft=draft(subject_kind=Campaign.SubjectKind.MEMBERS),
        members=[world.member_a],
    )
    today = timezone.localdate()
    services.campaign_open(actor=world.committee_officer, campaign=made, today=today)
    services.campaign_close(actor=None, campaign=made, today=today)
    own = made.subjects.get()
    url = reverse("evaluation:campaign_subject", args=[made.pk, own.pk])
    _login(client, world.committee_officer)
    above = client.get(url)
    assert "食堂排队太久" in above.content.decode()
    assert len(above.context["form"].fields["appeal"].choices) == 2
    _login(client, world.member_a.user)
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "食堂排队太久" not in body
    assert 'id="appeal-count"' in body
    assert "appeal" not in page.context["form"].fields
    assert page.context["analysis"].appeals == []
    assert page.context["analysis"].appeal_count == 1


def test_a_named_member_reads_their_own_result_only(world, client):
    from grassroots.orgs.models import Member

    crowd = people(world, per_group=5)
    secretary = Member.objects.get(user=world.officer_a)
    made = services.campaign_create(
        actor=world.committee_officer,
        organiser=world.committee,
        draft=draft(subject_kind=Campaign.SubjectKind.MEMBERS),
        members=[secretary, world.member_b],
    )
    services.campaign_open(actor=world.committee_officer, campaign=made, today=timezone.localdate())
    made.refresh_from_db()
    for user in crowd.all():
        vote(made, user)
    services.campaign_close(actor=None, campaign=made, today=timezone.localdate())
    own = made.subjects.get(member=secretary)
    other = made.subjects.get(member=world.member_b)
    _login(client, world.officer_a)
    assert (
        client.get(reverse("evaluation:campaign_subject", args=[made.pk, own.pk])).status_code
        == 200
    )
    _login(client, world.member_b.user)
    assert (
        client.get(reverse("evaluation:campaign_subject", args=[made.pk, own.pk])).status_code
        == 404
    )
    page = client.get(reverse("evaluation:campaign_results", args=[made.pk]))
    assert [r.subject.pk for r in page.context["results"]] == [other.pk]
    _login(client, world.committee_officer)
    closing_again = client.post(reverse("evaluation:campaign", args=[made.pk]), {"action": "close"})
    assert closing_again.status_code == 400


def test_a_vote_keeps_its_queries(world, client, django_assert_num_queries):
    """Casting a ballot through the page reads and writes a fixed set of rows, whatever
    the number of questions: the person (the session is read from the cache), their row
    of the roll with the campaign, the subjects, the questions; the vote: on PostgreSQL
    one statement (the campaign under its share lock, the roll's claim, the ballot and
    its answers), elsewhere each of those in turn, in a transaction (a savepoint here,
    inside the test's); the session's refreshed time. The receipt's header is drawn light: no unread count,
    roles or membership. One query more here fails the test."""
    from django.db import connection

    one_insert = connection.vendor == "postgresql"
    # given
    crowd = people(world, per_group=1)
    made = opened(world)
    voter = crowd.full[0]
    _login(client, voter)
    url = reverse("evaluation:campaign_vote", args=[made.pk])
    data = {f"s{s}_i{i}": "5" for (s, i) in answers(made)}
    # when
    with django_assert_num_queries(8 if one_insert else 13) as captured:
        done = client.post(url, data)
    # then
    assert done.status_code == 200
    assert 'id="receipt-code"' in done.content.decode()
    assert Ballot.objects.filter(campaign=made).count() == 1
    sql = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(sql) == (6 if one_insert else 9)


def test_a_vote_after_the_page_reads_no_questions(world, client):
    """As a voter votes: the page first (its session's time refreshed there), then the
    ballot. The questions were read for the first voter's page and are kept (they never
    change once the campaign opens), so the ballot reads neither subjects nor questions
    and writes no session: the person (the session is read from the cache), the roll's
    row with the campaign, then the vote: one statement on PostgreSQL (the campaign
    under its share lock, the claim, the ballot and its answers), elsewhere the lock,
    the claim, the ballot and its answers in turn (the receipt's header is light: no
    unread count, roles or membership). One query more here fails the test."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # given
    crowd = people(world, per_group=1)
    made = opened(world)
    url = reverse("evaluation:campaign_vote", args=[made.pk])
    data = {f"s{s}_i{i}": "5" for (s, i) in answers(made)}
    _login(client, crowd.employees[0])
    client.get(url)
    _login(client, crowd.full[0])
    client.get(url)
    # when (savepoints left out of the count: how many the test's transaction adds
    # depends on what ran before in the process)
    with CaptureQueriesContext(connection) as captured:
        done = client.post(url, data)
    # then
    assert done.status_code == 200
    assert 'id="receipt-code"' in done.content.decode()
    assert Ballot.objects.filter(campaign=made).count() == 1
    sql = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(sql) == (3 if connection.vendor == "postgresql" else 6)
    assert not any('FROM "evaluation_campaignitem"' in query for query in sql)


def _fieldsets(html: str) -> list[str]:
    import re

    return [" ".join(part.split()) for part in re.findall(r"<fieldset.*?</fieldset>", html, re.S)]


@pytest.mark.parametrize("scale", ["five", "satisfaction"])
def test_the_voting_page_draws_each_question_as_the_shared_field_template_does(
    world, client, scale
):
    """The voting page draws its radio groups itself (for speed): each must be the
    markup of templates/forms/field.html — fieldset and legend, the error tied by
    aria-describedby, aria-invalid and the answer kept when the ballot comes back
    incomplete."""
    from grassroots.evaluation.campaigns.forms import VoteForm

    # given
    crowd = people(world, per_group=1)
    made = opened(world, scale=scale)
    _login(client, crowd.full[0])
    url = reverse("evaluation:campaign_vote", args=[made.pk])
    subjects, items = list(made.subjects.all()), list(made.items.all())
    first = f"s{subjects[0].pk}_i{items[0].pk}"
    partial = {first: "2", f"c{subjects[0].pk}": "<b>食堂</b>"}
    for data, status in ((None, 200), (partial, 400)):
        # when
        page = client.post(url, data) if data else client.get(url)
        # then
        assert page.status_code == status
        form = VoteForm(data, subjects=subjects, items=items, scale=scale)
        expected = [form[f"s{s.pk}_i{i.pk}"].as_field_group() for s in subjects for i in items]
        drawn = [part for part in _fieldsets(page.content.decode()) if 'type="radio"' in part]
        assert drawn == _fieldsets("".join(expected))
        assert len(drawn) == len(subjects) * len(items)
    assert 'aria-invalid="true"' in drawn[1]
    assert f'name="{first}" value="2" id="id_{first}_' in drawn[0]
    assert drawn[0].count(" checked>") == 1
    assert "checked" not in drawn[1]


def test_the_blank_questions_are_drawn_once_and_then_taken_from_the_cache(world, client):
    """The voting page's blank questions are the same for every voter: the second voter's
    page reads neither the subjects nor the questions (two queries fewer), yet shows the
    same questions — and each page still has its own CSRF token, outside what is kept."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # given
    crowd = people(world, per_group=1)
    made = opened(world)
    url = reverse("evaluation:campaign_vote", args=[made.pk])
    first, second = crowd.full[0], crowd.employees[0]
    _login(client, first)
    with CaptureQueriesContext(connection) as drawing:
        page = client.get(url).content.decode()
    # when
    _login(client, second)
    with CaptureQueriesContext(connection) as kept:
        again = client.get(url).content.decode()
    # then
    questionnaire = ('FROM "evaluation_campaignsubject"', 'FROM "evaluation_campaignitem"')
    read = [q["sql"] for q in drawing.captured_queries if "SAVEPOINT" not in q["sql"]]
    read_again = [q["sql"] for q in kept.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert all(any(table in sql for sql in read) for table in questionnaire)
    assert not any(table in sql for sql in read_again for table in questionnaire)
    assert len(read_again) == len(read) - 2
    radios = [part for part in _fieldsets(again) if 'type="radio"' in part]
    assert radios == [part for part in _fieldsets(page) if 'type="radio"' in part]
    assert len(radios) == len(answers(made))
    assert 'novalidate><input type="hidden" name="csrfmiddlewaretoken" value="' in again
    kept_html = cache.get(_questions_key(made, "zh-hans"))
    assert kept_html is not None and 'type="radio"' in kept_html
    assert "csrfmiddlewaretoken" not in kept_html
    assert first.name not in kept_html and second.name not in kept_html


def _questions_key(made, language):
    from django.utils import translation

    from grassroots.evaluation.campaigns.views import questions_key

    with translation.override(language):
        return questions_key(made)


def test_the_kept_questions_are_kept_per_language_and_never_with_answers(world, client):
    """A voter reading in English gets the questions drawn in English, not the Chinese
    ones kept for the voter before; an incomplete ballot's answers and errors are drawn
    for that voter only, and the next voter's page is blank."""
    # given
    crowd = people(world, per_group=1)
    made = opened(world)
    url = reverse("evaluation:campaign_vote", args=[made.pk])
    chinese, english, hasty = crowd.full[0], crowd.employees[0], crowd.activists[0]
    english.language = "en"
    english.save(update_fields=["language"])
    _login(client, chinese)
    assert "（必填）" in client.get(url).content.decode()
    # when
    _login(client, english)
    in_english = client.get(url).content.decode()
    _login(client, hasty)
    (subject, item), *_rest = answers(made)
    incomplete = client.post(url, {f"s{subject}_i{item}": "2"})
    _login(client, chinese)
    blank = client.get(url).content.decode()
    # then
    assert "（required）" in in_english and "（必填）" not in in_english
    assert incomplete.status_code == 400
    kept_answer = "".join(_fieldsets(incomplete.content.decode()))
    assert " checked>" in kept_answer and 'aria-invalid="true"' in kept_answer
    blank_questions = "".join(_fieldsets(blank))
    assert 'type="radio"' in blank_questions
    assert " checked>" not in blank_questions and 'aria-invalid="true"' not in blank
    assert 'id="vote-errors"' not in blank


def test_a_cache_that_cannot_be_reached_neither_hides_the_questions_nor_refuses_a_ballot(
    world, client, monkeypatch
):
    """The cache only saves work: with it down (Redis gone, a full disk) the voting page
    reads the questions from the database and draws them, and the ballot is counted."""
    from django.core.cache import cache

    # given
    crowd = people(world, per_group=1)
    made = opened(world)
    url = reverse("evaluation:campaign_vote", args=[made.pk])

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    for name in ("get", "set", "add", "get_many", "set_many"):
        monkeypatch.setattr(cache, name, down)
    _login(client, crowd.full[0])
    # when
    page = client.get(url)
    done = client.post(url, {f"s{s}_i{i}": "5" for (s, i) in answers(made)})
    # then
    assert page.status_code == 200
    radios = [part for part in _fieldsets(page.content.decode()) if 'type="radio"' in part]
    assert len(radios) == len(answers(made))
    assert done.status_code == 200
    assert 'id="receipt-code"' in done.content.decode()
    assert Ballot.objects.filter(campaign=made).count() == 1


def test_a_campaign_restored_set_back_to_draft_changed_and_opened_again_shows_its_new_questions(
    world, client
):
    """A database restored from a backup keeps a campaign's id and creation time; should
    it come back as a draft, be changed and opened again, what was kept for its earlier
    opening (same id) must not be shown: the key names the opening, written anew."""
    from grassroots.evaluation.campaigns.models import CampaignItem

    # given: the campaign is open and its questions are kept
    crowd = people(world, per_group=1)
    made = opened(world)
    url = reverse("evaluation:campaign_vote", args=[made.pk])
    _login(client, crowd.full[0])
    assert client.get(url).status_code == 200
    # ... then restored as a draft (no roll yet), its questions replaced, opened again
    Campaign.objects.filter(pk=made.pk).update(status=Campaign.Status.DRAFT, opened_at=None)
    Elector.objects.filter(campaign=made).delete()
    made.items.all().delete()
    CampaignItem.objects.create(campaign=made, position=1, text="Answers the phone")
    made.refresh_from_db()
    services.campaign_open(actor=world.committee_officer, campaign=made, today=timezone.localdate())
    # when
    page = client.get(url).content.decode()
    done = client.post(url, {f"s{s}_i{i}": "5" for (s, i) in answers(made)})
    # then
    radios = [part for part in _fieldsets(page) if 'type="radio"' in part]
    assert len(radios) == len(answers(made)) == made.subjects.count()
    assert all("Answers the phone" in part for part in radios)
    assert done.status_code == 200
    assert Ballot.objects.filter(campaign=made).count() == 1


def test_the_kept_questions_are_named_by_the_code_that_drew_them(tmp_path, monkeypatch, world):
    """What a release kept (a file or Redis cache outlives an upgrade) is not read by the
    next: a change to a file that shapes it, or to the version, names another key."""
    from grassroots.evaluation.campaigns import selectors

    # given
    people(world, per_group=1)
    made = opened(world)
    shaping = tmp_path / "vote_questions.html"
    shaping.write_text("<fieldset>")
    before = selectors.frozen_key(made, "vote-questions", shaped_by=[str(shaping)])
    # when
    shaping.write_text("<fieldset class='renamed'>")
    selectors.fingerprint.cache_clear()
    changed = selectors.frozen_key(made, "vote-questions", shaped_by=[str(shaping)])
    monkeypatch.setattr(selectors, "FROZEN_VERSION", selectors.FROZEN_VERSION + 1)
    bumped = selectors.frozen_key(made, "vote-questions", shaped_by=[str(shaping)])
    # then
    assert before is not None and changed is not None and bumped is not None
    assert len({before, changed, bumped}) == 3
    assert str(made.pk) in before


@pytest.mark.parametrize(
    "bad",
    [
        "missing answer",
        "value out of range",
        "unknown question",
        "duplicated field",
        "over-long comment",
    ],
)
def test_a_bad_ballot_is_refused_clearly_and_saves_nothing(world, client, bad):
    """Whatever is wrong with a posted ballot, nothing is written (no ballot, the voter
    not marked as voted), the page comes back with the answers kept and says why."""
    # given
    crowd = people(world, per_group=1)
    made = opened(world)
    voter = crowd.full[0]
    _login(client, voter)
    url = reverse("evaluation:campaign_vote", args=[made.pk])
    whole = {f"s{s}_i{i}": "5" for (s, i) in answers(made)}
    first, subject = next(iter(whole)), made.subjects.first()
    body = urlencode(whole)
    if bad == "missing answer":
        body = urlencode({name: value for name, value in whole.items() if name != first})
    elif bad == "value out of range":
        body = urlencode(whole | {first: "6"})
    elif bad == "unknown question":
        body += f"&s{subject.pk}_i999999=5"
    elif bad == "duplicated field":
        body += f"&{first}=1"
    else:
        body += "&" + urlencode({f"c{subject.pk}": "评" * 1001})
    # when
    refused = client.post(url, body, content_type="application/x-www-form-urlencoded")
    # then
    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'id="vote-errors"' in html
    assert refused.context["problem"]
    assert "checked" in html  # the answers given are kept
    assert not Ballot.objects.filter(campaign=made).exists()
    assert Elector.objects.get(campaign=made, user=voter).voted_on is None


def test_a_comment_at_the_browsers_limit_with_line_breaks_is_taken(world, client):
    """The textarea's maxlength counts a line break as one character; the browser sends
    it as CRLF. Such a comment of 1,000 characters is taken (kept with "\n"), and when
    the ballot is sent back for another reason the comment is not marked too long."""
    from grassroots.evaluation.campaigns.models import Remark

    # given
    crowd = people(world, per_group=1)
    made = opened(world)
    _login(client, crowd.full[0])
    url = reverse("evaluation:campaign_vote", args=[made.pk])
    subject = made.subjects.first()
    typed = "\r\n".join(["评" * 99] * 10) + "评"  # 1,000 for the browser, 1,009 sent
    whole = {f"s{s}_i{i}": "5" for (s, i) in answers(made)} | {f"c{subject.pk}": typed}
    first = next(iter(whole))
    # when
    sent_back = client.post(url, {name: v for name, v in whole.items() if name != first})
    done = client.post(url, whole)
    # then
    html = sent_back.content.decode()
    assert sent_back.status_code == 400
    textarea = html[html.index(f'name="c{subject.pk}"') :].split(">", 1)[0]
    assert "aria-invalid" not in textarea
    assert f"c{subject.pk}_error" not in html
    assert done.status_code == 200
    kept = Remark.objects.get(ballot__campaign=made).text
    assert kept == typed.replace("\r\n", "\n")
    assert len(kept) == 1000


def test_a_null_character_in_a_ballot_gets_the_sites_refusal_before_the_page(world, client):
    """A NUL never reaches the voting page or `rules.parse_ballot`: the site's middleware
    answers first with its own 400 page (the character named, the way home), the ballot
    not redrawn and nothing written. The voter goes back and sends it again."""
    # given
    crowd = people(world, per_group=1)
    made = opened(world)
    voter = crowd.full[0]
    _login(client, voter)
    url = reverse("evaluation:campaign_vote", args=[made.pk])
    subject = made.subjects.first()
    data = {f"s{s}_i{i}": "5" for (s, i) in answers(made)} | {f"c{subject.pk}": "a\x00b"}
    # when
    refused = client.post(url, data)
    # then
    assert refused.status_code == 400
    assert [t.name for t in refused.templates][:1] == ["400.html"]
    assert 'id="vote-errors"' not in refused.content.decode()
    assert not Ballot.objects.filter(campaign=made).exists()
    assert Elector.objects.get(campaign=made, user=voter).voted_on is None


def test_a_script_in_a_comment_is_kept_as_text_and_never_run(world, client):
    from grassroots.evaluation.campaigns.models import Remark

    # given
    crowd = people(world, per_group=1)
    made = opened(world)
    _login(client, crowd.full[0])
    url = reverse("evaluation:campaign_vote", args=[made.pk])
    subject = made.subjects.first()
    script = "<script>alert(1)</script>食堂"
    data = {f"s{s}_i{i}": "4" for (s, i) in answers(made)} | {f"c{subject.pk}": script}
    # when
    done = client.post(url, data)
    # then: kept as typed; the receipt shows no comment, so escaping is checked below
    assert done.status_code == 200
    assert Remark.objects.get(ballot__campaign=made).text == script


def test_a_script_in_a_comment_is_escaped_where_the_page_shows_it_again(world, client):
    """A ballot sent back (an answer missing) redraws the comment in its textarea:
    escaped there, so it can neither close the textarea nor run."""
    # given
    crowd = people(world, per_group=1)
    made = opened(world)
    _login(client, crowd.full[0])
    url = reverse("evaluation:campaign_vote", args=[made.pk])
    subject = made.subjects.first()
    script = "</textarea><script>alert(1)</script>"
    data = {f"s{s}_i{i}": "4" for (s, i) in list(answers(made))[1:]} | {f"c{subject.pk}": script}
    # when
    refused = client.post(url, data)
    # then
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "<script>alert(1)" not in html
    assert "</textarea><script>" not in html
    assert "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert not Ballot.objects.filter(campaign=made).exists()


def test_the_voting_page_and_the_receipt_keep_the_layout_with_a_light_header(
    world, client, django_assert_num_queries
):
    """The voting page and the answer to a ballot carry the site's layout (header with
    the way home, the notices, the person and the sign-out; main landmark; footer) and
    a way back to the campaigns, but not the navigation or the inbox count: no roles,
    membership or notices read. Other pages keep the navigation."""
    # given
    crowd = people(world, per_group=1)
    made = opened(world)
    _login(client, crowd.full[0])
    url = reverse("evaluation:campaign_vote", args=[made.pk])
    data = {f"s{s}_i{i}": "5" for (s, i) in answers(made)}
    client.get(url)  # the questions drawn and kept, the session's time refreshed
    # when
    with django_assert_num_queries(2):  # the person, their row of the roll (the session: cache)
        page = client.get(url)
    done = client.post(url, data)
    listed = client.get(reverse("evaluation:campaigns"))
    # then
    assert 'id="receipt-code"' in done.content.decode()
    for answer in (page, done):
        html = answer.content.decode()
        assert 'class="site-nav"' not in html
        assert "nav_items" not in answer.context and "unread_count" not in answer.context
        for landmark in ('<header class="site-header">', '<main id="main"', "<footer"):
            assert landmark in html
        assert reverse("accounts:logout") in html
        assert reverse("notifications:inbox") in html
        assert f'href="{reverse("evaluation:campaigns")}"' in html
        assert crowd.full[0].name in html
    assert 'class="site-nav"' in listed.content.decode()


def test_people_off_the_roll_cannot_post_a_ballot(world, client):
    # given
    people(world, per_group=1)
    made = opened(world)
    url = reverse("evaluation:campaign_vote", args=[made.pk])
    data = {f"s{s}_i{i}": "5" for (s, i) in answers(made)}
    # when
    outsider = _login(client, world.member_b.user).post(url, data)
    client.logout()
    anonymous = client.post(url, data)
    # then
    assert outsider.status_code == 404
    assert anonymous.status_code == 302
    assert not Ballot.objects.filter(campaign=made).exists()
