from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "grassroots.evaluation"
    label = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self) -> None:
        from grassroots.accounts.selectors import register_profile_source
        from grassroots.evaluation import navigation  # noqa: F401  (registers its entry)
        from grassroots.evaluation.campaigns import jobs as campaign_jobs  # noqa: F401  (registers its job)
        from grassroots.evaluation.commendations import selectors as commendations
        from grassroots.evaluation.schemes import jobs as scheme_jobs  # noqa: F401  (registers jobs)
        from grassroots.evaluation.sixhaves import rule_parameters  # noqa: F401  (registers)
        from grassroots.orgs.selectors import register_record_source

        register_profile_source("evaluation.honours", commendations.profile_honours)
        register_record_source(
            "evaluation.honours",
            member=commendations.member_honours_section,
            unit=commendations.unit_honours_section,
        )
