from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "grassroots.orgs"
    label = "orgs"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from grassroots.orgs import jobs, rule_parameters  # noqa: F401  (registers both)
