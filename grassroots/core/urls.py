from django.urls import path

from grassroots.core import views

app_name = "core"

urlpatterns = [
    path("healthz", views.health, name="health"),
]
