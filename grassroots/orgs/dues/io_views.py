"""Dues imports (bases from the payroll file, a batch of payroll deductions) and the
month's export for the finance department.

An import is checked first and, when every row is right, shown for confirmation; the
checked rows travel signed in the confirmation form and are checked again on confirming.
Only a branch's dues officer imports; the dues officer and the committee's organisation
officers export. Anyone else gets the same 404 as a missing page."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import scope_for
from grassroots.core.downloads import xlsx_response
from grassroots.core.request_values import object_id
from grassroots.core.upload_limits import upload_limit
from grassroots.orgs.dues import exporting, importing, rules, selectors
from grassroots.orgs.dues.io_forms import ConfirmForm, DeductionFileForm, DuesFileForm, ExportForm
from grassroots.orgs.dues.models import DuesBase
from grassroots.orgs.dues.policy import DuesOffices

CONFIRM_MAX_AGE = 60 * 60  # a checked file waits an hour for confirmation


def _keeper(request: AuthenticatedRequest) -> DuesOffices:
    offices = selectors.dues_offices(scope_for(request.user), on=timezone.localdate())
    if not offices.branch_ids:
        raise Http404
    return offices


def _salt(kind: str, request: AuthenticatedRequest) -> str:
    return f"dues-import-{kind}:{request.user.pk}"


def _upload(form: DuesFileForm) -> bytes | None:
    upload = form.cleaned_data["file"]
    if upload.size > settings.IMPORT_MAX_BYTES:
        form.add_error(
            "file",
            _("The file is larger than %(max)s MB; split it into smaller files.")
            % {"max": settings.IMPORT_MAX_BYTES // (1024 * 1024)},
        )
        return None
    data: bytes = upload.read()
    return data


def _token_payload(request: AuthenticatedRequest, kind: str) -> tuple[str, Any] | None:
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return None
    token = form.cleaned_data["token"]
    try:
        payload = signing.loads(token, salt=_salt(kind, request), max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    return token, payload


def _page(
    request: AuthenticatedRequest, kind: str, form: DuesFileForm, checked: Any = None
) -> HttpResponse:
    return render(
        request,
        "orgs/dues/import_form.html",
        {
            "kind": kind,
            "form": form,
            "errors": checked.errors[:500] if checked else [],
            "error_count": len(checked.errors) if checked else 0,
            "checked": checked,
        },
    )


@upload_limit(lambda: settings.IMPORT_MAX_BYTES)
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def bases_import(request: AuthenticatedRequest) -> HttpResponse:
    """The payroll file of bases: check, show, confirm."""
    offices = _keeper(request)
    form = DuesFileForm()
    if request.method == "POST" and request.POST.get("action") == "confirm":
        found = _token_payload(request, "bases")
        if found is None:
            messages.error(request, _("The check has expired; upload the file again."))
            return HttpResponseRedirect(reverse("orgs:dues_import_bases"))
        checked = importing.bases_check(found[1]["rows"], offices=offices)
        if not checked.ok:
            return _page(request, "bases", form, checked)
        try:
            count = importing.bases_apply(actor=request.user, checked=checked)
        except importing.ImportRefusedError as refused:
            checked.errors = refused.errors
            return _page(request, "bases", form, checked)
        messages.success(
            request, _("%(count)d bases were set from the payroll file.") % {"count": count}
        )
        return HttpResponseRedirect(reverse("orgs:dues_import_bases"))
    if request.method == "POST":
        form = DuesFileForm(request.POST, request.FILES)
        data = _upload(form) if form.is_valid() else None
        if data is not None:
            checked = importing.bases_read(data, offices=offices, max_rows=settings.IMPORT_MAX_ROWS)
            if not checked.ok:
                return _page(request, "bases", form, checked)
            token = signing.dumps(
                {"rows": checked.rows}, salt=_salt("bases", request), compress=True
            )
            preview = [
                {
                    "write": write,
                    "kind": DuesBase.Kind(write.kind).label,
                    "due": rules.monthly_due(write.kind, write.amount),
                }
                for write in checked.writes
            ]
            return render(
                request,
                "orgs/dues/import_preview.html",
                {"kind": "bases", "preview": preview, "token": token, "checked": checked},
            )
    return _page(request, "bases", form)


@upload_limit(lambda: settings.IMPORT_MAX_BYTES)
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def deductions_import(request: AuthenticatedRequest) -> HttpResponse:
    """A batch of payroll deductions: each row pays one member's bill for a month."""
    offices = _keeper(request)
    today = timezone.localdate()
    form = DeductionFileForm(initial={"paid_on": today})
    if request.method == "POST" and request.POST.get("action") == "confirm":
        found = _token_payload(request, "payroll")
        if found is None:
            messages.error(request, _("The check has expired; upload the file again."))
            return HttpResponseRedirect(reverse("orgs:dues_import_payroll"))
        token, payload = found
        paid_on = datetime.date.fromisoformat(payload["paid_on"])
        key = hashlib.sha256(token.encode()).hexdigest()[:32]
        checked = importing.deductions_check(
            payload["rows"], offices=offices, paid_on=paid_on, today=today
        )
        if not checked.ok:
            already = importing.deductions_already_recorded(key)
            if already:  # the same confirmation sent twice: it was recorded once
                messages.success(request, _("These deductions are already recorded."))
                return HttpResponseRedirect(reverse("orgs:dues_import_payroll"))
            return _page(request, "payroll", form, checked)
        try:
            count = importing.deductions_apply(
                actor=request.user, checked=checked, paid_on=paid_on, today=today, key=key
            )
        except importing.ImportRefusedError as refused:
            checked.errors = refused.errors
            return _page(request, "payroll", form, checked)
        messages.success(
            request,
            _("%(count)d months were recorded as paid by payroll deduction.") % {"count": count},
        )
        return HttpResponseRedirect(reverse("orgs:dues_import_payroll"))
    if request.method == "POST":
        form = DeductionFileForm(request.POST, request.FILES)
        data = _upload(form) if form.is_valid() else None
        if data is not None:
            paid_on = form.cleaned_data["paid_on"]
            if paid_on > today:
                form.add_error("paid_on", _("The day paid cannot be in the future."))
                return _page(request, "payroll", form)
            checked = importing.deductions_read(
                data,
                offices=offices,
                paid_on=paid_on,
                today=today,
                max_rows=settings.IMPORT_MAX_ROWS,
            )
            if not checked.ok:
                return _page(request, "payroll", form, checked)
            token = signing.dumps(
                {"rows": checked.rows, "paid_on": paid_on.isoformat()},
                salt=_salt("payroll", request),
                compress=True,
            )
            return render(
                request,
                "orgs/dues/import_preview.html",
                {
                    "kind": "payroll",
                    "preview": checked.rows,
                    "paid_on": paid_on,
                    "token": token,
                    "checked": checked,
                },
            )
    return _page(request, "payroll", form)


