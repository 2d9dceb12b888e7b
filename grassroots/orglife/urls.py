from django.urls import path

from grassroots.orglife import views
from grassroots.orglife.development import views as development

app_name = "orglife"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("overview/", views.overview, name="overview"),
    path("units/<int:pk>/", views.unit_calendar, name="unit"),
    path("units/<int:pk>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("units/<int:pk>/talks/", views.talks, name="talks"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/print/", views.meeting_print, name="meeting_print"),
    path("development/<int:pk>/", development.board, name="development"),
    path("development/people/<int:pk>/", development.person, name="development_person"),
]
