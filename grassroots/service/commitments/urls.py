from __future__ import annotations

from django.urls import URLPattern, path

from grassroots.service.commitments import views

urlpatterns: list[URLPattern] = [
    path("commitments/", views.commitment_list, name="commitments"),
    path("commitments/new/", views.commitment_new, name="commitment_new"),
    path("commitments/<int:pk>/", views.commitment_detail, name="commitment"),
    path("commitments/<int:pk>/edit/", views.commitment_edit, name="commitment_edit"),
]
