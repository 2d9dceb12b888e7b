"""The openness catalogue page."""

from django.urls import path

from grassroots.openness.catalogue import views

urlpatterns = [
    path("catalogue/", views.catalogue, name="catalogue"),
]
