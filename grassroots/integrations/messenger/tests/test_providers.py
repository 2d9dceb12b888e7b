"""Each vendor's client against the fake server: tokens, errors, directory, messages."""

from __future__ import annotations

import pytest

from grassroots.integrations.messenger.providers import MessengerError, provider_for


def _directory(fake):
    fake.state.directory.departments = [("2", "车间", ""), ("3", "班组", "2")]
    fake.state.directory.people = [
        {"user_id": "A1", "name": "张三", "mobile": "13800000001", "department": "3"},
        {"user_id": "A2", "name": "李四", "mobile": "", "department": "2", "active": False},
    ]


def test_it_reads_the_directory(fake, connect):
    _directory(fake)
    directory = provider_for(connect(fake)).directory()
    tree = {(d.id, d.parent_id) for d in directory.departments}
    assert {("2", ""), ("3", "2")} <= tree
    people = {p.user_id: p for p in directory.people}
    assert people["A1"].department_id == "3"
    assert people["A1"].mobile == "13800000001"
    assert people["A1"].active
    if fake.state.vendor == "dingtalk":  # leavers are absent from DingTalk's directory
        assert "A2" not in people
    else:
        assert not people["A2"].active


def test_dingtalk_people_who_have_not_activated_the_app_are_employed(connect):
    from grassroots.integrations.messenger.tests.fake_server import FakeMessenger

    with FakeMessenger("dingtalk") as dingtalk:
        dingtalk.state.directory.people = [
            {"user_id": "A1", "name": "张三", "department": "", "activated": False}
        ]
        people = provider_for(connect(dingtalk)).directory().people
    assert [(p.user_id, p.active) for p in people] == [("A1", True)]


def test_it_fetches_the_token_again_once_when_it_expired(fake, connect):
    _directory(fake)
    provider = provider_for(connect(fake))
    provider.directory()
    fake.state.expire_tokens = True
    provider.directory()
    assert fake.state.token_fetches == 2


def test_it_reports_the_rate_limit(fake, connect):
    provider = provider_for(connect(fake))
    fake.state.rate_limited = 1
    with pytest.raises(MessengerError) as error:
        provider.directory()
    assert error.value.kind == "rate_limited" and error.value.retryable


def test_a_wrong_secret_is_reported_as_such(fake, connect, settings):
    config = connect(fake)
    fake.state.secret = "changed-at-the-vendor"
    with pytest.raises(MessengerError) as error:
        provider_for(config).directory()
    assert error.value.kind == "token" and not error.value.retryable


def test_a_code_is_exchanged_for_the_user_once(fake, connect):
    provider = provider_for(connect(fake))
    fake.state.codes["c1"] = "A1"
    assert provider.person_for_code("c1", redirect_uri="https://example.com/done/").user_id == "A1"
    with pytest.raises(MessengerError) as error:
        provider.person_for_code("c1", redirect_uri="https://example.com/done/")
    assert error.value.kind == "bad_code"


def test_it_sends_an_app_message_and_reports_an_unknown_user(fake, connect):
    _directory(fake)
    provider = provider_for(connect(fake))
    provider.send_text(user_id="A1", title="新诉求", body="请处理", url="https://x/a/1")
    assert [m["user_id"] for m in fake.state.sent] == ["A1"]
    with pytest.raises(MessengerError) as error:
        provider.send_text(user_id="nobody", title="t", body="b", url="")
    assert error.value.kind == "not_found"


def test_the_secret_is_stored_encrypted(wecom, connect):
    config = connect(wecom)
    assert config.secret_encrypted and wecom.state.secret not in config.secret_encrypted


def test_a_secret_saved_under_another_key_is_reported_not_crashed(wecom, connect, settings):
    from cryptography.fernet import Fernet

    config = connect(wecom)
    settings.GRASSROOTS_MESSENGER_KEY = Fernet.generate_key().decode()
    with pytest.raises(MessengerError) as error:
        provider_for(config).directory()
    assert error.value.kind == "token"


@pytest.mark.parametrize(
    "change",
    [
        {"api_base": "https://collector.example.com"},
        {"corp_id": "other-corp"},
        {"vendor": "feishu"},
    ],
)
def test_the_stored_secret_is_not_kept_for_another_address_app_or_vendor(wecom, connect, change):
    from django.core.exceptions import ValidationError

    from grassroots.integrations.messenger.models import MessengerConfig
    from grassroots.integrations.messenger.services import CONFIG_FIELDS, config_save

    config = connect(wecom)
    values = {name: getattr(config, name) for name in CONFIG_FIELDS} | change
    with pytest.raises(ValidationError) as refused:
        config_save(actor=None, config=config, secret="", **values)
    assert "secret" in refused.value.message_dict
    assert MessengerConfig.objects.get(pk=config.pk).api_base == config.api_base
    saved = config_save(actor=None, config=config, secret="a-new-secret", **values)
    assert getattr(saved, next(iter(change))) == next(iter(change.values()))


def test_the_api_address_must_use_https(wecom, connect, settings):
    from django.core.exceptions import ValidationError

    from grassroots.integrations.messenger.models import MessengerConfig
    from grassroots.integrations.messenger.providers import MessengerError, provider_for

    with pytest.raises(ValidationError) as refused:
        connect(wecom, api_base="http://collector.example.com")
    assert "api_base" in refused.value.message_dict
    config = connect(wecom)  # http to this machine: allowed in tests only
    settings.GRASSROOTS_MESSENGER_ALLOW_HTTP_LOOPBACK = False
    with pytest.raises(ValidationError):
        connect(wecom, corp_id="another", api_base=wecom.url)
    stored = MessengerConfig.objects.get(pk=config.pk)  # saved before: not used either
    with pytest.raises(MessengerError):
        provider_for(stored).directory()
    assert wecom.state.token_fetches == 0  # the secret was never sent


def test_the_message_button_is_translated_not_hard_coded(wecom, connect, settings):
    wecom.state.directory.people = [{"user_id": "A1", "name": "张三", "department": ""}]
    provider = provider_for(connect(wecom))
    provider.send_text(user_id="A1", title="t", body="b", url="https://example.com/")
    settings.LANGUAGE_CODE = "en"
    provider.send_text(user_id="A1", title="t", body="b", url="https://example.com/")
    assert [m["textcard"]["btntxt"] for m in wecom.state.sent] == ["详细内容", "Details"]


@pytest.mark.parametrize(
    ("sub_code", "kind"), [("60011", "refused"), ("90018", "rate_limited"), ("40014", "expired")]
)
def test_dingtalk_errcode_88_is_judged_by_its_sub_code(sub_code, kind):
    from grassroots.integrations.messenger.models import MessengerConfig
    from grassroots.integrations.messenger.providers import DingTalk

    # given DingTalk's documented "authentication failed, see sub_code" answer
    answer = {"errcode": 88, "sub_code": sub_code, "errmsg": "ding talk error"}
    # then it is not taken for the rate limit unless its sub_code says so
    with pytest.raises(MessengerError) as error:
        DingTalk(MessengerConfig(vendor="dingtalk", corp_id="c"))._check(answer)
    assert error.value.kind == kind
