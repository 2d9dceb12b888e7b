from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import StyledForm, StyledFormMixin


class SignInForm(StyledFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "The employee number, phone number or password is not right. Check them and "
            "try again; after %(limit)s wrong tries in a row, sign-in pauses for %(minutes)s "
            "minutes."
        ),
        "inactive": _("This account is disabled. Ask your Party branch or the administrator."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        username = cast(forms.CharField, self.fields["username"])
        # AuthenticationForm sets max_length (32, the employee number's) after the field
        # is built, so the field never got its length validator: a longer name went on to
        # django-axes, whose varchar(255) on PostgreSQL answered 500. Check it here.
        username.validators.append(MaxLengthValidator(username.max_length or 32))
        username.error_messages["max_length"] = _(
            "An employee number or a mobile phone number has at most %(limit_value)d "
            "characters; this one has %(show_value)d. Check what was typed or pasted."
        )
        username.label = _("Employee number or mobile phone number")
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "maxlength": 32}
        )
        # No autofocus: it skips the skip link and the page's heading for screen-reader users.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["password"].label = _("Password")

    def get_invalid_login_error(self) -> forms.ValidationError:
        return forms.ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={
                "limit": settings.AXES_FAILURE_LIMIT,
                "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            },
        )


class StyledPasswordChangeForm(StyledFormMixin, PasswordChangeForm):
    pass


class PreferencesForm(StyledForm):
    prefers_large_text = forms.BooleanField(
        label=_("Large text"),
        required=False,
        help_text=_("Shows every page with text a quarter larger."),
    )
    prefers_high_contrast = forms.BooleanField(
        label=_("High contrast"),
        required=False,
        help_text=_("Light text on a black background, with underlined yellow links."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
