from django.urls import path

from grassroots.insights import views
from grassroots.insights.topics import views as topics

app_name = "insights"

urlpatterns = [
    path("structure/", views.structure, name="structure"),
    path("audit/", views.audit_log, name="audit_log"),
    path("topics/", topics.topics, name="topics"),
    path("topics/run/", topics.topics_run, name="topics_run"),
    path("topics/<int:pk>/adopt/", topics.topic_adopt, name="topic_adopt"),
]
