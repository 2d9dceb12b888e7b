"""Ballot secrecy: after close, nothing in any table ties a ballot to a voter; one
ballot per person even when two arrive at the same instant."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.apps import apps
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone

from grassroots.evaluation.campaigns import rules, services
from grassroots.evaluation.campaigns.models import Ballot, Elector, Mark, Remark
from grassroots.evaluation.tests.test_campaigns_world import answers, opened, people, vote

BOX = (Ballot, Mark, Remark)


def _cast_through_the_page(client, made, user, score, comment):
    client.force_login(user)
    data = {f"s{s}_i{i}": str(score) for (s, i) in answers(made)}
    data |= {f"c{subject.pk}": comment for subject in made.subjects.all()}
    response = client.post(reverse("evaluation:campaign_vote", args=[made.pk]), data)
    assert response.status_code == 200
    return response.context["receipt"].replace("-", "")


def _physical_order(model):
    """The rows' receipt codes or keys in storage order (rowid / ctid)."""
    table = model._meta.db_table
    order = "rowid" if connection.vendor == "sqlite" else "ctid"
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "id" FROM "{table}" ORDER BY {order}')  # noqa: S608  (our own table name)
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_no_table_ties_a_ballot_to_a_voter_after_close(world, client):
    crowd = people(world, per_group=3)
    made = opened(world)
    paper_voter = crowd.full[-1]
    voters = [user for user in crowd.all() if user != paper_voter]
    receipts = []
    for number, user in enumerate(voters):
        receipts.append(_cast_through_the_page(client, made, user, 1 + number % 5, f"意见{number}"))
    order_before = list(receipts)
    # one person of a group votes on paper: their ballot must look like the others
    today = timezone.localdate()
    services.paper_mark(
        actor=world.committee_officer, campaign=made, user_ids=[paper_voter.pk], today=today
    )
    services.paper_enter(
        actor=world.committee_officer,
        campaign=made,
        ballots=[services.PaperBallot(rules.FULL_MEMBERS, answers(made, 1), {})],
    )
    voters.append(paper_voter)
    services.campaign_close(
        actor=world.committee_officer, campaign=made, today=timezone.localdate()
    )

    # 1. The box has no column that could name a person or a moment.
    user_model = apps.get_model("accounts", "User")
    for model in BOX:
        for field in model._meta.concrete_fields:
            assert not isinstance(field, models.DateField | models.DateTimeField | models.TimeField)
            if field.is_relation:
                assert field.related_model not in (user_model, Elector)
    # 2. Nothing outside the box mentions a ballot (its key or receipt), and nothing in
    # the box mentions a voter (id, employee number, name).
    ballots = list(Ballot.objects.filter(campaign=made))
    ballot_marks = {b.id for b in ballots} | {b.receipt for b in ballots}
    ballot_marks |= set(Mark.objects.values_list("id", flat=True))
    ballot_marks |= set(Remark.objects.values_list("id", flat=True))
    voter_marks = {u.employee_number for u in voters} | {u.name for u in voters}
    tables_read = 0
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.managed or model._meta.proxy:
            continue
        tables_read += 1
        rows = [repr(row) for row in model._default_manager.all().values()]
        text = "\n".join(rows)
        if model in BOX:
            for row in rows:
                assert not any(mark in row for mark in voter_marks), (model, row)
        else:
            assert not any(mark in text for mark in ballot_marks), model
    assert tables_read > 40  # every app's tables, the audit log and notices among them
    # 3. The only thing the box shares with the roll is the group: each ballot could be
    # any voter's of its group, and every group here has several voters.
    voted = Elector.objects.filter(campaign=made, voted_on__isnull=False)
    per_group = {g: voted.filter(group=g).count() for g in rules.GROUPS}
    for ballot in ballots:
        assert per_group[ballot.group] >= 2
    assert {o.voted_on for o in voted} == {timezone.localdate()}
    # 4. Neither keys nor storage order follow the order of voting.
    by_id = {b.id: b.receipt for b in ballots}
    stored = [by_id[key] for key in _physical_order(Ballot) if by_id[key] in order_before]
    assert sorted(stored) == sorted(order_before)
    assert stored != order_before
    assert [b.receipt for b in sorted(ballots, key=lambda b: b.id)] != order_before
    # 5. The tally shows every code, in the codes' own order.
    client.force_login(world.employee)
    page = client.get(reverse("evaluation:campaign_tally", args=[made.pk]))
    shown = [code.replace("-", "") for code in page.context["codes"]]
    (paper_receipt,) = {b.receipt for b in ballots} - set(receipts)
    assert shown == sorted([*receipts, paper_receipt])

    # 6. No column of the box tells the paper ballot from those cast on screen: apart
    # from its random key and code, its row is the row of some ballot cast on screen.
    def kept(row):
        return {name: value for name, value in row.items() if name not in ("id", "receipt")}

    rows = list(Ballot.objects.filter(campaign=made).values())
    paper = [kept(row) for row in rows if row["receipt"] == paper_receipt]
    on_screen = [kept(row) for row in rows if row["receipt"] != paper_receipt]
    assert paper[0] in on_screen


