from django.urls import path

from grassroots.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read/", views.mark_read, name="mark_read"),
    path("settings/", views.preferences, name="preferences"),
    path("reminders/", views.reminders, name="reminders"),
    path("reminders/<int:pk>/cancel/", views.reminder_cancel, name="reminder_cancel"),
    path("robots/<int:unit_pk>/", views.robots, name="robots"),
    path("robots/action/<int:pk>/<slug:action>/", views.robot_action, name="robot_action"),
    path("deliveries/", views.delivery_log, name="delivery_log"),
    path("deliveries/<int:pk>/retry/", views.delivery_retry, name="delivery_retry"),
]
