from django.apps import AppConfig
from django.db.models import fields
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CoreConfig(AppConfig):
    name = "grassroots.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from grassroots.core import parameters, rule_parameters, workers  # noqa: F401

        # Every rule parameter that the code defines gets a row with its default, so
        # that administrators can see and change it (RULES.md: rules are data).
        post_migrate.connect(parameters.parameters_sync_after_migrate, sender=self)

        # The blank first option of every select (model fields with choices, foreign
        # keys, ChoiceField with a blank choice). Django's own label is not in its
        # Chinese catalogue, so it showed in English; Django reads this module attribute
        # each time it builds the choices, which is why ready() may replace it.
        fields.BLANK_CHOICE_LABEL = pgettext_lazy("the blank choice of a select", "Choose one")
