"""Appeal pages for the submitter, handlers, other employees, other branches and visitors."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from grassroots.appeals import services
from grassroots.appeals.intake import AppealDraft
from grassroots.appeals.models import Appeal, Attachment
from grassroots.appeals.tests.factories import category, raise_appeal

pytestmark = pytest.mark.django_db


def form_data(world, **overrides):
    data = {
        "category": category().pk,
        "title": "宿舍热水",
        "description": "宿舍晚上没有热水",
        "department": world.department_a.pk,
        "urgency": "normal",
        "idempotency_key": "",
    }
    data.update(overrides)
    return data


def test_employee_raises_an_appeal_and_sees_it_in_their_list(world, client_for):
    client = client_for(world.employee)
    response = client.post(reverse("appeals:new"), form_data(world))
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "appeals:received", args=[appeal.public_id]
    )
    assert appeal.submitter == world.employee and appeal.unit == world.branch_a
    page = client.get(reverse("appeals:mine")).content.decode()
    assert appeal.number in page


def test_after_sending_a_light_page_gives_the_number_who_handles_it_and_the_way_on(
    world, client_for, django_assert_max_num_queries
):
    # given: an employee who has just sent an appeal
    client = client_for(world.employee)
    response = client.post(reverse("appeals:new"), form_data(world, idempotency_key="once"))
    appeal = Appeal.objects.get()
    # when: they land on the page the form sent them to
    with django_assert_max_num_queries(4):  # the person, their roles and membership, the appeal
        page = client.get(response.url)
    # then: it says it was sent, with the number, the organisation handling it and the
    # deadlines, and links on (the appeal itself, their list, another appeal) — without
    # the timeline, which the appeal's own page shows, and with a light header (home,
    # the inbox, signing out; not the navigation or the unread count)
    text = page.content.decode()
    assert page.status_code == 200
    assert "nav_items" not in page.context and "unread_count" not in page.context
    assert 'class="site-nav"' not in text
    assert reverse("notifications:inbox") in text and reverse("accounts:logout") in text
    assert appeal.number in text and world.branch_a.name in text
    local = timezone.localtime
    assert local(appeal.accept_due_at).strftime("%Y-%m-%d %H:%M") in text
    # the answer's deadline, not the current step's (acceptance) shown twice
    assert appeal.answer_due_at != appeal.current_due_at
    assert local(appeal.answer_due_at).strftime("%Y-%m-%d %H:%M") in text
    for name, args in (("mine_detail", [appeal.public_id]), ("mine", []), ("new", [])):
        assert f'href="{reverse(f"appeals:{name}", args=args)}"' in text
    assert "timeline-title" not in text
    # and the same form sent again (a double submit) shows the appeal itself
    again = client.post(reverse("appeals:new"), form_data(world, idempotency_key="once"))
    assert Appeal.objects.count() == 1
    assert again.url == reverse("appeals:mine_detail", args=[appeal.public_id])


@pytest.mark.parametrize(
    ("who", "status"),
    [("employee", 200), ("member_b", 404), ("officer_a", 404), (None, 302)],
)
def test_own_appeal_page_is_for_the_submitter(world, client_for, who, status):
    appeal = raise_appeal(world)
    user = None if who is None else getattr(world, who)
    user = getattr(user, "user", user)
    assert (
        client_for(user).get(reverse("appeals:mine_detail", args=[appeal.public_id])).status_code
        == status
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("officer_a", 200),
        ("committee_officer", 200),
        ("officer_b", 404),
        ("employee", 404),  # the submitter uses their own page
        ("member_a", 404),
        (None, 302),
    ],
)
def test_handler_page_for_the_branch_and_above_only(world, client_for, who, status):
    appeal = raise_appeal(world)
    user = None if who is None else getattr(world, who)
    user = getattr(user, "user", user)
    assert (
        client_for(user).get(reverse("appeals:handle_detail", args=[appeal.public_id])).status_code
        == status
    )


def test_conduct_complaints_are_hidden_from_the_branch_concerned(world, client_for):
    appeal = raise_appeal(world, category=category("conduct"))
    assert (
        client_for(world.officer_a)
        .get(reverse("appeals:handle_detail", args=[appeal.public_id]))
        .status_code
        == 404
    )
    page = client_for(world.officer_a).get(reverse("appeals:queue")).content.decode()
    assert appeal.title not in page


def test_assigned_member_can_post_progress_but_not_decline(world, client_for):
    appeal = raise_appeal(world)
    services.appeal_accept(appeal=appeal, actor=world.officer_a)
    services.appeal_assign(appeal=appeal, actor=world.officer_a, assignee=world.member_a.user)
    client = client_for(world.member_a.user)
    assert client.get(reverse("appeals:handle_detail", args=[appeal.public_id])).status_code == 200
    response = client.post(
        reverse("appeals:act", args=[appeal.public_id, "follow_up"]),
        {"follow-text": "联系了后勤", "follow-public": "on"},
    )
    assert response.status_code == 302
    assert (
        client.post(
            reverse("appeals:act", args=[appeal.public_id, "decline"]), {"decline-reason": "x"}
        ).status_code
        == 404
    )


def test_handler_accepts_answers_and_the_submitter_rates(world, client_for):
    appeal = raise_appeal(world)
    officer = client_for(world.officer_a)
    assert (
        officer.post(
            reverse("appeals:act", args=[appeal.public_id, "accept"]), {"accept-urgency": "normal"}
        ).status_code
        == 302
    )
    assert (
        officer.post(
            reverse("appeals:act", args=[appeal.public_id, "answer"]),
            {"answer-text": "已修好热水器"},
        ).status_code
        == 302
    )
    submitter = client_for(world.employee)
    url = reverse("appeals:mine_detail", args=[appeal.public_id])
    # the answer is read first, then the question about it
    page = submitter.get(url).content.decode()
    answer_at, question_at = page.find("已修好热水器"), page.find('name="rate-resolved"')
    assert -1 < answer_at < question_at
    response = submitter.post(
        url, {"action": "rate", "rate-resolved": "yes", "rate-satisfaction": "satisfied"}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert (appeal.status, appeal.satisfaction) == ("closed", "satisfied")


def test_another_branch_cannot_act_on_an_appeal(world, client_for):
    appeal = raise_appeal(world)
    response = client_for(world.officer_b).post(
        reverse("appeals:act", args=[appeal.public_id, "accept"]), {"accept-urgency": "normal"}
    )
    assert response.status_code == 404
    appeal.refresh_from_db()
    assert appeal.status == "submitted"


def test_anonymous_appeal_receipt_and_following_with_code_and_pin(world, client):
    response = client.post(reverse("appeals:anonymous"), form_data(world, title="匿名反映"))
    assert response.status_code == 200
    result = response.context["result"]
    assert result.tracking_code in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    follow = client.post(
        reverse("appeals:follow"), {"tracking_code": result.tracking_code, "pin": result.pin}
    )
    assert (
        follow.status_code == 302
        and result.tracking_code not in follow.url
        and result.pin not in follow.url
    )
    page = client.get(follow.url).content.decode()
    assert "匿名反映" in page


def test_wrong_pins_are_limited(world, client, settings):
    from grassroots.core.services import parameter_set

    parameter_set(actor=None, key="appeals.code_tries_per_hour", value=3)
    services.parameters.forget_cached_values()
    result = services.appeal_submit(
        draft=AppealDraft(
            category=category(), title="t", description="d", channel="anonymous", anonymous=True
        )
    )
    wrong = "000000" if result.pin != "000000" else "111111"
    for _ in range(3):
        client.post(
            reverse("appeals:follow"), {"tracking_code": result.tracking_code, "pin": wrong}
        )
    response = client.post(
        reverse("appeals:follow"), {"tracking_code": result.tracking_code, "pin": result.pin}
    )
    assert response.status_code == 200
    assert "wait" in str(response.context["form"].non_field_errors()) or "请" in str(
        response.context["form"].non_field_errors()
    )


def test_anonymous_submissions_from_one_device_are_limited(world, client):
    from grassroots.core.services import parameter_set

    parameter_set(actor=None, key="appeals.anonymous_per_hour", value=2)
    services.parameters.forget_cached_values()
    for n in range(2):
        assert (
            client.post(
                reverse("appeals:anonymous"), form_data(world, title=f"匿名{n}")
            ).status_code
            == 200
        )
    response = client.post(reverse("appeals:anonymous"), form_data(world, title="第三条"))
    assert Appeal.objects.count() == 2
    assert response.context["form"].non_field_errors()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def test_files_are_checked_by_content_and_images_re_encoded(world, client_for):
    client = client_for(world.employee)
    response = client.post(
        reverse("appeals:new"),
        form_data(
            world, attachments=[SimpleUploadedFile("photo.jpg", _png(), content_type="image/jpeg")]
        ),
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png" and attachment.name == "photo.png"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("evil.jpg", b"<html><script>alert(1)</script></html>"),
        ("report.pdf", b"MZ\x90\x00 an executable"),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"not really"),
    ],
)
def test_disguised_or_broken_files_are_refused_and_nothing_is_saved(
    world, client_for, name, content
):
    response = client_for(world.employee).post(
        reverse("appeals:new"), form_data(world, attachments=[SimpleUploadedFile(name, content)])
    )
    assert response.status_code == 200
    assert response.context["form"].errors["attachments"]
    assert not Appeal.objects.exists()


def test_too_many_or_too_large_files_are_refused(world, client_for):
    from grassroots.core.services import parameter_set

    parameter_set(actor=None, key="appeals.max_attachment_mb", value=1)
    services.parameters.forget_cached_values()
    big = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (1024 * 1024 + 10))
    response = client_for(world.employee).post(
        reverse("appeals:new"), form_data(world, attachments=[big])
    )
    assert response.context["form"].errors["attachments"]
    many = [SimpleUploadedFile(f"{n}.png", _png()) for n in range(6)]
    response = client_for(world.employee).post(
        reverse("appeals:new"), form_data(world, attachments=many)
    )
    assert response.context["form"].errors["attachments"]
    assert not Appeal.objects.exists()


def test_double_submission_creates_one_appeal(world, client_for):
    client = client_for(world.employee)
    data = form_data(world, idempotency_key="same-form")
    client.post(reverse("appeals:new"), data)
    client.post(reverse("appeals:new"), data)
    assert Appeal.objects.count() == 1


def test_script_in_text_is_stored_as_text_and_escaped(world, client_for):
    client = client_for(world.employee)
    client.post(reverse("appeals:new"), form_data(world, title="<script>alert(1)</script>"))
    appeal = Appeal.objects.get()
    page = (
        client_for(world.officer_a)
        .get(reverse("appeals:handle_detail", args=[appeal.public_id]))
        .content.decode()
    )
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_attachments_are_private_to_those_who_may_see_the_appeal(world, client_for):
    client = client_for(world.employee)
    client.post(
        reverse("appeals:new"), form_data(world, attachments=[SimpleUploadedFile("p.png", _png())])
    )
    url = reverse("appeals:attachment", args=[Attachment.objects.get().public_id])
    assert client.get(url).status_code == 200
    assert client_for(world.officer_a).get(url).status_code == 200
    assert client_for(world.officer_b).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 404


def test_on_behalf_records_the_worker_as_submitter(world, client_for):
    client = client_for(world.officer_a)
    data = form_data(world, employee_number=world.employee.employee_number, received_by="phone")
    response = client.post(reverse("appeals:on_behalf"), data)
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert (appeal.submitter, appeal.recorded_by, appeal.channel) == (
        world.employee,
        world.officer_a,
        "on_behalf",
    )
    assert client_for(world.employee).get(reverse("appeals:on_behalf")).status_code == 404
    assert client_for(None).get(reverse("appeals:on_behalf")).status_code == 302


def test_qr_poster_prefills_the_department(world, client_for):
    poster = client_for(world.officer_a).get(
        reverse("appeals:qr_poster", args=[world.department_a.code])
    )
    assert poster.status_code == 200 and "<svg" in poster.content.decode()
    assert (
        client_for(world.employee)
        .get(reverse("appeals:qr_poster", args=[world.department_a.code]))
        .status_code
        == 404
    )
    form = (
        client_for(world.employee)
        .get(reverse("appeals:new"), {"department": world.department_b.code})
        .context["form"]
    )
    assert form.initial["department"] == world.department_b.pk
    assert f'value="{world.department_b.pk}" selected' in str(form["department"])


def test_similar_open_appeals_are_offered_and_me_too_joins(world, client_for):
    raise_appeal(world, title="食堂排队时间太长", description="中午食堂排队要二十分钟")
    client = client_for(world.member_b.user)
    panel = client.get(
        reverse("appeals:similar"),
        {"category": category().pk, "title": "食堂排队太长", "description": "中午排队"},
    )
    assert "食堂排队时间太长" in panel.content.decode()
    appeal = Appeal.objects.get()
    assert client.post(reverse("appeals:me_too", args=[appeal.public_id])).status_code == 302
    assert appeal.me_toos.filter(user=world.member_b.user).exists()


@pytest.mark.parametrize("sent", ["with_a_mistake", "to_check"])
def test_a_form_drawn_again_shows_the_similar_open_appeals(world, client_for, sent):
    # given an open appeal like the one an employee is writing
    raise_appeal(world, title="食堂排队时间太长", description="中午食堂排队要二十分钟")
    form = {
        "category": category().pk,
        "title": "食堂排队太长",
        "description": "中午排队",
        "department": world.department_a.pk,
        "urgency": "normal",
    }
    if sent == "with_a_mistake":
        form["urgency"] = "whenever"
    else:
        form["check"] = "1"
    # when the form comes back (a mistake, or the person asked to look first)
    response = client_for(world.member_b.user).post(reverse("appeals:new"), form)
    # then nothing is raised and the similar appeal is offered on the page
    assert response.status_code == 200
    assert Appeal.objects.count() == 1
    assert [a.title for a in response.context["similar"]] == ["食堂排队时间太长"]


def test_queue_lists_only_what_the_officer_handles(world, client_for):
    mine = raise_appeal(world, title="甲支部的诉求")
    other = raise_appeal(world, title="乙支部的诉求", department=world.department_b)
    page = client_for(world.officer_a).get(reverse("appeals:queue")).content.decode()
    assert mine.title in page and other.title not in page
    assert client_for(None).get(reverse("appeals:queue")).status_code == 302


def test_queue_query_count_is_fixed(world, client_for, django_assert_max_num_queries):
    client = client_for(world.committee_officer)
    raise_appeal(world)
    client.get(reverse("appeals:queue"))
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("appeals:queue"))
    for n in range(10):
        raise_appeal(world, title=f"第{n}条")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("appeals:queue"))


def test_outcome_wall_shows_only_published_summaries(world, client_for):
    appeal = raise_appeal(world, consent_publish=True)
    services.appeal_accept(appeal=appeal, actor=world.officer_a)
    services.appeal_answer(appeal=appeal, actor=world.officer_a, text="ok")
    services.appeal_rate(
        appeal=appeal, resolved=True, satisfaction="satisfied", rater=world.employee
    )
    client = client_for(world.officer_a)
    form = client.get(reverse("appeals:handle_detail", args=[appeal.public_id])).context["forms"][
        "publish"
    ]
    assert world.employee.name not in form.initial["summary"]
    client.post(
        reverse("appeals:act", args=[appeal.public_id, "publish"]),
        {"publish-summary": "食堂增加了窗口"},
    )
    page = client_for(None).get(reverse("appeals:wall")).content.decode()
    assert "食堂增加了窗口" in page and world.employee.name not in page


def test_the_queue_exports_only_what_its_reader_handles(world, client_for):
    import zipfile

    appeal = raise_appeal(world, title="车间通风差")
    url = reverse("appeals:queue_export") + "?view=all"

    def sheet(user):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        with zipfile.ZipFile(io.BytesIO(response.content)) as book:
            return "".join(book.read(name).decode() for name in book.namelist())

    assert appeal.number in sheet(world.officer_a)
    assert appeal.number in sheet(world.committee_officer)
    assert appeal.number not in sheet(world.officer_b)
    assert appeal.number not in sheet(world.employee)
    assert client_for(None).get(url).status_code == 302


def test_a_liaisons_queue_offers_no_pages_it_may_not_open(world, client_for):
    from grassroots.accounts.models import Role, RoleAssignment

    RoleAssignment.objects.create(
        user=world.employee, role=Role.DEPARTMENT_LIAISON, department=world.department_a
    )
    page = client_for(world.employee).get(reverse("appeals:queue")).content.decode()
    assert reverse("appeals:on_behalf") not in page
    assert reverse("appeals:rates") not in page
    officer_page = client_for(world.officer_a).get(reverse("appeals:queue")).content.decode()
    assert reverse("appeals:on_behalf") in officer_page


def test_a_very_long_queue_is_counted_up_to_the_cap(world, client_for, monkeypatch):
    from grassroots.appeals.views import handle

    monkeypatch.setattr(handle, "QUEUE_COUNT_CAP", 2)
    for n in range(3):
        raise_appeal(world, title=f"问题{n}")
    response = client_for(world.officer_a).get(reverse("appeals:queue") + "?view=all")
    assert response.context["page_obj"].paginator.is_capped
    assert response.context["page_obj"].paginator.count == 2
    monkeypatch.setattr(handle, "QUEUE_COUNT_CAP", 10)
    response = client_for(world.officer_a).get(reverse("appeals:queue") + "?view=all")
    assert not response.context["page_obj"].paginator.is_capped
    assert response.context["page_obj"].paginator.count == 3


def test_both_deadlines_are_shown_each_named_and_the_current_one_marked(world, client_for):
    # given: an appeal just sent
    appeal = raise_appeal(world)
    url = reverse("appeals:mine_detail", args=[appeal.public_id])
    local = timezone.localtime

    def deadlines(page: str) -> tuple[str, str]:
        accept = page.split("To be accepted by", 1)[1].split("</dd>", 1)[0]
        answer = page.split("To be answered by", 1)[1].split("</dd>", 1)[0]
        return accept, answer

    # when: its sender and its handler look at it (in English)
    for person in (world.employee, world.officer_a):
        person.language = "en"
        person.save(update_fields=["language"])
    accept, answer = deadlines(client_for(world.employee).get(url).content.decode())
    handled = client_for(world.officer_a).get(
        reverse("appeals:handle_detail", args=[appeal.public_id])
    )
    assert deadlines(handled.content.decode()) == (accept, answer)
    # then: the acceptance deadline is the current step, the answer's is its own date
    assert local(appeal.accept_due_at).strftime("%Y-%m-%d %H:%M") in accept
    assert "current step" in accept
    assert local(appeal.answer_due_at).strftime("%Y-%m-%d %H:%M") in answer
    assert "current step" not in answer
    # and once accepted, the answer's deadline is the current one
    services.appeal_accept(appeal=appeal, actor=world.officer_a)
    appeal.refresh_from_db()
    accept, answer = deadlines(client_for(world.employee).get(url).content.decode())
    assert "current step" not in accept and "current step" in answer
    assert local(appeal.current_due_at).strftime("%Y-%m-%d %H:%M") in answer
