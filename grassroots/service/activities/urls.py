"""Service carriers: activities."""

from __future__ import annotations

from django.urls import URLPattern, path

from grassroots.service.activities import views

urlpatterns: list[URLPattern] = [
    path("activities/", views.activity_list, name="activities"),
    path("activities/new/", views.activity_new, name="activity_new"),
    path("activities/<int:pk>/", views.activity_detail, name="activity"),
    path("mine/", views.mine, name="mine"),
]
