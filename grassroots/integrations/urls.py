from django.urls import include, path

urlpatterns = [
    path("open311/v2/", include("grassroots.integrations.open311.urls")),
    path("integrations/", include("grassroots.integrations.messenger.urls")),
]
