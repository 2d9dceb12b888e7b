"""Sign-in, contacts and messages through WeCom, DingTalk and Feishu."""

from django.urls import path

from grassroots.integrations.messenger import views

app_name = "messenger"

urlpatterns = [
    path("messenger/", views.config_list, name="configs"),
    path("messenger/new/", views.config_edit, name="config_new"),
    path("messenger/<int:pk>/", views.config_edit, name="config_edit"),
    path("messenger/<int:pk>/sync/", views.sync_list, name="syncs"),
    path("messenger/<int:pk>/sync/<int:run_pk>/", views.sync_detail, name="sync"),
    path("messenger/mine/", views.my_accounts, name="mine"),
    path("sign-in/", views.sign_in_choices, name="sign_in"),
    path("sign-in/<int:pk>/", views.sign_in_start, name="sign_in_start"),
    path("sign-in/<int:pk>/done/", views.sign_in_done, name="sign_in_done"),
    path("sign-in/<int:pk>/link/", views.sign_in_link, name="sign_in_link"),
]
