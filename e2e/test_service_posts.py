"""Service posts in the browser: an employee finds a demonstration post from its printed
card and raises an appeal to it; a holder of a mobile service post records a visit and
turns what was heard into an appeal. Every page on the way passes axe."""

from __future__ import annotations

import re

from e2e.conftest import axe_violations, screenshot


def _no_violations(page, name):
    violations = axe_violations(page)
    assert violations == [], f"{name}: {violations}"


def test_an_employee_finds_a_post_from_its_card_and_raises_an_appeal(new_page, server):
    # The branch officer opens the post and prints its card.
    officer = new_page("branch officer")
    officer.goto("/service/posts/")
    _no_violations(officer, "post list (officer)")
    officer.get_by_role("link", name="装配一班党员示范岗").click()
    officer.wait_for_url(re.compile(r"/service/posts/\d+/$"))
    _no_violations(officer, "post page (officer)")
    officer.locator("#post-card").click()
    officer.wait_for_url(re.compile(r"/service/posts/\d+/card/$"))
    assert officer.locator(".qr svg").count() == 2
    _no_violations(officer, "post card")
    screenshot(officer, "service-post-card")
    post_url = officer.locator("#post-page-url").inner_text().strip()
    appeal_url = officer.locator("#post-appeal-url").inner_text().strip()
    assert post_url.startswith(server["url"]) and "/appeal/" in appeal_url

    # Someone without an account sees the post, and the appeal form asks them to sign in.
    visitor = new_page(None, width=360, height=740)
    visitor.goto(post_url)
    assert visitor.get_by_role("heading", level=1).inner_text() == "装配一班党员示范岗"
    _no_violations(visitor, "post page (anonymous)")
    assert (
        visitor.locator("#anonymous-appeal")
        .get_attribute("href")
        .startswith("/appeals/anonymous/?department=")
    )
    visitor.locator("#raise-appeal").click()
    visitor.wait_for_url(re.compile(r"/accounts/login/\?next="))

    # An employee scans it on a phone and raises an appeal to the post.
    phone = new_page("employee", width=360, height=740)
    phone.goto(post_url)
    _no_violations(phone, "post page (employee)")
    phone.locator("#raise-appeal").click()
    phone.wait_for_url(re.compile(r"/service/posts/\d+/appeal/$"))
    assert phone.locator("#id_department option:checked").inner_text().strip() == "装配一班"
    _no_violations(phone, "appeal to a post")
    phone.select_option("#id_category", label="工作条件与安全生产")
    phone.fill("#id_title", "示范岗旁的地面太滑")
    phone.fill("#id_description", "装配一班示范岗旁边的地面有油污，走路容易滑倒。")
    phone.locator("#send-appeal").click()
    phone.wait_for_url(re.compile(r"/appeals/mine/[0-9a-z]{16}/$"))
    number = re.search(r"SQ\d{10}", phone.content()).group(0)
    assert phone.get_by_role("heading", name="示范岗旁的地面太滑").count() == 1
    overflow = phone.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1
    screenshot(phone, "service-post-appeal-sent")

    # The officer sees it among the appeals raised to the post.
    officer.goto(post_url)
    assert officer.get_by_text(number).count() == 1


def test_a_holder_records_a_visit_and_turns_what_was_heard_into_an_appeal(new_page, server):
    holder = new_page("member")
    holder.goto("/service/posts/?mine=1")
    holder.get_by_role("link", name="一车间党员流动服务岗").click()
    holder.wait_for_url(re.compile(r"/service/posts/\d+/$"))
    post_url = holder.url
    _no_violations(holder, "mobile post (holder)")

    # Today's visit is on the list of visits to record.
    holder.locator("#visits-to-record a").first.click()
    holder.wait_for_url(re.compile(r"/service/posts/visits/\d+/$"))
    _no_violations(holder, "planned visit")
    holder.fill("#id_heard", "后勤保障部的职工反映班车空调坏了，夏天车里很热。")
    holder.fill("#id_done", "当场记下车牌号，告诉车队负责人。")
    holder.locator("#record-visit").click()
    holder.wait_for_load_state()
    visit_url = holder.url
    assert holder.locator("#visit-heard").inner_text().startswith("后勤保障部的职工")
    _no_violations(holder, "held visit")

    # What was heard becomes an appeal in one step, linked to the visit.
    holder.locator("#turn-into-appeal").click()
    holder.wait_for_url(re.compile(r"/service/posts/visits/\d+/appeal/$"))
    assert holder.locator("#id_description").input_value().startswith("后勤保障部的职工")
    _no_violations(holder, "visit note to appeal")
    holder.select_option("#id_category", label="生活后勤（食堂、宿舍、通勤）")
    holder.fill("#id_title", "班车空调坏了")
    holder.locator("#send-visit-appeal").click()
    holder.wait_for_url(visit_url)
    rows = holder.locator("#visit-appeals tbody tr")
    assert rows.count() == 1
    assert re.search(r"SQ\d{10}", rows.first.inner_text())
    assert "班车空调坏了" in rows.first.inner_text()
    screenshot(holder, "service-post-visit-appeal")

    # The public page shows what was done on the visit, not what was heard.
    visitor = new_page(None)
    visitor.goto(post_url)
    assert visitor.get_by_text("当场记下车牌号，告诉车队负责人。").count() == 1
    assert visitor.get_by_text("班车空调坏了").count() == 0
    assert visitor.locator("#visits-to-record").count() == 0
    _no_violations(visitor, "mobile post (anonymous)")
    screenshot(visitor, "service-post-mobile-public")
