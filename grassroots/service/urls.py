from django.urls import path

from grassroots.service import views
from grassroots.service.activities import urls as activities
from grassroots.service.commitments import urls as commitments
from grassroots.service.coverage import urls as coverage
from grassroots.service.deeds import urls as deeds
from grassroots.service.pairings import urls as pairings
from grassroots.service.posts import urls as posts

app_name = "service"

urlpatterns = [
    path("", views.home, name="home"),
    *activities.urlpatterns,
    *posts.urlpatterns,
    *commitments.urlpatterns,
    *pairings.urlpatterns,
    *deeds.urlpatterns,
    *coverage.urlpatterns,
]
