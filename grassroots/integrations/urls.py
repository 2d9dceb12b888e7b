from django.urls import include, path, re_path

from grassroots.integrations.open311.views import not_found

urlpatterns = [
    path("open311/v2/", include("grassroots.integrations.open311.urls")),
    re_path(r"^open311/", not_found),
    path("integrations/", include("grassroots.integrations.messenger.urls")),
]
