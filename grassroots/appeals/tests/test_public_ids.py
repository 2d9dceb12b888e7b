"""Appeals, their files and their co-handling tasks are named everywhere by a random
public id, never by their row number: a row number counts up, so a handler who saw
the numbers of a sender's named appeals could place an anonymous one between them.
And named appeal numbers come from a per-year counter, so an anonymous appeal leaves
no gap in them."""

from __future__ import annotations

import datetime
import io
import re
import threading
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import NoReverseMatch, reverse
from PIL import Image

from grassroots.appeals import services
from grassroots.appeals.intake import AppealDraft
from grassroots.appeals.models import Appeal, Attachment, NumberCounter
from grassroots.appeals.tests.factories import category, raise_appeal
from grassroots.core.models import AuditEntry
from grassroots.core.public_ids import ALPHABET, LENGTH, is_public_id, new_public_id
from grassroots.notifications.models import Delivery, Notification

ZONE = ZoneInfo("Asia/Shanghai")
PUBLIC_ID = re.compile(f"[{ALPHABET}]{{{LENGTH}}}")


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "PNG")
    return out.getvalue()


def _with_file(world: Any, **overrides: Any) -> Appeal:
    files = services.files_check([SimpleUploadedFile("照片.png", _png())])
    return raise_appeal(world, files=files, **overrides)


def _appeal_links(html: str) -> list[str]:
    """Every address into the appeals pages that a page links or posts to."""
    return re.findall(r'(?:href|action)="(/appeals/[^"?#]*)', html)


def _has_a_row_number(path: str) -> bool:
    return any(part.isdigit() for part in path.split("/"))


@pytest.fixture
def scene(world: Any) -> dict[str, Any]:
    """A named appeal with a photo, accepted, with a department asked to help and
    progress with a photo; an anonymous appeal with a photo, both in branch A."""
    named = _with_file(world)
    services.appeal_accept(appeal=named, actor=world.officer_a)
    services.cohandling_open(
        appeal=named, actor=world.officer_a, department=world.department_b, request="请核实"
    )
    services.followup_add(
        appeal=named,
        actor=world.officer_a,
        text="已到现场",
        public=True,
        files=services.files_check([SimpleUploadedFile("现场.png", _png())]),
    )
    anonymous = _with_file(world, submitter=None, anonymous=True, channel=Appeal.Channel.ANONYMOUS)
    return {"world": world, "named": named, "anonymous": anonymous}


@pytest.mark.django_db
def test_every_appeal_row_has_its_own_well_formed_public_id(scene):
    rows = [
        *Appeal.objects.values_list("public_id", flat=True),
        *Attachment.objects.values_list("public_id", flat=True),
        *scene["named"].co_handlings.values_list("public_id", flat=True),
    ]
    assert len(rows) == 6 and len(set(rows)) == 6
    assert all(is_public_id(value) for value in rows)


@pytest.mark.django_db
def test_pages_link_appeals_files_and_co_handling_by_public_id_only(scene, client_for):
    # given the pages a handler and a submitter open around the appeals
    world, named, anonymous = scene["world"], scene["named"], scene["anonymous"]
    handler = client_for(world.officer_a)
    pages = {
        "queue": handler.get(reverse("appeals:queue") + "?view=all"),
        "named detail": handler.get(reverse("appeals:handle_detail", args=[named.public_id])),
        "anonymous detail": handler.get(
            reverse("appeals:handle_detail", args=[anonymous.public_id])
        ),
        "inbox": handler.get(reverse("notifications:inbox")),
    }
    submitter = client_for(world.employee)
    pages["mine"] = submitter.get(reverse("appeals:mine"))
    pages["mine detail"] = submitter.get(reverse("appeals:mine_detail", args=[named.public_id]))
    other = client_for(world.member_b.user)
    pages["similar"] = other.get(
        reverse("appeals:similar"),
        {"category": named.category_id, "title": named.title, "description": named.description},
    )

    # then every link into the appeals pages names a public id, never a row number
    found = set()
    for where, response in pages.items():
        assert response.status_code == 200, where
        for link in _appeal_links(response.content.decode()):
            assert not _has_a_row_number(link), f"{where} links {link}"
            found.add(link)
    files = Attachment.objects.filter(appeal=named)
    expected = {
        reverse("appeals:handle_detail", args=[named.public_id]),
        reverse("appeals:handle_detail", args=[anonymous.public_id]),
        reverse("appeals:mine_detail", args=[named.public_id]),
        reverse("appeals:me_too", args=[named.public_id]),
        *(reverse("appeals:attachment", args=[f.public_id]) for f in files),
    }
    assert expected <= found
    # and the co-handling reply form is addressed (and its fields named) by public id
    task = named.co_handlings.get()
    assert str(task.pk) not in re.findall(r"reply-([^-\"]+)-", pages["named detail"].text)


