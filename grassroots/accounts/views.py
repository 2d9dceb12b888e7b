from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from grassroots.accounts import selectors, services
from grassroots.accounts.forms import PreferencesForm, SignInForm, StyledPasswordChangeForm
from grassroots.accounts.middleware import DISPLAY_COOKIE
from grassroots.accounts.models import ApiToken
from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.tokens import token_create, token_revoke


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # Django's LoginView names the site by its host ("127.0.0.1:8000") under the
        # same key the layout uses for the product's name.
        return super().get_context_data(**kwargs) | {"site_name": settings.GRASSROOTS_SITE_NAME}


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = StyledPasswordChangeForm
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.user_password_changed(user=form.user)
        messages.success(self.request, _("Your password has been changed."))
        return response


def locked_out(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """Shown by django-axes instead of the sign-in page after too many failures."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


@login_required
def profile(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            services.user_preferences_update(user=user, **form.cleaned_data)
            messages.success(request, _("Your preferences have been saved."))
            return HttpResponseRedirect(reverse("accounts:profile"))
    else:
        form = PreferencesForm(
            initial={
                "prefers_large_text": user.prefers_large_text,
                "prefers_high_contrast": user.prefers_high_contrast,
                "language": user.language or request.LANGUAGE_CODE,
            }
        )
    context = selectors.profile_context(user) | {"form": form}
    return render(request, "accounts/profile.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: AuthenticatedRequest) -> HttpResponse:
    """API tokens for integrations; a new token is shown once, on this response only."""
    created = None
    if request.method == "POST":
        name = request.POST.get("name", "").strip()[:60]
        if not name:
            messages.error(request, _("Give the token a name, e.g. the system that will use it."))
        else:
            _token, created = token_create(user=request.user, name=name)
    items = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True)
    response = render(request, "accounts/tokens.html", {"tokens": items, "created": created})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.filter(pk=pk, user=request.user, revoked_at__isnull=True).first()
    if token is None:
        raise Http404
    token_revoke(user=request.user, token=token)
    messages.success(request, _("The token no longer works."))
    return HttpResponseRedirect(reverse("accounts:tokens"))


@require_POST
def display(request: HttpRequest) -> HttpResponse:
    """The display settings in every page's footer; for visitors too (sign-in page)."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    large_text = request.POST.get("large_text") == "1"
    high_contrast = request.POST.get("high_contrast") == "1"
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("home")
    response = HttpResponseRedirect(target)
    if request.user.is_authenticated:
        services.user_preferences_update(
            user=request.user,
            prefers_large_text=large_text,
            prefers_high_contrast=high_contrast,
            language=language,
        )
    one_year = 365 * 24 * 3600
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=one_year,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
    flags = ".".join(
        name for name, on in (("large", large_text), ("contrast", high_contrast)) if on
    )
    response.set_cookie(
        DISPLAY_COOKIE,
        flags,
        max_age=one_year,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
    return response
