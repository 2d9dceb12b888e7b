from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from grassroots.evaluation.campaigns import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/vote/", views.campaign_vote, name="campaign_vote"),
    path("campaigns/<int:pk>/reminders/", views.campaign_reminders, name="campaign_reminders"),
    path("campaigns/<int:pk>/paper/", views.campaign_paper, name="campaign_paper"),
    path("campaigns/<int:pk>/tally/", views.campaign_tally, name="campaign_tally"),
    path("campaigns/<int:pk>/results/", views.campaign_results, name="campaign_results"),
    path(
        "campaigns/<int:pk>/subjects/<int:subject>/",
        views.subject_result,
        name="campaign_subject",
    ),
    path(
        "campaigns/<int:pk>/subjects/<int:subject>/plan/<int:plan>/",
        views.plan_progress,
        name="campaign_plan_item",
    ),
]
