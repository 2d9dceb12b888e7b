from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "grassroots.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from grassroots.accounts import jobs  # noqa: F401
        from grassroots.accounts.navigation import NavEntry, register

        register(
            NavEntry(
                "admin:index",
                _("Administration"),
                order=140,
                shown=lambda scope, user: bool(user.is_staff),
            )
        )
