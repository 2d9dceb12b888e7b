"""Service carriers: posts."""

from __future__ import annotations

from django.urls import URLPattern, path

from grassroots.service.posts import views

urlpatterns: list[URLPattern] = [
    path("posts/", views.post_list, name="posts"),
    path("posts/new/", views.post_new, name="post_new"),
    path("posts/<int:pk>/", views.post_detail, name="post"),
    path("posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("posts/<int:pk>/deactivate/", views.post_deactivate, name="post_deactivate"),
    path("posts/<int:pk>/card/", views.post_card, name="post_card"),
    path("posts/<int:pk>/appeal/", views.post_appeal, name="post_appeal"),
    path("posts/<int:pk>/visits/new/", views.visit_new, name="post_visit_new"),
    path("posts/visits/<int:pk>/", views.visit_detail, name="post_visit"),
    path("posts/visits/<int:pk>/cancel/", views.visit_cancel, name="post_visit_cancel"),
    path("posts/visits/<int:pk>/appeal/", views.visit_appeal, name="post_visit_appeal"),
]
