"""What raising an appeal costs the database (issue 13): a fixed number of queries for
the page's POST, nothing a brand-new appeal cannot need, and the year's numbering row
held for the last few statements only — with the numbers still dense and in order when
many employees send at once and some of their transactions fail."""

from __future__ import annotations

import datetime
import re
import threading
import time
import uuid
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.appeals import services
from grassroots.appeals.intake import AppealDraft
from grassroots.appeals.models import Appeal, NumberCounter
from grassroots.appeals.services import intake
from grassroots.appeals.services.intake import named_number
from grassroots.appeals.services.telling import APPEAL_UPDATE, NEW_APPEAL
from grassroots.appeals.tests.factories import category, raise_appeal
from grassroots.core.models import AuditEntry, Deadline
from grassroots.notifications.models import Delivery, KindPreference, Notification

ZONE = ZoneInfo("Asia/Shanghai")
AT = datetime.datetime(2026, 3, 10, 10, tzinfo=ZONE)

# The page's POST of a named appeal: the user (the session is read from the cache);
# the form's category and department (the user's own is not read: its id is enough,
# and the options are not drawn); the form's idempotency key (an earlier appeal with
# it?); routing and the handlers to tell (the categories' deadlines are kept per
# process); then in one transaction the appeal, its event, its warnings, its number,
# the audit entry and the notices. SQLite takes the number in two statements,
# PostgreSQL in one. No similar check: a valid form is not drawn again (the panel
# showed them while the person typed).
POST_QUERIES = {"postgresql": 14, "sqlite": 15}
# The similar-appeals panel asked by htmx while the person types: the user, the
# category, the open appeals like it and which of them the person said "me too" to —
# not the navigation or the unread count, which a part of a page does not draw.
PANEL_QUERIES = 4


def _form(world: Any, **extra: Any) -> dict[str, Any]:
    return {
        "category": category().pk,
        "title": "宿舍热水",
        "description": "宿舍晚上十点以后没有热水。",
        "department": world.department_a.pk,
        "urgency": "normal",
        "idempotency_key": uuid.uuid4().hex,
    } | extra


def _tables(sql: str) -> str:
    """The statement's kind and its first table, e.g. 'INSERT core_auditentry'."""
    found = re.search(r'(?:FROM|INTO|UPDATE)\s+"(\w+)"', sql)
    kind = sql.split(None, 1)[0].upper()
    return f"{kind} {found.group(1) if found else ''}".strip()


@pytest.mark.django_db
def test_the_pages_post_of_a_named_appeal_runs_a_fixed_number_of_queries(world, client_for):
    # given an employee who has raised an appeal through the page already (so the
    # year's counter exists: the count is that of every appeal but a year's first;
    # a valid POST runs no similar check)
    client = client_for(world.employee)
    assert client.post(reverse("appeals:new"), _form(world)).status_code == 302
    # when they raise another through the page
    form = _form(world)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(reverse("appeals:new"), form)
    # then it is raised, in the fixed number of queries
    assert response.status_code == 302
    assert Appeal.objects.count() == 2
    assert len(captured.captured_queries) == POST_QUERIES[connection.vendor], "\n".join(
        query["sql"][:160] for query in captured.captured_queries
    )


@pytest.mark.django_db
def test_the_similar_panel_runs_a_fixed_number_of_queries_and_no_navigation(world, client_for):
    # an open appeal of another's like the one being typed
    raise_appeal(world, title="食堂排队时间太长", description="中午食堂排队要二十分钟")
    client = client_for(world.member_b.user)
    typed = {"category": category().pk, "title": "食堂排队太长", "description": "中午排队"}
    url = reverse("appeals:similar")
    client.get(url, typed, headers={"HX-Request": "true"})  # the session's first write
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, typed, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "食堂排队时间太长" in response.content.decode()
    statements = [_tables(query["sql"]) for query in captured.captured_queries]
    assert not any("notification" in s or "roleassignment" in s for s in statements)
    assert len(statements) == PANEL_QUERIES, statements


@pytest.mark.django_db
@pytest.mark.parametrize("anonymous", [False, True])
def test_a_new_appeal_neither_cancels_warnings_nor_looks_for_earlier_notices(world, anonymous):
    # when an appeal is raised
    with CaptureQueriesContext(connection) as captured:
        if anonymous:
            raise_appeal(world, submitter=None, anonymous=True, channel=Appeal.Channel.ANONYMOUS)
        else:
            raise_appeal(world)
    statements = [_tables(query["sql"]) for query in captured.captured_queries]
    # then nothing is deleted and no earlier notice is looked for: it has none
    assert not [s for s in statements if s.startswith("DELETE")], statements
    assert "SELECT notifications_notification" not in statements
    # and the appeal is written once (an anonymous one with its final number)
    appeal_writes = [s for s in statements if s.endswith(" appeals_appeal") and "SELECT" not in s]
    expected = ["INSERT appeals_appeal"]
    if not anonymous and connection.vendor != "postgresql":
        expected.append("UPDATE appeals_appeal")  # SQLite: the number, after the counter
    assert appeal_writes == expected
    # yet its warnings and notices are all there
    appeal = Appeal.objects.get()
    assert Deadline.objects.filter(subject_id=str(appeal.pk)).count() == 3
    assert Notification.objects.filter(dedupe_key=f"appeal:{appeal.public_id}:new").exists()


