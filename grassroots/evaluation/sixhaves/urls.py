"""The six haves (六有) of a service-oriented Party organisation, computed per branch from
the records, with links to them."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from grassroots.evaluation.sixhaves import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("six-haves/", views.overview, name="sixhaves_overview"),
    path("six-haves/branches/<int:pk>/", views.branch, name="sixhaves_branch"),
    path("six-haves/branches/<int:pk>/place/", views.place, name="sixhaves_place"),
]
