from django.urls import path

from grassroots.evaluation import views
from grassroots.evaluation.appraisal import urls as appraisal
from grassroots.evaluation.campaigns import urls as campaigns
from grassroots.evaluation.commendations import urls as commendations
from grassroots.evaluation.schemes import urls as schemes
from grassroots.evaluation.sixhaves import urls as sixhaves

app_name = "evaluation"

urlpatterns = [
    path("", views.home, name="home"),
    *schemes.urlpatterns,
    *campaigns.urlpatterns,
    *appraisal.urlpatterns,
    *commendations.urlpatterns,
    *sixhaves.urlpatterns,
]
