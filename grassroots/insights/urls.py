from django.urls import path

from grassroots.insights import views
from grassroots.insights.statistics import views as statistics_views

app_name = "insights"

urlpatterns = [
    path("structure/", views.structure, name="structure"),
    path("audit/", views.audit_log, name="audit_log"),
    path("statistics/", statistics_views.statistics, name="statistics"),
    path("statistics/export/", statistics_views.statistics_export, name="statistics_export"),
]
