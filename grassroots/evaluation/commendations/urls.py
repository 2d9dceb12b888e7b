from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from grassroots.evaluation.commendations import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("commendations/", views.round_list, name="commendations"),
    path("commendations/new/", views.round_new, name="commendation_round_new"),
    path("commendations/<int:pk>/", views.round_detail, name="commendation_round"),
]
