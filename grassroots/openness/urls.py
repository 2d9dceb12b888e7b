"""Openness's pages: notices (notices/urls.py), consultations (consultations/urls.py)
and the "you said, we did" page (yousaid.py), under one namespace."""

from django.urls import include, path

from grassroots.openness.consultations import urls as consultation_urls
from grassroots.openness.notices import urls as notice_urls

app_name = "openness"

urlpatterns = [
    path("", include(notice_urls.urlpatterns)),
    path("consultations/", include(consultation_urls.urlpatterns)),
]
