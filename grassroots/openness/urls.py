"""Openness's pages under one namespace: notices (notices/urls.py), the openness
catalogue (catalogue/urls.py), consultations (consultations/urls.py) and the "you said,
we did" page (yousaid/urls.py)."""

from django.urls import include, path

from grassroots.openness.catalogue import urls as catalogue_urls
from grassroots.openness.consultations import urls as consultation_urls
from grassroots.openness.notices import urls as notice_urls
from grassroots.openness.yousaid import urls as yousaid_urls

app_name = "openness"

urlpatterns = [
    path("", include(notice_urls.urlpatterns)),
    path("", include(catalogue_urls.urlpatterns)),
    path("", include(yousaid_urls.urlpatterns)),
    path("consultations/", include(consultation_urls.urlpatterns)),
]
