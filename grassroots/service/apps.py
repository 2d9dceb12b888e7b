from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "grassroots.service"
    label = "service"
    verbose_name = _("Service carriers")

    def ready(self) -> None:
        from grassroots.service import navigation  # noqa: F401  (registers its entry)
        from grassroots.service.deeds import jobs as deed_jobs  # noqa: F401  (registers jobs)
        from grassroots.service.pairings import jobs as pairing_jobs  # noqa: F401
