from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import urllib.parse
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grassroots.notifications import rules

SHANGHAI = ZoneInfo("Asia/Shanghai")
NIGHT = (datetime.time(22, 0), datetime.time(7, 30))
times = st.times()


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [
        ("21:59", False),
        ("22:00", True),
        ("23:59", True),
        ("00:00", True),
        ("07:29", True),
        ("07:30", False),
        ("12:00", False),
    ],
)
def test_default_quiet_hours_span_midnight(moment, quiet):
    assert rules.in_quiet_hours(datetime.time.fromisoformat(moment), *NIGHT) is quiet


@given(moment=times, start=times, end=times)
def test_quiet_hours_end_is_outside_quiet_hours_and_not_in_the_past(moment, start, end):
    local_now = datetime.datetime.combine(datetime.date(2026, 3, 1), moment, tzinfo=SHANGHAI)
    end_at = rules.quiet_hours_end(local_now, start, end)
    assert end_at >= local_now
    assert end_at - local_now <= datetime.timedelta(days=1)
    if start != end and end_at != local_now:
        assert not rules.in_quiet_hours(end_at.time(), start, end)


def test_a_notice_at_midnight_waits_until_half_past_seven():
    midnight = datetime.datetime(2026, 3, 1, 0, 5, tzinfo=SHANGHAI)
    assert rules.quiet_hours_end(midnight, *NIGHT) == datetime.datetime(
        2026, 3, 1, 7, 30, tzinfo=SHANGHAI
    )
    late = datetime.datetime(2026, 3, 1, 23, 0, tzinfo=SHANGHAI)
    assert rules.quiet_hours_end(late, *NIGHT) == datetime.datetime(
        2026, 3, 2, 7, 30, tzinfo=SHANGHAI
    )


@given(st.integers(min_value=1, max_value=50))
def test_retries_back_off_and_are_capped(attempts):
    delay = rules.retry_delay(attempts)
    assert rules.FIRST_RETRY <= delay <= rules.LONGEST_RETRY
    assert rules.retry_delay(attempts + 1) >= delay


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", None),
        ("https://oapi.dingtalk.com/robot/send?access_token=x", None),
        ("http://10.0.0.8:8080/robot", None),  # an intranet relay is fine
        ("ftp://example.com/robot", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("https://169.254.169.254/latest/meta-data", "not_routable"),
        ("http://[fe80::1]/x", "not_routable"),
        ("http://0.0.0.0/x", "not_routable"),
        ("http://224.0.0.1/x", "not_routable"),
        ("http://127.0.0.1:9000/x", "not_routable"),
        ("http://localhost/x", "not_routable"),
        ("https://user:pass@example.com/x", "host"),
        ("https:///nohost", "host"),
        ("https://example.com/" + "a" * 500, "too_long"),
    ],
)
def test_webhook_addresses(url, problem):
    assert rules.webhook_url_problem(url) == problem


def test_loopback_is_allowed_only_when_the_deployment_says_so():
    assert rules.webhook_url_problem("http://127.0.0.1:9000/x", allow_loopback=True) is None


def test_wecom_payload_is_a_markdown_message():
    payload = rules.wecom_payload("开会提醒", "周五下午三点", "http://x/y")
    assert payload["msgtype"] == "markdown"
    assert payload["markdown"]["content"].startswith("**开会提醒**")


def test_dingtalk_signature_follows_the_documented_recipe():
    secret, timestamp = "SEC123", 1700000000000
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    url = rules.dingtalk_signed_url(
        "https://oapi.dingtalk.com/robot/send?access_token=t", secret, timestamp
    )
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert query["timestamp"] == [str(timestamp)]
    assert query["sign"] == [expected]
    assert query["access_token"] == ["t"]


def test_feishu_signature_is_in_the_body():
    payload = rules.feishu_payload("标题", "内容", "", timestamp=1700000000, secret="s")
    key = b"1700000000\ns"
    assert payload["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert payload["msg_type"] == "text" and payload["timestamp"] == "1700000000"


@pytest.mark.parametrize(
    ("platform", "answer", "ok"),
    [
        ("wecom", {"errcode": 0, "errmsg": "ok"}, True),
        ("wecom", {"errcode": 45009, "errmsg": "api freq out of limit"}, False),
        ("dingtalk", {"errcode": 0}, True),
        ("feishu", {"code": 0, "msg": "success"}, True),
        ("feishu", {"StatusCode": 0}, True),
        ("feishu", {"code": 19021, "msg": "sign match fail"}, False),
    ],
)
def test_each_platform_says_ok_its_own_way(platform, answer, ok):
    assert rules.platform_accepted(platform, answer) is ok
