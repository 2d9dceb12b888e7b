from django.urls import path

from grassroots.core import views

app_name = "core"

urlpatterns = [
    path("healthz", views.health_live, name="health"),
    path("healthz/live", views.health_live, name="health_live"),
    path("healthz/ready", views.health_ready, name="health_ready"),
    path("favicon.ico", views.favicon, name="favicon"),
]
