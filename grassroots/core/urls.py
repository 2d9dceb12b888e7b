from django.urls import path

from grassroots.core import views, webapp

app_name = "core"

urlpatterns = [
    path("healthz", views.health_live, name="health"),
    path("healthz/live", views.health_live, name="health_live"),
    path("healthz/ready", views.health_ready, name="health_ready"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("manifest.webmanifest", webapp.manifest, name="manifest"),
    path("sw.js", webapp.service_worker, name="service_worker"),
    path("offline/", webapp.offline, name="offline"),
]
