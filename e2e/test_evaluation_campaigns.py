"""Evaluation campaigns in the browser: the demo employee votes on a 390 px phone with
the keyboard alone and gets a receipt; the demo member can vote too; officers read the
closed campaign's results, its low-score analysis and the rectification plan. Every
page on the way passes axe."""

from __future__ import annotations

import re

from e2e.conftest import axe_violations, screenshot

OPEN = "支部书记述职评议"
CLOSED = "基层党支部群众满意度测评"
LOW_BRANCH = "二车间党支部"


def _no_violations(page, name):
    violations = axe_violations(page)
    assert violations == [], f"{name}: {violations}"


def _fits(page):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def _focused(page):
    return page.evaluate(
        """() => {
        const el = document.activeElement;
        return {tag: el.tagName, type: el.type || '', name: el.name || '', checked: !!el.checked,
                text: (el.innerText || '').trim()};
    }"""
    )


def _tab_to(page, predicate, limit=80):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if predicate(_focused(page)):
            return
    raise AssertionError("the element was not reached by Tab")


def test_the_employee_votes_by_keyboard_on_a_phone_and_gets_a_receipt(new_page, server):
    page = new_page("employee", width=390, height=844)
    page.goto("/evaluation/campaigns/")
    _no_violations(page, "campaigns (employee)")
    _fits(page)
    # Reach the campaign's "give your opinion" link by keyboard and follow it.
    _tab_to(page, lambda el: el["tag"] == "A" and el["text"] == "发表意见")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/evaluation/campaigns/\d+/vote/$"))
    vote_url = page.url
    assert OPEN in page.locator("h1").inner_text()
    _no_violations(page, "voting page")
    _fits(page)
    screenshot(page, "campaign-vote-phone")
    # Every question by keyboard: Tab to each radio group, choose with the arrow keys
    # (or Space on the first), write a comment, and cast the ballot with Enter.
    answered = set()
    for _ in range(120):
        page.keyboard.press("Tab")
        el = _focused(page)
        if el["type"] == "radio" and el["name"] not in answered:
            page.keyboard.press("ArrowDown")  # the second answer: 基本满意
            answered.add(el["name"])
        elif el["tag"] == "TEXTAREA":
            page.keyboard.type("希望多来车间听听意见")
        elif el["tag"] == "BUTTON" and el["text"] == "投出我的选票":
            break
    else:
        raise AssertionError("never reached the button")
    assert len(answered) == page.locator("fieldset input[type=radio]").evaluate_all(
        "els => new Set(els.map(e => e.name)).size"
    )
    page.keyboard.press("Enter")
    page.wait_for_selector("#receipt-code")
    receipt = page.locator("#receipt-code").inner_text().strip()
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{6}", receipt), receipt
    _no_violations(page, "receipt page")
    _fits(page)
    screenshot(page, "campaign-receipt-phone")
    # A second visit is refused clearly, with nothing to fill in.
    page.goto(vote_url)
    assert page.locator("#vote-refusal").count() == 1
    assert page.locator("input[type=radio]").count() == 0
    _no_violations(page, "voting page after voting")
    # The tally is published only after close.
    page.goto(vote_url.replace("/vote/", "/tally/"))
    _no_violations(page, "tally before close")


def test_the_member_can_vote_too(new_page, server):
    page = new_page("member", width=390, height=844)
    page.goto("/evaluation/campaigns/")
    page.get_by_role("link", name="发表意见").click()
    page.wait_for_url(re.compile(r"/vote/$"))
    assert page.locator("input[type=radio]").count() > 0


def test_officers_read_results_the_analysis_and_the_plan(new_page, server):
    page = new_page("committee officer")
    page.goto("/evaluation/campaigns/")
    _no_violations(page, "campaigns (committee officer)")
    page.locator("section[aria-labelledby=managed] a", has_text=CLOSED).click()
    page.wait_for_url(re.compile(r"/evaluation/campaigns/\d+/$"))
    _no_violations(page, "campaign page (officer)")
    page.get_by_role("link", name="结果").click()
    page.wait_for_url(re.compile(r"/results/$"))
    assert page.get_by_text("票数太少，不予显示").count() >= 1
    _no_violations(page, "results")
    screenshot(page, "campaign-results")
    page.get_by_role("link", name=LOW_BRANCH, exact=True).click()
    page.wait_for_url(re.compile(r"/subjects/\d+/$"))
    assert page.locator(".badge", has_text="偏低").count() >= 1
    assert page.get_by_text("食堂").count() >= 1
    _no_violations(page, "subject: analysis and plan")
    screenshot(page, "campaign-analysis")
    page.locator("table a[href*='/plan/']").first.click()
    page.wait_for_url(re.compile(r"/plan/\d+/$"))
    _no_violations(page, "rectification progress")
    tally = page.url.split("/subjects/")[0] + "/tally/"
    page.goto(tally)
    assert page.locator("ul.font-monospace li").count() > 100
    _no_violations(page, "tally after close")

    branch = new_page("branch officer (another branch)", width=390, height=844)
    branch.goto("/evaluation/campaigns/")
    branch.get_by_role("link", name=re.compile(LOW_BRANCH)).first.click()
    branch.wait_for_url(re.compile(r"/subjects/\d+/$"))
    assert branch.locator("#id_action").count() == 1  # its officers write the plan
    _no_violations(branch, "subject page (branch officer, phone)")
