from django.urls import path

from grassroots.service import views

app_name = "service"

urlpatterns = [
    path("activities/", views.activity_list, name="activities"),
    path("activities/new/", views.activity_new, name="activity_new"),
    path("activities/<int:pk>/", views.activity_detail, name="activity"),
    path("mine/", views.mine, name="mine"),
]