@never_cache
@login_required
@require_GET
def import_template(request: AuthenticatedRequest, kind: str) -> HttpResponse:
    _keeper(request)
    columns = {"bases": importing.BASE_COLUMNS, "payroll": importing.DEDUCTION_COLUMNS}.get(kind)
    if columns is None:
        raise Http404
    title = _("Dues bases") if kind == "bases" else _("Payroll deductions")
    content = exporting.template_workbook([str(column.header) for column in columns], title)
    return xlsx_response(content, f"dues-{kind}-template.xlsx")


@never_cache
@login_required
@require_GET
def month_export(request: AuthenticatedRequest) -> HttpResponse:
    """Choose a branch and a month; the file is the branch's month for finance."""
    offices = selectors.dues_offices(scope_for(request.user), on=timezone.localdate())
    branches = selectors.branches_kept(offices) if offices.any else []
    if not branches:
        raise Http404
    form = ExportForm(branches=branches)
    if "branch" in request.GET:
        pk = object_id(request.GET.get("branch"))
        branch = selectors.branch_for(offices, pk) if pk is not None else None
        if branch is None:
            raise Http404
        form = ExportForm(request.GET, branches=branches)
        if form.is_valid():
            month = form.cleaned_data["month"]
            content = exporting.branch_month_workbook(offices, branch, month)
            return xlsx_response(content, f"dues-{branch.pk}-{month:%Y-%m}.xlsx")
    return render(request, "orgs/dues/export_form.html", {"form": form})
