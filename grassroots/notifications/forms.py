from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.core.forms import StyledForm
from grassroots.notifications import kinds
from grassroots.notifications.models import Reminder, Webhook
from grassroots.orgs import selectors as orgs
from grassroots.orgs.fields import UnitChoiceField


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self) -> None:
        super().__init__(format="%H:%M")


class DateTimeInput(forms.DateTimeInput):
    """The browser's own date-and-time picker (keyboard and screen-reader friendly)."""

    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


DAILY_CHOICE = "daily"
EACH_CHOICE = "each"


class PreferencesForm(StyledForm):
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        max_length=254,
        help_text=_("Leave empty to receive notices in the inbox only."),
        # Django's Chinese for its own message keeps the English word "Email".
        error_messages={"invalid": _("Enter an email address such as name@example.com.")},
    )
    email_kinds = forms.MultipleChoiceField(
        label=_("Also by email"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every notice always appears in your inbox."),
    )
    daily_digest = forms.BooleanField(
        label=_("Send one email a day instead of one per notice"),
        required=False,
        help_text=_("Urgent notices are still sent at once."),
    )
    quiet_start = forms.TimeField(label=_("Quiet hours start"), widget=TimeInput())
    quiet_end = forms.TimeField(
        label=_("Quiet hours end"),
        widget=TimeInput(),
        help_text=_("Emails that are not urgent wait until quiet hours are over."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email_kinds"].choices = [  # type: ignore[attr-defined]
            (kind.key, kind.label) for kind in kinds.KINDS.values()
        ]
        # One "when" question per kind that offers a daily notice.
        for kind in self.daily_kinds_offered():
            self.fields[self.daily_field(kind.key)] = forms.ChoiceField(
                label=_("When “%(kind)s” arrive") % {"kind": kind.label},
                choices=[
                    (DAILY_CHOICE, _("One notice a day (at 08:00) listing them, with links")),
                    (EACH_CHOICE, _("One notice each, at once")),
                ],
                widget=forms.RadioSelect,
                help_text=_("Urgent ones always arrive at once. Email follows the same choice."),
            )

    @staticmethod
    def daily_kinds_offered() -> list[kinds.Kind]:
        return [kind for kind in kinds.KINDS.values() if kind.daily is not None]

    @staticmethod
    def daily_field(key: str) -> str:
        return "when_" + key.replace(".", "_")

    def clean(self) -> dict[str, Any]:
        """The per-kind answers become one list, `daily_kinds`: the kinds taken daily."""
        data = super().clean() or {}
        data["daily_kinds"] = [
            kind.key
            for kind in self.daily_kinds_offered()
            if data.pop(self.daily_field(kind.key), None) == DAILY_CHOICE
        ]
        return data


class ReminderForm(StyledForm):
    title = forms.CharField(label=_("Reminder"), max_length=200)
    body = forms.CharField(
        label=_("Details"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    remind_at = forms.DateTimeField(label=_("When"), widget=DateTimeInput())
    audience = forms.ChoiceField(
        label=_("Who is reminded"), choices=Reminder.Audience.choices, widget=forms.RadioSelect
    )
    org_unit = UnitChoiceField(
        label=_("Party organisation"),
        queryset=orgs.no_units(),
        required=False,
        help_text=_("For reminders to an organisation's officers or people."),
    )
    urgent = forms.BooleanField(label=_("Urgent (ignores quiet hours)"), required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]
        if not units.exists():
            self.fields["audience"].choices = [  # type: ignore[attr-defined]
                (Reminder.Audience.ME, Reminder.Audience.ME.label)
            ]
            del self.fields["org_unit"]

    def clean_remind_at(self) -> datetime.datetime:
        value: datetime.datetime = self.cleaned_data["remind_at"]
        if value <= timezone.now():
            raise forms.ValidationError(_("Choose a time in the future."))
        if value > timezone.now() + datetime.timedelta(days=3 * 366):
            raise forms.ValidationError(_("Choose a time within the next three years."))
        return value


class WebhookForm(StyledForm):
    platform = forms.ChoiceField(label=_("Platform"), choices=Webhook.Platform.choices)
    name = forms.CharField(
        label=pgettext_lazy("a thing's name", "Name"),
        max_length=100,
        help_text=_("e.g. the group's name"),
    )
    url = forms.CharField(
        label=_("Webhook address"),
        max_length=600,
        help_text=_("Copied from the group robot's settings in WeCom, DingTalk or Feishu."),
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    secret = forms.CharField(
        label=_("Signing secret"),
        max_length=200,
        required=False,
        help_text=_("Only if the robot uses signing (DingTalk “加签”, Feishu “签名校验”)."),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
