"""A course's quiz: authors write questions (2–5 choices, one right); a learner who
studied the course answers, sees what was right and why, answers again; officers see
per question how many answered and the share right, never who. Completion and hours
never depend on it."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from grassroots.learning import selectors as learning
from grassroots.learning import services as learning_services
from grassroots.learning.models import CourseCompletion, QuizAnswer, QuizChoice, QuizQuestion
from grassroots.learning.quiz import selectors, services
from grassroots.learning.tests.factories import make_course, make_material

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture
def course(world):
    return make_course(world.branch_a, [make_material(world.branch_a, "党章")], title="学党章")


def _question(world, course, text="党的宗旨是什么？", right=1):
    return services.quiz_question_add(
        actor=world.officer_a,
        course=course,
        text=text,
        choices=["发展经济", "全心全意为人民服务", "按时开会"],
        right=right,
        explanation="党章总纲：全心全意为人民服务。",
    )


def _studied(world, course, member=None):
    member = member or world.member_a
    for item in course.items.all():
        learning_services.study_mark(
            actor=member.user, member=member, material=item.material, today=TODAY
        )
    assert CourseCompletion.objects.filter(member=member, course=course).exists()


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"text": " "}, "text"),
        ({"text": "x" * 501}, "text"),
        ({"choices": ["only one"]}, "choices"),
        ({"choices": ["a", "b", "c", "d", "e", "f"]}, "choices"),
        ({"choices": ["a", "a"]}, "choices"),
        ({"choices": ["a", " "]}, "choices"),
        ({"choices": ["a", "x" * 201]}, "choices"),
        ({"right": None}, "right"),
        ({"right": 2}, "right"),
        ({"explanation": "x" * 2001}, "explanation"),
    ],
)
def test_a_bad_question_saves_nothing(world, course, fields, bad):
    values = {"text": "问题", "choices": ["是", "否"], "right": 0, "explanation": ""} | fields
    with pytest.raises(ValidationError) as error:
        services.quiz_question_add(actor=world.officer_a, course=course, **values)
    assert bad in error.value.message_dict
    assert not QuizQuestion.objects.exists() and not QuizChoice.objects.exists()


def test_a_question_has_exactly_one_right_choice(world, course):
    question = _question(world, course)
    assert [c.is_right for c in question.choices.order_by("position")] == [False, True, False]


def test_only_someone_who_studied_the_course_answers(world, course):
    question = _question(world, course)
    right = question.choices.get(is_right=True)
    with pytest.raises(ValidationError):
        services.quiz_answer(
            actor=world.member_a.user,
            member=world.member_a,
            course=course,
            answers={question.pk: right.pk},
        )
    assert not QuizAnswer.objects.exists()


def test_answering_again_replaces_the_answer_and_changes_no_hours(world, course):
    question = _question(world, course)
    _studied(world, course)
    hours_before = learning.hours_of(world.member_a, year=TODAY.year, today=TODAY).total
    wrong = question.choices.filter(is_right=False).first()
    right = question.choices.get(is_right=True)
    answer = {"actor": world.member_a.user, "member": world.member_a, "course": course}
    assert services.quiz_answer(**answer, answers={question.pk: wrong.pk}) == 0
    assert services.quiz_answer(**answer, answers={question.pk: right.pk}) == 1
    assert QuizAnswer.objects.get().choice == right
    assert learning.hours_of(world.member_a, year=TODAY.year, today=TODAY).total == hours_before
    assert CourseCompletion.objects.filter(member=world.member_a).count() == 1


def test_an_answer_must_be_a_choice_of_that_question(world, course):
    first, second = _question(world, course), _question(world, course, "第二题")
    _studied(world, course)
    with pytest.raises(ValidationError) as error:
        services.quiz_answer(
            actor=world.member_a.user,
            member=world.member_a,
            course=course,
            answers={first.pk: second.choices.first().pk},
        )
    assert set(error.value.message_dict) == {f"q{first.pk}", f"q{second.pk}"}
    assert not QuizAnswer.objects.exists()


def test_the_summary_counts_answers_per_question_without_names(world, course):
    from grassroots.orgs.tests.factories import MemberFactory

    question = _question(world, course)
    right = question.choices.get(is_right=True)
    wrong = question.choices.filter(is_right=False).first()
    for picked in (right, right, right, wrong):
        member = MemberFactory(branch=world.branch_a)
        _studied(world, course, member)
        services.quiz_answer(
            actor=member.user, member=member, course=course, answers={question.pk: picked.pk}
        )
    # four answers: too few to show the share (it would tell who got what)
    [row] = selectors.summary(course)
    assert (row.answered, row.right, row.percent_right) == (4, 3, None)
    member = MemberFactory(branch=world.branch_a)
    _studied(world, course, member)
    services.quiz_answer(
        actor=member.user, member=member, course=course, answers={question.pk: wrong.pk}
    )
    [row] = selectors.summary(course)
    assert (row.answered, row.right, row.percent_right) == (5, 3, 60)


# --- pages ------------------------------------------------------------------------


def _anonymous_redirects(client_for, url, method="get"):
    response = getattr(client_for(None), method)(url)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_quiz_page_is_for_the_courses_learners(world, client_for, course):
    question = _question(world, course)
    url = reverse("learning:quiz", args=[course.pk])
    # before studying: the page says so and has no form
    page = client_for(world.member_a.user).get(url)
    assert page.status_code == 200 and 'id="quiz-not-yet"' in page.content.decode()
    assert client_for(world.member_a.user).post(url, {}).status_code == 404
    _studied(world, course)
    page = client_for(world.member_a.user).get(url).content.decode()
    assert "<fieldset" in page and "<legend" in page and question.text in page
    for outsider in (world.member_b.user, world.officer_b, world.employee):
        assert client_for(outsider).get(url).status_code == 404
    assert (
        client_for(world.member_a.user).get(reverse("learning:quiz", args=[99999])).status_code
        == 404
    )
    _anonymous_redirects(client_for, url)
    _anonymous_redirects(client_for, url, "post")


def test_a_learner_answers_sees_the_right_answer_and_answers_again(world, client_for, course):
    question = _question(world, course)
    _studied(world, course)
    wrong = question.choices.filter(is_right=False).first()
    url = reverse("learning:quiz", args=[course.pk])
    client = client_for(world.member_a.user)
    # unanswered: a clear error, nothing saved
    missing = client.post(url, {})
    assert missing.status_code == 200 and missing.context["form"].errors
    assert not QuizAnswer.objects.exists()
    assert client.post(url, {f"q{question.pk}": wrong.pk}).status_code == 302
    results = client.get(url).content.decode()
    assert 'id="quiz-results"' in results and "全心全意为人民服务" in results
    assert question.explanation in results and 'class="quiz-wrong"' in results
    again = client.get(url + "?again=1").content.decode()
    assert 'id="quiz-form"' in again


def test_authors_see_counts_not_people(world, client_for, course):
    question = _question(world, course)
    _studied(world, course)
    services.quiz_answer(
        actor=world.member_a.user,
        member=world.member_a,
        course=course,
        answers={question.pk: question.choices.get(is_right=True).pk},
    )
    url = reverse("learning:quiz_manage", args=[course.pk])
    page = client_for(world.officer_a).get(url)
    html = page.content.decode()
    assert page.status_code == 200 and 'id="quiz-summary"' in html
    assert page.context["summary"][0].answered == 1 and "100%" not in html  # too few to show
    assert world.member_a.user.name not in html
    assert client_for(world.committee_officer).get(url).status_code == 200
    for outsider in (world.officer_b, world.member_a.user, world.employee):
        assert client_for(outsider).get(url).status_code == 404
    _anonymous_redirects(client_for, url)


def test_an_author_adds_and_removes_a_question(world, client_for, course):
    url = reverse("learning:quiz_manage", args=[course.pk])
    client = client_for(world.officer_a)
    bad = client.post(url, {"text": "问题", "choice_0": "只有一个", "right": "0"})
    assert bad.status_code == 200 and "choice_0" in bad.context["form"].errors
    assert not QuizQuestion.objects.exists()
    made = client.post(
        url, {"text": "问题", "choice_0": "是", "choice_1": "否", "right": "1", "explanation": ""}
    )
    assert made.status_code == 302
    question = QuizQuestion.objects.get()
    assert question.choices.get(is_right=True).text == "否"
    remove = reverse("learning:quiz_question_remove", args=[course.pk, question.pk])
    assert client_for(world.officer_b).post(remove).status_code == 404
    assert client_for(world.officer_a).get(remove).status_code == 405
    _anonymous_redirects(client_for, remove, "post")
    assert client_for(world.officer_a).post(remove).status_code == 302
    assert not QuizQuestion.objects.exists()


def test_my_learning_links_the_quiz(world, client_for, course):
    _question(world, course)
    page = client_for(world.member_a.user).get(reverse("learning:mine")).content.decode()
    assert reverse("learning:quiz", args=[course.pk]) in page


def test_the_quiz_pages_keep_a_fixed_number_of_queries(
    world, client_for, course, django_assert_max_num_queries
):
    for number in range(6):
        _question(world, course, f"第{number}题")
    _studied(world, course)
    learner = client_for(world.member_a.user)
    url = reverse("learning:quiz", args=[course.pk])
    learner.get(url)
    # session, user, member, posts, course, questions, choices, completion, answers,
    # navigation (3): none per question
    with django_assert_max_num_queries(12):
        learner.get(url)
    author = client_for(world.officer_a)
    manage = reverse("learning:quiz_manage", args=[course.pk])
    author.get(manage)
    with django_assert_max_num_queries(12):
        author.get(manage)
