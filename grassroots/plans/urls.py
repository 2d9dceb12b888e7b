from django.urls import path

from grassroots.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.index, name="index"),
    path("unit/<int:unit_id>/", views.unit_plans, name="unit"),
    path("<int:pk>/", views.plan_detail, name="plan"),
    path("<int:pk>/check/", views.plan_check, name="check"),
    path("<int:pk>/publish/", views.plan_publish, name="publish"),
    path("<int:pk>/summary/", views.plan_summary, name="summary"),
    path("<int:pk>/items/new/", views.item_new, name="item_new"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/remove/", views.item_remove, name="item_remove"),
    path("items/<int:pk>/link/", views.item_link, name="item_link"),
    path("links/<int:pk>/remove/", views.link_remove, name="link_remove"),
]
