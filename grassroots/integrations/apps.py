from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "grassroots.integrations"
    label = "integrations"
    verbose_name = _("Integrations")

    def ready(self) -> None:
        from grassroots.accounts.navigation import NavEntry, register
        from grassroots.integrations.messenger.notices import MessengerApps
        from grassroots.notifications.channels import register_personal_apps

        register_personal_apps(MessengerApps())

        register(
            NavEntry(
                "messenger:configs",
                _("Messengers"),
                order=135,  # after the delivery log, before the administration
                shown=lambda scope, user: bool(user.is_superuser),
            )
        )