@pytest.mark.parametrize("at_hand", [False, True], ids=["row-read-in-the-vote", "row-at-hand"])
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_ballots_of_one_person_at_the_same_instant_make_one(world, at_hand):
    """Six presses of one person's button at once (`at_hand`: each with the roll's row
    read before, as the page passes it: on PostgreSQL the vote is one statement)."""
    crowd = people(world, per_group=1)
    made = opened(world)
    voter = crowd.full[0]
    row = Elector.objects.get(campaign=made, user=voter) if at_hand else None
    attempts = 6
    barrier = threading.Barrier(attempts)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def press(score):
        try:
            barrier.wait()
            vote(made, voter, score, row=row)
            outcomes.append("cast")
        except services.ValidationError:
            outcomes.append("refused")
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(1 + n % 5,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(outcomes) == ["cast"] + ["refused"] * (attempts - 1)
    assert Ballot.objects.filter(campaign=made).count() == 1
    ballot = Ballot.objects.get(campaign=made)
    assert Mark.objects.filter(ballot=ballot).count() == len(answers(made))
    assert len(set(Mark.objects.filter(ballot=ballot).values_list("score", flat=True))) == 1
    assert Elector.objects.get(campaign=made, user=voter).voted_on == timezone.localdate()


@pytest.mark.django_db
def test_voting_after_the_closing_day_is_refused_on_the_page(world, client):
    crowd = people(world, per_group=1)
    made = opened(world)
    # closed yesterday (opened by then, whichever weekday today is)
    made.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    made.opens_on = min(made.opens_on, made.closes_on)
    made.save(update_fields=["opens_on", "closes_on"])
    client.force_login(crowd.full[0])
    data = {f"s{s}_i{i}": "4" for (s, i) in answers(made)}
    response = client.post(reverse("evaluation:campaign_vote", args=[made.pk]), data)
    assert response.status_code == 409
    assert "no more ballots" in response.content.decode() or "不再" in response.content.decode()
    assert not Ballot.objects.exists()


@pytest.mark.parametrize("at_hand", [False, True], ids=["row-read-in-the-vote", "row-at-hand"])
@pytest.mark.django_db
def test_a_ballot_cast_with_a_copy_read_before_the_close_is_refused(world, at_hand):
    """The vote page reads the campaign at the start of the request; if the campaign
    closes meanwhile, the ballot is refused on the row as it is now, and the box (already
    rewritten) stays as the close left it."""
    crowd = people(world, per_group=2)
    made = opened(world)
    vote(made, crowd.full[1])
    stale = type(made).objects.get(pk=made.pk)
    row = Elector.objects.get(campaign=made, user=crowd.full[0]) if at_hand else None
    services.campaign_close(
        actor=world.committee_officer, campaign=made, today=timezone.localdate()
    )
    box = sorted(Ballot.objects.filter(campaign=made).values_list("pk", flat=True))
    with pytest.raises(services.ValidationError):
        vote(stale, crowd.full[0], row=row)
    assert sorted(Ballot.objects.filter(campaign=made).values_list("pk", flat=True)) == box
    assert Elector.objects.get(campaign=made, user=crowd.full[0]).voted_on is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks of PostgreSQL")
@pytest.mark.parametrize("at_hand", [False, True], ids=["row-read-in-the-vote", "row-at-hand"])
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_postgresql_a_ballot_waits_for_a_close_under_way_but_not_for_other_voters(
    world, at_hand
):
    from django.db import OperationalError, transaction

    from grassroots.evaluation.campaigns.models import Campaign

    crowd = people(world, per_group=2)
    made = opened(world)
    table = Campaign._meta.db_table
    holding = threading.Event()
    release = threading.Event()

    def hold(clause):
        """Another transaction holding the campaign's row: a voter's (FOR SHARE) or a
        close's (FOR UPDATE)."""
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f'SELECT 1 FROM "{table}" WHERE "id" = %s {clause}', [made.pk])  # noqa: S608
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    def cast_within(timeout, user):
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL lock_timeout = '{timeout}'")
            vote(made, user, at_hand=at_hand)

    other_voter = threading.Thread(target=hold, args=("FOR SHARE",))
    other_voter.start()
    assert holding.wait(10)
    cast_within("2s", crowd.full[0])  # goes through beside another voter
    release.set()
    other_voter.join()

    holding.clear()
    release.clear()
    closing = threading.Thread(target=hold, args=("FOR UPDATE",))
    closing.start()
    assert holding.wait(10)
    with pytest.raises(OperationalError):
        cast_within("300ms", crowd.full[1])  # waits for the close
    release.set()
    closing.join()
    assert Ballot.objects.filter(campaign=made).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="what PostgreSQL's server sees")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_postgresql_the_vote_reaches_the_server_without_its_values(world):
    """The vote's one statement names the voter's row of the roll and carries the answers
    and comments. Its values travel apart from its text, so what the server shows of it
    while it waits (and logs of it if it fails) is placeholders, never a person beside a
    ballot: watched here in pg_stat_activity while a close holds the campaign."""
    import time

    from django.db import transaction

    from grassroots.evaluation.campaigns.models import Campaign

    crowd = people(world, per_group=1)
    made = opened(world)
    voter = crowd.full[0]
    marker = "食堂排队太久-9d3f7a"
    holding, release = threading.Event(), threading.Event()
    outcome: list[str] = []

    def close_under_way():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                table = Campaign._meta.db_table
                cursor.execute(f'SELECT 1 FROM "{table}" WHERE "id" = %s FOR UPDATE', [made.pk])  # noqa: S608
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    def cast():
        try:
            outcome.append(vote(made, voter, comment=marker, at_hand=True))
        finally:
            connection.close()

    closing = threading.Thread(target=close_under_way)
    closing.start()
    assert holding.wait(10)
    casting = threading.Thread(target=cast)
    casting.start()
    seen = None
    try:
        for _ in range(100):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT query FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    " AND query LIKE %s",
                    ["%evaluation_mark%"],
                )
                row = cursor.fetchone()
            if row:
                seen = row[0]
                break
            time.sleep(0.05)
    finally:
        release.set()
        closing.join()
        casting.join()
    assert seen is not None
    assert "$1" in seen and "::text[]" in seen
    assert marker not in seen and "'open'" not in seen
    assert len(outcome) == 1 and Ballot.objects.filter(campaign=made).count() == 1
    assert Remark.objects.get().text == marker