@pytest.mark.django_db
def test_notices_deliveries_and_the_audit_log_name_appeals_by_public_id(scene):
    named, anonymous = scene["named"], scene["anonymous"]
    appeals = {named.public_id, anonymous.public_id}

    # the notices' links and event keys
    for model in (Notification, Delivery):
        for url, key in model.objects.values_list("url", "dedupe_key"):
            if url.startswith("/appeals/"):
                assert not _has_a_row_number(url), url
                assert url.split("/")[3] in appeals, url
            for mentioned in re.findall(r"appeal:([^:]+)", key):
                assert mentioned in appeals, key
            for task in re.findall(r":co:([^:]+)", key):
                assert is_public_id(task), key
    assert Notification.objects.filter(url=f"/appeals/handle/{anonymous.public_id}/").exists()
    assert Notification.objects.filter(url=f"/appeals/mine/{named.public_id}/").exists()

    # the audit log's targets
    targets = set(
        AuditEntry.objects.filter(action__startswith="appeal.").values_list("target_id", flat=True)
    )
    assert targets == appeals


@pytest.mark.django_db
def test_a_merge_is_recorded_with_the_public_id_of_the_appeal_merged_into(world):
    first = raise_appeal(world)
    duplicate = raise_appeal(world, submitter=world.member_a.user)
    services.appeal_merge(appeal=duplicate, actor=world.officer_a, into=first)
    entry = AuditEntry.objects.get(action="appeal.merge")
    assert entry.target_id == duplicate.public_id
    assert entry.changes["into"] == first.public_id


@pytest.mark.django_db
def test_the_api_gives_the_public_id_and_takes_it_in_its_paths(world, client_for):
    appeal = raise_appeal(world)
    client = client_for(world.employee)
    listed = client.get("/api/v1/appeals/mine").json()["items"]
    assert [item["id"] for item in listed] == [appeal.public_id]
    timeline = client.get(f"/api/v1/appeals/{appeal.public_id}/timeline")
    assert timeline.status_code == 200
    # the row number is no longer an address of the appeal
    assert client.get(f"/api/v1/appeals/{appeal.pk}/timeline").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "address",
    [
        "/appeals/handle/{pk}/",
        "/appeals/handle/{pk}/accept/",
        "/appeals/mine/{pk}/",
        "/appeals/{pk}/me-too/",
        "/appeals/co-handling/{task}/reply/",
        "/appeals/files/{file}/",
    ],
)
@pytest.mark.parametrize("who", ["handler", "submitter"])
def test_old_row_number_addresses_answer_404_even_to_those_who_may_see_the_appeal(
    scene, client_for, address, who
):
    named = scene["named"]
    task = named.co_handlings.get()
    item = Attachment.objects.filter(appeal=named).first()
    url = address.format(pk=named.pk, task=task.pk, file=item.pk)
    world = scene["world"]
    client = client_for(world.officer_a if who == "handler" else world.employee)
    method = client.post if address.endswith(("/accept/", "/me-too/", "/reply/")) else client.get
    assert method(url).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "public_id",
    [
        "unknown",  # well formed, no such appeal (filled in below)
        "ABCDEFGHJKMNPQRS",  # upper case
        "abcdefghjkmnpqr",  # one character short
        "abcdefghjkmnpqrst",  # one too many
        "abcdefghjkmnpqri",  # a letter left out of the alphabet
        "../../etc/passwd",
    ],
)
def test_an_unknown_or_malformed_id_is_a_404_for_a_handler(scene, client_for, public_id):
    if public_id == "unknown":
        public_id = new_public_id()
    handler = client_for(scene["world"].officer_a)
    for template in (
        "/appeals/handle/{}/",
        "/appeals/mine/{}/",
        "/appeals/files/{}/",
        "/api/v1/appeals/{}/timeline",
    ):
        assert handler.get(template.format(public_id)).status_code == 404, template
    for template in ("/appeals/{}/me-too/", "/appeals/co-handling/{}/reply/"):
        assert handler.post(template.format(public_id)).status_code == 404, template


@pytest.mark.django_db
def test_an_address_cannot_be_built_from_a_row_number(world):
    appeal = raise_appeal(world)
    with pytest.raises(NoReverseMatch):
        reverse("appeals:handle_detail", args=[appeal.pk])


