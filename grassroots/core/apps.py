from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "grassroots.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from grassroots.core import parameters, rule_parameters, workers  # noqa: F401

        # Every rule parameter that the code defines gets a row with its default, so
        # that administrators can see and change it (RULES.md: rules are data).
        post_migrate.connect(parameters.parameters_sync_after_migrate, sender=self)
