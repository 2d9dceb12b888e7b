from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.integrations.messenger.models import MessengerConfig
from grassroots.integrations.messenger.services import CONFIG_FIELDS


class ConfigForm(forms.ModelForm):
    """The secret is write-only: never put back into the page; empty keeps the stored one."""

    secret = forms.CharField(
        label=_("App secret"),
        required=False,
        max_length=256,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )

    class Meta:
        model = MessengerConfig
        # the fields a connection is saved with: one list, the service's
        fields = list(CONFIG_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.secret_encrypted:
            self.fields["secret"].help_text = _(
                "A secret is stored. Leave empty to keep it; type a new one to replace it."
            )
        else:
            self.fields["secret"].required = True
            self.fields["secret"].help_text = _("Shown nowhere after saving.")

    def clean_department_code_prefix(self) -> str:
        value: str = self.cleaned_data["department_code_prefix"].strip()
        if value and not all(c.isalnum() or c in "-_" for c in value):
            raise forms.ValidationError(_("Use letters, digits, - or _ only."))
        return value


class LinkForm(forms.Form):
    """Proving it is you once, to link a messenger account to your account."""

    username = forms.CharField(
        label=_("Employee number"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
