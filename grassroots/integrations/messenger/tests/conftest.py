from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from grassroots.integrations.messenger.providers import forget_tokens
from grassroots.integrations.messenger.tests.fake_server import FakeMessenger


@pytest.fixture(params=["wecom", "dingtalk", "feishu"])
def fake(request: Any) -> Iterator[FakeMessenger]:
    forget_tokens()
    with FakeMessenger(request.param) as server:
        yield server
    forget_tokens()


@pytest.fixture
def wecom() -> Iterator[FakeMessenger]:
    forget_tokens()
    with FakeMessenger("wecom") as server:
        yield server
    forget_tokens()


@pytest.fixture
def connect(db: Any) -> Any:
    """A saved connection to a fake server."""
    from grassroots.integrations.messenger.services import config_save

    def make(server: FakeMessenger, **values: Any) -> Any:
        state = server.state
        defaults = {
            "vendor": state.vendor,
            "name": f"{state.vendor} test",
            "corp_id": state.corp_id,
            "agent_id": "1000002",
            "api_base": server.url,
            "messages_enabled": True,
        }
        return config_save(actor=None, config=None, secret=state.secret, **(defaults | values))

    return make
