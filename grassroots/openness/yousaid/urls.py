"""The yousaid pages."""

from django.urls import URLPattern, path

from grassroots.openness.yousaid import views

urlpatterns: list[URLPattern] = [
    path("units/<int:unit_id>/you-said-we-did/", views.page, name="yousaid"),
]
