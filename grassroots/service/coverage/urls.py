from __future__ import annotations

from django.urls import URLPattern, path

from grassroots.service.coverage import views

urlpatterns: list[URLPattern] = [
    path("coverage/", views.coverage, name="coverage"),
]
