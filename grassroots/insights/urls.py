from django.urls import path

from grassroots.insights import views

app_name = "insights"

urlpatterns = [
    path("structure/", views.structure, name="structure"),
    path("audit/", views.audit_log, name="audit_log"),
]
