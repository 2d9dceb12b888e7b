"""The notices pages."""

from django.urls import URLPattern, path

from grassroots.openness.notices import views

urlpatterns: list[URLPattern] = [
    path("", views.notice_list, name="notices"),
    path("units/<int:unit_id>/notices/", views.unit_notices, name="unit_notices"),
    path("notices/new/", views.notice_new, name="notice_new"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("notices/<int:pk>/edit/", views.notice_edit, name="notice_edit"),
    path("files/<str:public_id>/", views.notice_attachment, name="notice_attachment"),
]
