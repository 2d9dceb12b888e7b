from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from grassroots.evaluation.schemes import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("schemes/", views.scheme_list, name="schemes"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme"),
    path("schemes/<int:pk>/dimensions/", views.dimension_add, name="scheme_dimension_add"),
    path("schemes/<int:pk>/indicators/", views.indicator_add, name="scheme_indicator_add"),
    path(
        "schemes/<int:pk>/indicators/<int:indicator_pk>/",
        views.indicator_edit,
        name="scheme_indicator",
    ),
    path("schemes/<int:pk>/publish/", views.scheme_publish, name="scheme_publish"),
    path("schemes/<int:pk>/score/", views.run_start, name="scheme_score"),
    path("schemes/<int:pk>/progress/", views.run_progress, name="scheme_progress"),
    path("schemes/<int:pk>/release/", views.results_release, name="scheme_release"),
    path("schemes/<int:pk>/results.xlsx", views.results_export, name="scheme_export"),
    path("results/", views.my_results, name="scheme_results_mine"),
    path("results/<int:pk>/", views.assessment_detail, name="assessment"),
    path("results/<int:pk>/objections/", views.objection_lodge, name="objection_lodge"),
    path(
        "results/<int:pk>/objections/<int:objection_pk>/answer/",
        views.objection_answer,
        name="objection_answer",
    ),
    path("results/<int:pk>/scores/<int:indicator_pk>/", views.score_detail, name="score"),
    path(
        "results/<int:pk>/scores/<int:indicator_pk>/judge/", views.score_judge, name="score_judge"
    ),
    path(
        "results/<int:pk>/scores/<int:indicator_pk>/evidence/",
        views.score_evidence,
        name="score_evidence",
    ),
]
