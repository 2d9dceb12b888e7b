from django.urls import path

from grassroots.insights import views
from grassroots.insights.dashboards import views as dashboards
from grassroots.insights.statistics import views as statistics_views
from grassroots.insights.topics import views as topics

app_name = "insights"

urlpatterns = [
    path("structure/", views.structure, name="structure"),
    path("audit/", views.audit_log, name="audit_log"),
    path("statistics/", statistics_views.statistics, name="statistics"),
    path("statistics/export/", statistics_views.statistics_export, name="statistics_export"),
    path("dashboard/", dashboards.dashboard, name="dashboard"),
    path("dashboard/<slug:key>.xlsx", dashboards.dashboard_export, name="dashboard_export"),
    path("dashboard/mine/", dashboards.my_dashboard, name="my_dashboard"),
    path(
        "dashboard/mine/<slug:key>.xlsx", dashboards.my_dashboard_export, name="my_dashboard_export"
    ),
    path("topics/", topics.topics, name="topics"),
    path("topics/run/", topics.topics_run, name="topics_run"),
    path("topics/<int:pk>/adopt/", topics.topic_adopt, name="topic_adopt"),
]
