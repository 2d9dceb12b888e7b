from django.urls import include, path

from grassroots.orgs import transfer_views, views
from grassroots.orgs.dues import urls as dues
from grassroots.orgs.publicity import urls as publicity

app_name = "orgs"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/posts/new/", views.post_assign, name="post_assign"),
    path("posts/<int:pk>/end/", views.post_end, name="post_end"),
    path("departments/", views.department_tree, name="department_tree"),
    path("transfers/", transfer_views.transfer_list, name="transfer_list"),
    path("transfers/<int:pk>/letter/", transfer_views.transfer_letter, name="transfer_letter"),
    path("transfers/<int:pk>/decide/", transfer_views.transfer_decide, name="transfer_decide"),
    path(
        "transfers/<int:pk>/withdraw/", transfer_views.transfer_withdraw, name="transfer_withdraw"
    ),
    path("members/<int:pk>/transfer/", transfer_views.transfer_new, name="transfer_new"),
    path("members/", views.member_list, name="member_list"),
    path("members/export.xlsx", views.member_export, name="member_export"),
    path("members/new/", views.member_create, name="member_create"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("import/", views.import_start, name="import"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/<int:pk>/problems.xlsx", views.import_report, name="import_report"),
    path("import/template/<slug:kind>.xlsx", views.import_template, name="import_template"),
    *publicity.urlpatterns,
    *dues.urlpatterns,
    path("", include("grassroots.orgs.dues.io_urls")),
]
