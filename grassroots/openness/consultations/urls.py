"""The consultations pages."""

from django.urls import URLPattern, path

from grassroots.openness.consultations import views

urlpatterns: list[URLPattern] = [
    path("", views.consultation_list, name="consultations"),
    path("new/", views.consultation_new, name="consultation_new"),
    path("files/<str:public_id>/", views.consultation_attachment, name="consultation_attachment"),
    path("<str:public_id>/", views.consultation_detail, name="consultation"),
    path("<str:public_id>/handle/", views.consultation_handle, name="consultation_handle"),
]
