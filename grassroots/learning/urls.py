from django.urls import path

from grassroots.learning import views
from grassroots.learning.quiz import views as quiz

app_name = "learning"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("materials/<int:pk>/", views.material, name="material"),
    path("materials/<int:pk>/studied/", views.material_studied, name="material_studied"),
    path("materials/<int:pk>/file/", views.material_file, name="material_file"),
    path("materials/<int:pk>/edit/", views.material_edit, name="material_edit"),
    path("materials/new/", views.material_new, name="material_new"),
    path("hours/", views.hours, name="hours"),
    path("units/", views.unit_view, name="unit"),
    path("manage/", views.manage, name="manage"),
    path("courses/new/", views.course_new, name="course_new"),
    path("courses/<int:pk>/edit/", views.course_edit, name="course_edit"),
    path("courses/<int:pk>/quiz/", quiz.quiz, name="quiz"),
    path("courses/<int:pk>/quiz/questions/", quiz.quiz_manage, name="quiz_manage"),
    path(
        "courses/<int:pk>/quiz/questions/<int:question_pk>/remove/",
        quiz.quiz_question_remove,
        name="quiz_question_remove",
    ),
    path("external/", views.external, name="external"),
    path("external/<int:pk>/certificate/", views.certificate, name="certificate"),
]
