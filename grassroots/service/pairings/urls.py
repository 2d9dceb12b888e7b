from __future__ import annotations

from django.urls import URLPattern, path

from grassroots.service.pairings import views

urlpatterns: list[URLPattern] = [
    path("pairings/", views.pairing_list, name="pairings"),
    path("pairings/new/", views.pairing_new, name="pairing_new"),
    path("pairings/<int:pk>/", views.pairing_detail, name="pairing"),
    path("pairings/visits/<int:pk>/appeal/", views.visit_appeal, name="pairing_visit_appeal"),
    path("pairings/visits/<int:pk>/deed/", views.visit_deed, name="pairing_visit_deed"),
]
