from __future__ import annotations

from django.urls import URLPattern, path

from grassroots.service.deeds import views

urlpatterns: list[URLPattern] = [
    path("deeds/", views.deed_list, name="deeds"),
    path("deeds/new/", views.deed_new, name="deed_new"),
    path("deeds/<int:pk>/", views.deed_detail, name="deed"),
    path("deeds/<int:pk>/edit/", views.deed_edit, name="deed_edit"),
]
