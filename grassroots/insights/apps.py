from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "grassroots.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from grassroots.insights import navigation  # noqa: F401  (registers its entries)
        from grassroots.insights.dashboards import published  # noqa: F401  (its job)
        from grassroots.insights.topics import jobs  # noqa: F401  (registers its job)
