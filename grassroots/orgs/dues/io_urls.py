from __future__ import annotations

from django.urls import URLPattern, path

from grassroots.orgs.dues import io_views as views

urlpatterns: list[URLPattern] = [
    path("dues/import/bases/", views.bases_import, name="dues_import_bases"),
    path("dues/import/payroll/", views.deductions_import, name="dues_import_payroll"),
    path(
        "dues/import/<slug:kind>/template.xlsx",
        views.import_template,
        name="dues_import_template",
    ),
    path("dues/export/", views.month_export, name="dues_export"),
]
