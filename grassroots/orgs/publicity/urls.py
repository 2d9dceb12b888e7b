from __future__ import annotations

from django.urls import URLPattern, path

from grassroots.orgs.publicity import views

urlpatterns: list[URLPattern] = [
    path("publicity/", views.notice_list, name="publicity"),
    path("publicity/<int:pk>/", views.notice_detail, name="publicity_notice"),
]