@pytest.mark.django_db
def test_only_what_shows_the_number_is_written_after_the_counter_is_taken(world):
    # given the year's counter (the first appeal of a year makes it)
    NumberCounter.objects.create(year=timezone.localdate().year, last=0)
    # when a named appeal is raised
    with CaptureQueriesContext(connection) as captured:
        appeal = raise_appeal(world)
    statements = [_tables(query["sql"]) for query in captured.captured_queries]
    # then the year's counter row is taken by the last statements but three: the number
    # (SQLite: and its own UPDATE of the appeal), the audit entry, the notices; then the
    # commit (here the end of the test's savepoint)
    taken = next(
        i for i, query in enumerate(captured.captured_queries) if "numbercounter" in query["sql"]
    )
    after = statements[taken + 1 :]
    if connection.vendor != "postgresql":
        assert after[0] == "UPDATE appeals_appeal"
        after = after[1:]
    assert after[:2] == ["INSERT core_auditentry", "INSERT notifications_notification"]
    assert [s.split()[0] for s in after[2:]] == ["RELEASE"]
    # and what it wrote shows the number
    assert appeal.number == f"SQ{timezone.localdate().year}000001"
    assert AuditEntry.objects.get(action="appeal.submit").target_label.startswith(appeal.number)
    assert appeal.number in Notification.objects.get(recipient=world.employee).title


@pytest.mark.django_db
def test_e_mail_addresses_add_one_statement_under_the_counter(world, client_for):
    # given the handlers and the employee all with an e-mail address (the other tests'
    # people have none), and an appeal already raised, as above
    for index, person in enumerate(User.objects.all()):
        person.email = f"person{index}@example.com"
        person.save(update_fields=["email"])
    client = client_for(world.employee)
    assert client.post(reverse("appeals:new"), _form(world)).status_code == 302
    # when the employee raises an appeal through the page
    form = _form(world)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(reverse("appeals:new"), form)
    assert response.status_code == 302
    statements = [_tables(query["sql"]) for query in captured.captured_queries]
    # then the POST runs three queries more than without addresses: the e-mail choices
    # and settings of those told, read just before the counter is taken, and their
    # e-mails
    assert len(statements) == POST_QUERIES[connection.vendor] + 3, "\n".join(statements)
    taken = next(i for i, s in enumerate(captured.captured_queries) if "numbercounter" in s["sql"])
    assert statements[taken - 2 : taken] == [
        "SELECT notifications_kindpreference",
        "SELECT notifications_notificationsettings",
    ], statements
    # and only the e-mails are written after the counter is taken besides the two
    # statements every named appeal writes there
    after = statements[taken + 1 :]
    if connection.vendor != "postgresql":
        after = after[1:]  # SQLite: the appeal's own UPDATE of the number
    assert after[:-1] == [
        "INSERT core_auditentry",
        "INSERT notifications_notification",
        "INSERT notifications_delivery",
    ]
    assert after[-1].split()[0] in {"RELEASE", "COMMIT"}
    assert Delivery.objects.filter(channel=Delivery.Channel.EMAIL).count() >= 2


@pytest.mark.django_db
def test_e_mail_turned_off_while_the_files_are_stored_is_not_sent(world, monkeypatch):
    # given the handlers and the employee all with an e-mail address
    for index, person in enumerate(User.objects.all()):
        person.email = f"person{index}@example.com"
        person.save(update_fields=["email"])
    # when they all turn e-mail off for these notices while the appeal's files are stored
    store = intake.attachments_add

    def storing_slowly(*args: Any, **kwargs: Any) -> None:
        store(*args, **kwargs)
        KindPreference.objects.bulk_create(
            KindPreference(
                user=person, kind=kind.key, channel=Delivery.Channel.EMAIL, enabled=False
            )
            for person in User.objects.all()
            for kind in (NEW_APPEAL, APPEAL_UPDATE)
        )

    monkeypatch.setattr(intake, "attachments_add", storing_slowly)
    raise_appeal(world)
    # then nobody is sent an e-mail about it, only told in the inbox
    assert Notification.objects.exists()
    assert not Delivery.objects.filter(channel=Delivery.Channel.EMAIL).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("last", "numbers"),
    [(4, ["SQ2026000005", "SQ2026000006"]), (999_998, ["SQ2026999999", "SQ20261000000"])],
)
def test_the_number_is_six_digits_and_more_when_needed(world, last, numbers):
    # given the year's counter at `last`
    NumberCounter.objects.create(year=2026, last=last)
    # when two named appeals are raised
    raised = [raise_appeal(world, at=AT), raise_appeal(world, at=AT)]
    # then they take the next numbers, written the way services.named_number writes them
    assert [appeal.number for appeal in raised] == numbers
    assert [Appeal.objects.get(pk=a.pk).number for a in raised] == numbers
    assert numbers == [named_number(2026, last + 1), named_number(2026, last + 2)]


