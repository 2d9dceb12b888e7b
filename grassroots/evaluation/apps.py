from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "grassroots.evaluation"
    label = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self) -> None:
        from grassroots.evaluation import navigation  # noqa: F401  (registers its entry)
        from grassroots.evaluation.schemes import jobs as scheme_jobs  # noqa: F401  (registers jobs)
