from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "grassroots.appeals"
    label = "appeals"
    verbose_name = _("Appeals")

    def ready(self) -> None:
        from grassroots.appeals import jobs, navigation, rule_parameters  # noqa: F401  (registers)
