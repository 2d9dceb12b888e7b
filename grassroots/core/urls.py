from django.urls import path

from grassroots.core import views

app_name = "core"

urlpatterns = [
    path("audit/", views.audit_log, name="audit_log"),
    path("healthz", views.health, name="health"),
]