@pytest.mark.django_db
def test_the_anonymous_follow_cookie_holds_the_public_id(world, client):
    # given an anonymous appeal with a photo, followed with its code and PIN
    files = services.files_check([SimpleUploadedFile("照片.png", _png())])
    submitted = services.appeal_submit(
        draft=AppealDraft(
            channel=Appeal.Channel.ANONYMOUS,
            category=category(),
            title="夜班没有热饭",
            description="夜班食堂十点后没有热饭。",
            anonymous=True,
            files=files,
        )
    )
    response = client.post(
        reverse("appeals:follow"),
        {"tracking_code": submitted.tracking_code, "pin": submitted.pin},
    )
    assert response.status_code == 302

    # then the cookie (signed, readable) names the appeal by its public id
    value = response.cookies["followed_appeal"].value
    assert value.split(":")[0] == submitted.appeal.public_id
    # and the followed page links its file by public id, and the file opens
    page = client.get(reverse("appeals:followed")).content.decode()
    links = _appeal_links(page)
    item = Attachment.objects.get(appeal=submitted.appeal)
    assert reverse("appeals:attachment", args=[item.public_id]) in links
    assert not any(_has_a_row_number(link) for link in links)
    assert client.get(reverse("appeals:attachment", args=[item.public_id])).status_code == 200


# --- Numbers --------------------------------------------------------------------------


def _at(day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, tzinfo=ZONE)


def _sequence(appeal: Appeal) -> int:
    assert re.fullmatch(r"SQ2026\d{6}", appeal.number), appeal.number
    return int(appeal.number[6:])


def _anonymous(world: Any, at: datetime.datetime) -> Appeal:
    return raise_appeal(
        world, submitter=None, anonymous=True, channel=Appeal.Channel.ANONYMOUS, at=at
    )


@pytest.mark.django_db
def test_named_numbers_stay_consecutive_around_anonymous_appeals(world):
    # given a sender's named appeal, two anonymous ones (theirs or anyone's) and another
    # named one
    before = raise_appeal(world, at=_at(10))
    _anonymous(world, _at(10, 11))
    _anonymous(world, _at(10, 12))
    after = raise_appeal(world, at=_at(10, 13))
    # then the named ones follow each other in the year's sequence
    assert _sequence(after) == _sequence(before) + 1
    assert NumberCounter.objects.get(year=2026).last == _sequence(after)


@pytest.mark.django_db
def test_a_year_without_a_counter_starts_after_its_highest_named_number(world):
    # given named numbers given before there was a counter (the migration found them,
    # or they were loaded in bulk), the highest of them past six digits
    first = raise_appeal(world, at=_at(10))
    second = raise_appeal(world, at=_at(11))
    Appeal.objects.filter(pk=first.pk).update(number="SQ20261000041")
    Appeal.objects.filter(pk=second.pk).update(number="SQ2026999999")
    NumberCounter.objects.all().delete()
    # when the next named appeal of the year is raised
    later = raise_appeal(world, at=_at(12))
    # then it takes the number after the highest
    assert later.number == "SQ20261000042"
    # and a new year starts at 1
    assert raise_appeal(world, at=_at(12).replace(year=2027)).number == "SQ2027000001"


@pytest.mark.django_db
def test_a_rolled_back_appeal_gives_its_number_back(world):
    first = raise_appeal(world, at=_at(10))

    def raise_then_fail() -> None:
        with transaction.atomic():
            raise_appeal(world, at=_at(10, 11))
            raise RuntimeError("the request failed")

    # given an appeal whose transaction is rolled back after it was numbered
    with pytest.raises(RuntimeError):
        raise_then_fail()
    # then the next one takes the number it would have had
    assert _sequence(raise_appeal(world, at=_at(10, 12))) == _sequence(first) + 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_named_appeals_raised_at_the_same_moment_get_distinct_consecutive_numbers(world):
    # given six employees pressing "send" at once (two of them anonymously)
    barrier = threading.Barrier(6)
    raised: list[Appeal] = []
    failed: list[BaseException] = []

    def send(anonymous: bool) -> None:
        try:
            barrier.wait()
            if anonymous:
                raised.append(_anonymous(world, _at(10)))
            else:
                raised.append(raise_appeal(world, at=_at(10)))
        except BaseException as error:
            failed.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i < 2,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then all are raised, and the four named ones are numbered 1 to 4
    assert failed == []
    named = sorted(_sequence(a) for a in raised if not a.is_anonymous)
    assert named == [1, 2, 3, 4]
    assert NumberCounter.objects.get(year=2026).last == 4
