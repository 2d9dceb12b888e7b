"""The notifications app's door to people's own messenger apps (its PersonalApps)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from grassroots.integrations.messenger.models import MessengerAccount
from grassroots.integrations.messenger.providers import MessengerError, provider_for
from grassroots.notifications.channels import ChannelError


class MessengerApps:
    def channels_of(self, user_ids: Sequence[int]) -> dict[int, list[str]]:
        chosen: dict[int, list[str]] = defaultdict(list)
        for user_id, vendor in (
            MessengerAccount.objects.filter(
                user_id__in=list(user_ids),
                wants_messages=True,
                config__is_active=True,
                config__messages_enabled=True,
            )
            .values_list("user_id", "config__vendor")
            .distinct()
        ):
            chosen[user_id].append(vendor)
        return dict(chosen)

    def send(self, *, channel: str, user: Any, title: str, body: str, url: str) -> None:
        accounts = MessengerAccount.objects.filter(
            user=user,
            wants_messages=True,
            config__vendor=channel,
            config__is_active=True,
            config__messages_enabled=True,
        ).select_related("config")
        if not accounts:
            raise ChannelError("the person no longer receives notices here", retryable=False)
        for account in accounts:
            try:
                provider_for(account.config).send_text(
                    user_id=account.external_user_id,
                    title=title[:128],
                    body=body[:512],
                    url=url,
                )
            except MessengerError as error:
                raise ChannelError(str(error), retryable=error.retryable) from error
