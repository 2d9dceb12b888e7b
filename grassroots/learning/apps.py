from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "grassroots.learning"
    label = "learning"
    verbose_name = _("Learning")

    def ready(self) -> None:
        from grassroots.learning import (  # noqa: F401  (registers)
            navigation,
            receivers,
            rule_parameters,
            tallies,
        )
