from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "grassroots.resources"
    label = "resources"
    verbose_name = _("Venues and equipment")

    def ready(self) -> None:
        from grassroots.resources import jobs  # noqa: F401  (registers the maintenance job)
