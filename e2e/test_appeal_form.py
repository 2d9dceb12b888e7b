"""The appeal forms (issue 13: widgets written in Python, options kept per process) pass
axe-core's WCAG 2.1 A/AA rules as drawn and when drawn again with errors, in Chinese
and in English, signed in and anonymous."""

from __future__ import annotations

from typing import Any

import pytest

from e2e.conftest import axe_violations


def _send_without_a_title(page: Any) -> None:
    # The server's first similar-appeal check loads jieba's dictionary: on a busy
    # machine that POST takes longer than the default 15 s.
    page.set_default_timeout(60_000)
    page.select_option("#id_category", index=1)
    page.fill("#id_description", "宿舍晚上没有热水")
    page.locator("main form button[type=submit]").first.click()
    # The form is sent by the offline script, and the answer written in place: no
    # navigation to wait for, the answer's error summary is what comes.
    page.locator(".error-summary").wait_for()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_new_appeal_form_and_its_errors_have_no_axe_violations(new_page, server, language):
    page = new_page("employee")
    page.context.add_cookies(
        [{"name": "grassroots_language", "value": language, "url": server["url"]}]
    )
    report: dict[str, list[dict[str, Any]]] = {}
    page.goto("/appeals/new/")
    assert page.locator("#id_category option").count() > 5
    assert page.locator("input[name=urgency]").count() >= 2
    report["new"] = axe_violations(page)
    _send_without_a_title(page)
    assert page.locator(".error-summary").count() == 1
    assert page.locator("#id_title").get_attribute("aria-invalid") == "true"
    report["new with an error"] = axe_violations(page)
    anonymous = new_page(None)
    anonymous.context.add_cookies(
        [{"name": "grassroots_language", "value": language, "url": server["url"]}]
    )
    anonymous.goto("/appeals/anonymous/")
    report["anonymous"] = axe_violations(anonymous)
    _send_without_a_title(anonymous)
    assert anonymous.locator(".error-summary").count() == 1
    report["anonymous with an error"] = axe_violations(anonymous)
    failures = [
        f"{name}: {violation['id']} {violation['help']} {violation['targets']}"
        for name, violations in report.items()
        for violation in violations
    ]
    assert not failures, "\n".join(failures)
