from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "grassroots.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from grassroots.core.notices import register_sender
        from grassroots.notifications import jobs, kinds, navigation, rule_parameters  # noqa: F401
        from grassroots.notifications.services import notify

        register_sender(notify)
