from __future__ import annotations

from django.urls import URLPattern, path

from grassroots.orgs.dues import views

urlpatterns: list[URLPattern] = [
    path("dues/", views.dues_mine, name="dues_mine"),
    path("dues/branches/", views.dues_branches, name="dues_branches"),
    path("dues/year/", views.dues_year, name="dues_year"),
    path("dues/branches/<int:pk>/", views.dues_branch, name="dues_branch"),
    path("dues/branches/<int:pk>/members/<int:member_pk>/", views.dues_member, name="dues_member"),
    path(
        "dues/branches/<int:pk>/members/<int:member_pk>/arrears/",
        views.dues_arrears_reason,
        name="dues_arrears_reason",
    ),
    path("dues/payments/<int:pk>/reverse/", views.dues_reverse, name="dues_reverse"),
]
