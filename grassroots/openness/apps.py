from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpennessConfig(AppConfig):
    name = "grassroots.openness"
    label = "openness"
    verbose_name = _("Openness and consultations")

    def ready(self) -> None:
        from grassroots.openness import kinds  # noqa: F401  (defines its kinds of notice)
        from grassroots.openness.catalogue import jobs  # noqa: F401  (registers its job)
        from grassroots.openness.notices import navigation  # noqa: F401  (one header entry)
