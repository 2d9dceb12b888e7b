"""The integrations app's tables live beside the channel that owns them; Django looks
for an app's models here."""

from grassroots.integrations.messenger.models import (  # noqa: F401
    MessengerAccount,
    MessengerConfig,
    SyncRun,
)
