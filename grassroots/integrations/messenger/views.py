"""Administrator's pages for the messenger connections and contact syncs, and the
sign-in through a messenger (for visitors)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.integrations.messenger import selectors, services
from grassroots.integrations.messenger.forms import ConfigForm, LinkForm
from grassroots.integrations.messenger.models import MessengerConfig
from grassroots.integrations.messenger.providers import MessengerError


def _administrator(request: AuthenticatedRequest) -> None:
    # Out of scope answers as a missing page does.
    if not request.user.is_superuser:
        raise Http404


@login_required
@require_GET
def config_list(request: AuthenticatedRequest) -> HttpResponse:
    _administrator(request)
    return render(request, "messenger/config_list.html", {"configs": selectors.configs()})


@login_required
@require_http_methods(["GET", "POST"])
def config_edit(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    _administrator(request)
    config = selectors.get_config(pk) if pk is not None else None
    form = ConfigForm(request.POST or None, instance=config)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.config_save(
                actor=request.user, config=config, secret=form.cleaned_data["secret"], **values
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The connection has been saved."))
            return HttpResponseRedirect(reverse("messenger:configs"))
    response = render(request, "messenger/config_form.html", {"form": form, "config": config})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def sync_list(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _administrator(request)
    config = selectors.get_config(pk)
    if request.method == "POST":
        try:
            run = services.sync_plan(actor=request.user, config=config)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return HttpResponseRedirect(reverse("messenger:sync", args=[config.pk, run.pk]))
    context = {"config": config, "runs": selectors.sync_runs(config)}
    return render(request, "messenger/sync_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def sync_detail(request: AuthenticatedRequest, pk: int, run_pk: int) -> HttpResponse:
    _administrator(request)
    config = selectors.get_config(pk)
    run = selectors.get_sync_run(config, run_pk)
    if request.method == "POST":
        try:
            services.sync_apply(
                actor=request.user,
                run=run,
                confirmed=request.POST.getlist("confirm"),
                all_confirmed=request.POST.get("confirm_all") == "yes",
                many_left_confirmed=request.POST.get("many_left") == "yes",
            )
        except services.SyncStaleError:
            messages.error(
                request,
                _("The records changed after this dry run; nothing was applied. Run it again."),
            )
        except ValidationError as error:
            messages.error(
                request,
                _("Nothing was applied: %(reasons)s") % {"reasons": " ".join(error.messages)},
            )
        else:
            messages.success(request, _("The directory has been applied."))
        return HttpResponseRedirect(reverse("messenger:sync", args=[config.pk, run.pk]))
    context = {
        "config": config,
        "run": run,
        "summary": selectors.sync_summary(run),
        "many_leave": run.status == run.Status.PLANNED and services.many_leave(run),
    }
    return render(request, "messenger/sync_detail.html", context)


# --- sign-in ---------------------------------------------------------------------------

# The messengers' in-app browsers say who they are in the user agent.
_IN_APP = ("wxwork", "dingtalk", "lark", "feishu")


@require_GET
def sign_in_choices(request: HttpRequest) -> HttpResponse:
    return render(request, "messenger/sign_in.html", {"configs": selectors.configs_for_sign_in()})


@require_GET
def sign_in_start(request: HttpRequest, pk: int) -> HttpResponse:
    config = selectors.get_config_for_sign_in(pk)
    agent = request.headers.get("User-Agent", "").lower()
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    target = services.sign_in_start(
        request=request,
        config=config,
        redirect_uri=request.build_absolute_uri(reverse("messenger:sign_in_done", args=[pk])),
        in_app=any(name in agent for name in _IN_APP),
        next_url=next_url,
    )
    return HttpResponseRedirect(target)


# Lazy: built once at import, translated per request in the visitor's language.
_REFUSALS = {
    "state": (
        400,
        gettext_lazy(
            "This sign-in link has been used already or has expired. Start the sign-in again."
        ),
    ),
    "no_code": (
        400,
        gettext_lazy(
            "The messenger sent no sign-in code (was the sign-in declined?). Start it again."
        ),
    ),
    "inactive": (403, gettext_lazy("This account cannot sign in. Ask the administrator.")),
    "privileged": (
        403,
        gettext_lazy(
            "The administrator and staff cannot sign in through a messenger. Sign in with "
            "your password."
        ),
    ),
    "office": (
        403,
        gettext_lazy(
            "You hold a Party office, and this connection does not sign office holders in "
            "through the messenger: its accounts are managed by the enterprise's IT, not "
            "the Party organisation. Sign in with your password."
        ),
    ),
    "taken": (
        403,
        gettext_lazy(
            "This messenger account or your account is linked already. Ask the "
            "administrator to remove the old link."
        ),
    ),
    "locked": (429, gettext_lazy("Too many failed sign-ins; wait a few minutes and try again.")),
}


# Refused for who they are, not for how the sign-in went: trying again cannot help.
_PASSWORD_ONLY = frozenset({"privileged", "office"})


def _refused(
    request: HttpRequest, config: MessengerConfig, reason: str, *, status: int = 0, text: str = ""
) -> HttpResponse:
    if not text:
        status, lazy = _REFUSALS[reason]
        text = str(lazy)
    context = {"config": config, "message": text, "retry": reason not in _PASSWORD_ONLY}
    return render(request, "messenger/sign_in_refused.html", context, status=status)


@require_GET
def sign_in_done(request: HttpRequest, pk: int) -> HttpResponse:
    config = selectors.get_config_for_sign_in(pk)
    try:
        signed = services.messenger_sign_in(
            request=request,
            config=config,
            # DingTalk's browser sign-in answers with authCode, the others with code
            code=request.GET.get("code") or request.GET.get("authCode", ""),
            state=request.GET.get("state", ""),
        )
    except services.SignInRefusedError as refusal:
        if refusal.reason == "unlinked":
            return HttpResponseRedirect(reverse("messenger:sign_in_link", args=[pk]))
        if refusal.reason == "vendor":
            # The state is spent: saved now, as Django keeps no session change on a 5xx.
            request.session.save()
            text = services.vendor_message(MessengerError(refusal.detail))
            return _refused(request, config, "vendor", status=502, text=text)
        return _refused(request, config, refusal.reason)
    return HttpResponseRedirect(signed.next_url or reverse("home"))


@login_required
@require_http_methods(["GET", "POST"])
def my_accounts(request: AuthenticatedRequest) -> HttpResponse:
    """A person's own messenger accounts, and whether notices go to each app."""
    accounts = list(selectors.accounts_of(request.user))
    if request.method == "POST":
        wanted = set(request.POST.getlist("wants"))
        for account in accounts:
            services.message_preference_set(
                user=request.user, config=account.config, wanted=str(account.pk) in wanted
            )
        messages.success(request, _("Your choices have been saved."))
        return HttpResponseRedirect(reverse("messenger:mine"))
    return render(request, "messenger/mine.html", {"accounts": accounts})


@require_http_methods(["GET", "POST"])
def sign_in_link(request: HttpRequest, pk: int) -> HttpResponse:
    """A messenger account linked to nobody: the person signs in with their password
    once to link it (never matched by employee number or mobile number)."""
    config = selectors.get_config_for_sign_in(pk)
    if services.pending_link(request, config) is None:
        return _refused(request, config, "state")
    form = LinkForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            signed = services.messenger_link(
                request=request,
                config=config,
                employee_number=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except services.SignInRefusedError as refusal:
            if refusal.reason == "password":
                form.add_error(None, _("The employee number or the password is wrong."))
                status = 400
            else:
                return _refused(request, config, refusal.reason)
        else:
            return HttpResponseRedirect(signed.next_url or reverse("home"))
    response = render(
        request, "messenger/sign_in_link.html", {"config": config, "form": form}, status=status
    )
    response["Cache-Control"] = "no-store"
    return response
