from django.urls import path

from grassroots.insights import views

app_name = "insights"

urlpatterns = [
    path("structure/", views.structure, name="structure"),
]
