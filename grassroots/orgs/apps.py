from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "grassroots.orgs"
    label = "orgs"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from grassroots.accounts.scope import register_membership_source
        from grassroots.accounts.selectors import register_profile_source
        from grassroots.orgs import jobs, navigation, notices, rule_parameters  # noqa: F401
        from grassroots.orgs.dues import jobs as dues_jobs  # noqa: F401
        from grassroots.orgs.models import Department, Member, OrgUnit
        from grassroots.orgs.publicity import notices as publicity_notices  # noqa: F401
        from grassroots.orgs.publicity import rule_parameters as publicity_rules  # noqa: F401
        from grassroots.orgs.selectors import membership_of, profile_membership

        register_membership_source(membership_of, changed_by=[Member, OrgUnit, Department])
        register_profile_source("orgs", profile_membership)