@pytest.mark.django_db
def test_a_repeated_form_gives_back_its_appeal_and_takes_no_number(world):
    # given a form already sent
    draft = AppealDraft(
        category=category(),
        title="宿舍热水",
        description="宿舍晚上没有热水",
        channel=Appeal.Channel.WEB,
        submitter=world.employee,
        department=world.department_a,
        idempotency_key="form-1",
    )
    first = services.appeal_submit(draft=draft, at=AT)
    # when it is sent again
    again = services.appeal_submit(draft=draft, at=AT)
    # then the first appeal comes back, and nothing more is numbered, audited or told
    assert again.repeated and again.appeal.pk == first.appeal.pk
    assert Appeal.objects.count() == 1
    assert NumberCounter.objects.get(year=2026).last == 1
    assert AuditEntry.objects.filter(action="appeal.submit").count() == 1
    assert Notification.objects.filter(recipient=world.employee).count() == 1
    # and another person's use of the key is refused, showing nothing
    with pytest.raises(ValidationError):
        services.appeal_submit(
            draft=AppealDraft(**{**draft.__dict__, "submitter": world.member_a.user}), at=AT
        )
    assert NumberCounter.objects.get(year=2026).last == 1


@pytest.mark.django_db
@pytest.mark.parametrize("anonymous", [False, True])
def test_a_repeated_form_runs_no_insert_that_fails(world, anonymous):
    # given a form already sent (PostgreSQL writes a failing statement whole, the
    # appeal's text included, into its server log: a repeat must not run one)
    draft = AppealDraft(
        category=category(),
        title="宿舍热水",
        description="宿舍晚上没有热水",
        channel=Appeal.Channel.ANONYMOUS if anonymous else Appeal.Channel.WEB,
        submitter=None if anonymous else world.employee,
        anonymous=anonymous,
        department=world.department_a,
        idempotency_key="form-log",
    )
    services.appeal_submit(draft=draft, at=AT)
    # when it is sent again
    with CaptureQueriesContext(connection) as captured:
        again = services.appeal_submit(draft=draft, at=AT)
    # then the first appeal comes back from a look-up, with nothing written or tried
    assert again.repeated
    statements = [_tables(query["sql"]) for query in captured.captured_queries]
    assert statements == ["SELECT appeals_appeal"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks of PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_numbers_stay_dense_and_unique_when_many_send_at_once_and_some_fail(world):
    # given twelve employees pressing "send" at once: two anonymously, and three whose
    # requests fail after their appeal was numbered, while holding the counter a while
    senders = 12
    barrier = threading.Barrier(senders)
    raised: list[Appeal] = []
    failed: list[BaseException] = []

    class RequestFailedError(Exception):
        pass

    def send(index: int) -> None:
        try:
            barrier.wait()
            if index < 2:
                raised.append(
                    raise_appeal(
                        world,
                        submitter=None,
                        anonymous=True,
                        channel=Appeal.Channel.ANONYMOUS,
                        at=AT,
                    )
                )
            elif index < 5:
                with transaction.atomic():
                    raise_appeal(world, at=AT)
                    time.sleep(0.2)  # the others queue on the counter meanwhile
                    raise RequestFailedError
            else:
                raised.append(raise_appeal(world, at=AT))
        except RequestFailedError:
            pass
        except BaseException as error:
            failed.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(index,)) for index in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then every other appeal is raised, the seven named ones numbered 1 to 7 — the
    # failed ones gave their numbers back — and the counter stands at 7
    assert failed == []
    named = sorted(int(a.number[6:]) for a in raised if not a.is_anonymous)
    assert named == list(range(1, 8))
    assert NumberCounter.objects.get(year=2026).last == 7
    stored = list(Appeal.objects.filter(is_anonymous=False).values_list("number", flat=True))
    assert sorted(stored) == [named_number(2026, n) for n in range(1, 8)]
    assert Appeal.objects.filter(is_anonymous=True).count() == 2
