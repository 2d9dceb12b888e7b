"""Journeys through the product as people use it, in Chromium."""

from __future__ import annotations

import io

from openpyxl import Workbook
from playwright.sync_api import expect

from e2e.conftest import screenshot


def test_sign_in_by_keyboard_alone_and_use_the_skip_link(new_page, server):
    page = new_page(None)
    page.goto("/accounts/login/")
    login = server["logins"]["employee"]
    # the first Tab reaches the skip link
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_username"
    page.keyboard.type(login["employee_number"])
    page.keyboard.press("Tab")
    page.keyboard.type("grassroots-demo")
    page.keyboard.press("Enter")
    # the browser keeps the #main fragment across the redirect home
    page.wait_for_url(lambda url: url.split("#")[0] == server["url"] + "/")
    assert login["name"] in page.locator("h1").inner_text()


def test_committee_officer_browses_the_tree_to_a_branch(new_page):
    page = new_page("committee officer")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="党组织").click()
    page.get_by_role("link", name="一车间党支部").click()
    expect(page.locator("h1")).to_have_text("一车间党支部")
    assert page.get_by_role("heading", name="组织健康状况").count() == 1
    screenshot(page, "branch-page")


def test_branch_officer_filters_members_by_stage(new_page):
    page = new_page("branch officer")
    page.goto("/orgs/members/")
    everyone = page.locator("tbody tr").count()
    page.select_option("#id_stage", "activist")
    page.get_by_role("button", name="筛选").click()
    # the click returns once the filtered page is on its way, not loaded: wait for it
    # (CI counted 0 rows of a page still arriving)
    page.wait_for_url("**/orgs/members/?*stage=activist*")
    rows = page.locator("tbody tr")
    assert 0 < rows.count() < everyone
    for text in rows.all_inner_texts():
        assert "入党积极分子" in text
    # only the branch's own people: every row names the officer's branch
    assert all("一车间党支部" in text for text in rows.all_inner_texts())


def test_branch_officer_cannot_open_another_branchs_member(new_page):
    other = new_page("branch officer (another branch)")
    other.goto("/orgs/members/")
    href = other.locator("tbody tr a").first.get_attribute("href")
    page = new_page("branch officer")
    response = page.goto(href)
    assert response.status == 404


def test_import_a_file_with_errors_and_see_the_report(new_page, tmp_path):
    page = new_page("administrator")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["工号", "姓名", "手机号", "部门编码"])
    sheet.append(["E2E-1", "周新", "13911112222", "D01"])
    sheet.append(["E2E-2", "吴错", "123", "NO-SUCH"])
    path = tmp_path / "职工.xlsx"
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    page.goto("/orgs/import/")
    page.get_by_label("职工").check()
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="检查并导入").click()
    page.wait_for_url("**/orgs/import/*/")
    assert page.get_by_role("heading", name="未导入任何数据").count() == 1
    table = page.locator("table").inner_text()
    assert "NO-SUCH" in table and "123" in table
    with page.expect_download() as download:
        page.get_by_role("link", name="下载问题清单（Excel）").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    screenshot(page, "import-errors")


def test_switch_to_large_text_from_any_page(new_page):
    page = new_page("employee")
    size_before = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.get_by_label("大字模式").check()
    with page.expect_navigation():
        page.get_by_role("button", name="应用显示设置").click()
    assert "text-large" in page.locator("html").get_attribute("class")
    size_after = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert size_after >= size_before * 1.2
    screenshot(page, "large-text-home")


def test_pages_fit_a_320_pixel_screen(new_page):
    page = new_page("branch officer", width=320, height=640)
    for path in ("/", "/orgs/", "/orgs/members/", "/insights/structure/", "/accounts/profile/"):
        page.goto(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{path} is {overflow}px wider than a 320px screen"
    screenshot(page, "members-320px")


def test_structure_analysis_draws_charts_with_tables(new_page):
    page = new_page("committee officer")
    page.goto("/insights/structure/")
    page.wait_for_function("document.querySelectorAll('.chart canvas').length >= 5")
    assert page.locator("table caption", has_text="出生年代").count() >= 1
    screenshot(page, "structure")
