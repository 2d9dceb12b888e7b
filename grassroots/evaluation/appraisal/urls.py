from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from grassroots.evaluation.appraisal import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("appraisal/", views.appraisal_list, name="appraisals"),
    path("appraisal/new/", views.appraisal_new, name="appraisal_new"),
    path("appraisal/<int:pk>/", views.appraisal_detail, name="appraisal"),
    path("appraisal/<int:pk>/self/", views.self_assessment, name="appraisal_self"),
    path("appraisal/<int:pk>/suggestions/", views.suggestions, name="appraisal_suggestions"),
    path("appraisal/<int:pk>/propose/", views.propose, name="appraisal_propose"),
    path("appraisal/<int:pk>/decide/", views.decide, name="appraisal_decide"),
    path("appraisal/<int:pk>/opinions/", views.opinions, name="appraisal_opinions"),
    path("appraisal/<int:pk>/people/<int:person_pk>/", views.person, name="appraisal_person"),
]
