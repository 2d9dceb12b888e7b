from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrglifeConfig(AppConfig):
    name = "grassroots.orglife"
    label = "orglife"
    verbose_name = _("Organisational life")

    def ready(self) -> None:
        from grassroots.orglife import jobs, navigation, rule_parameters  # noqa: F401  (registers)
