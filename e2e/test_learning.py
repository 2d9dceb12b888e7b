"""Learning in the browser: a member on a 390 px phone, by keyboard only, opens a course's
material, reads its plain-text version and says they studied it; their hours page says
where the hours came from; the branch officer sees the branch's counts below target.
A member named for a course listens to its audio material beside its plain-text version,
studies it and answers its quiz by keyboard, and sees the right answers and why.
Every page on the way passes axe."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from e2e.conftest import axe_violations


def _no_violations(page, name):
    violations = axe_violations(page)
    assert violations == [], f"{name}: {violations}"


def _keyboard_to(page, locator, *, presses=80):
    """Tab until the element has the focus (as a keyboard user would reach it)."""
    target = locator.element_handle()
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("(el) => document.activeElement === el", target):
            return
    raise AssertionError("not reachable by keyboard")


def test_a_member_studies_a_material_on_a_phone_by_keyboard(new_page):
    page = new_page("member", width=390, height=844)
    page.goto("/learning/")
    _no_violations(page, "my learning (phone)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    link = page.locator("#courses-title ~ section ol a").first
    title = link.inner_text()
    _keyboard_to(page, link)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/learning/materials/\d+/$"))
    assert page.locator("h1").inner_text() == title
    assert page.locator("#plain-text").inner_text().strip()
    _no_violations(page, "material (phone)")
    _keyboard_to(page, page.locator("#mark-studied"))
    with page.expect_navigation():  # the form posts and comes back to the same page
        page.keyboard.press("Enter")
    assert page.locator("#studied-status").is_visible()
    assert page.locator("#mark-studied").count() == 0
    _no_violations(page, "material studied (phone)")

    page.goto("/learning/hours/")
    assert page.locator("#hours-total").is_visible()
    _no_violations(page, "my hours (phone)")
    page.goto("/learning/external/")
    _no_violations(page, "training elsewhere (phone)")


def test_the_branch_officer_sees_counts_below_target_not_a_ranking(new_page):
    page = new_page("branch officer")
    page.goto("/learning/units/")
    assert page.locator("#below-counts tbody tr").count() == 2
    _no_violations(page, "unit hours")
    for path in ("/learning/manage/", "/learning/courses/new/", "/learning/materials/new/"):
        page.goto(path)
        _no_violations(page, path)


NAMED_COURSE = "新任党小组长岗前学习"


def test_a_named_member_studies_an_audio_material_and_answers_the_quiz_by_keyboard(new_page):
    page = new_page("member")
    page.goto("/learning/")
    course = page.locator(
        "#courses-title ~ section", has=page.locator(f"h3:text('{NAMED_COURSE}')")
    )
    # the audio material: a player with controls and no autoplay, beside its plain text
    _keyboard_to(page, course.locator("ol a").first)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/learning/materials/\d+/$"))
    player = page.locator("audio#material-player")
    assert player.get_attribute("controls") is not None
    assert player.get_attribute("autoplay") is None
    assert page.locator("#plain-text").inner_text().strip()
    _no_violations(page, "audio material")
    if page.locator("#mark-studied").count():
        _keyboard_to(page, page.locator("#mark-studied"))
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert page.locator("#studied-status").is_visible()

    # the quiz, reached and answered by keyboard only
    page.goto("/learning/")
    quiz_link = page.locator(
        "#courses-title ~ section", has=page.locator(f"h3:text('{NAMED_COURSE}')")
    ).locator("a[href$='/quiz/']")
    _keyboard_to(page, quiz_link)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/learning/courses/\d+/quiz/$"))
    if page.locator("#quiz-again").count():  # answered on an earlier run of the suite
        _keyboard_to(page, page.locator("#quiz-again"))
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"\?again=1$"))
    groups = page.locator("#quiz-form fieldset")
    assert groups.count() == 2
    assert groups.nth(0).locator("legend").inner_text().strip()
    _no_violations(page, "quiz")
    for number in range(groups.count()):
        first = groups.nth(number).locator("input[type=radio]").first
        _keyboard_to(page, first)
        page.keyboard.press("ArrowDown")  # moves to the second choice and chooses it
        assert groups.nth(number).locator("input[type=radio]:checked").count() == 1
    _keyboard_to(page, page.locator("#quiz-submit"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    results = page.locator("#quiz-results > li")
    assert results.count() == 2
    # the first question's right answer was the second choice; the second's, the first
    assert results.nth(0).locator(".quiz-right").count() == 1
    assert results.nth(1).locator(".quiz-wrong").count() == 1
    assert "把自己的每件产品做好" in results.nth(1).inner_text()
    _no_violations(page, "quiz answered")
    _keyboard_to(page, page.locator("#quiz-again"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"\?again=1$"))
    assert page.locator("#quiz-form fieldset").count() == 2


def test_the_branch_officer_sees_what_is_understood_not_who(new_page):
    page = new_page("branch officer")
    page.goto("/learning/manage/")
    # the named course is of the member login's branch, which this officer leads
    page.locator(f"a:text('{NAMED_COURSE}')").click()
    page.locator("#quiz-manage-link").click()
    expect(page.locator("#quiz-summary tbody tr")).to_have_count(2)
    # enough have answered for the share right to show; nobody is named
    assert "%" in page.locator("#quiz-summary").inner_text()
    _no_violations(page, "quiz questions")
