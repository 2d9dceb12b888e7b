from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from config.api import api
from grassroots.insights import views as insights_views

admin.site.site_header = _("Grassroots administration")
admin.site.site_title = _("Grassroots administration")

urlpatterns = [
    path("", insights_views.home, name="home"),
    path("", include("grassroots.core.urls")),
    path("accounts/", include("grassroots.accounts.urls")),
    path("orgs/", include("grassroots.orgs.urls")),
    path("insights/", include("grassroots.insights.urls")),
    path("notifications/", include("grassroots.notifications.urls")),
    path("appeals/", include("grassroots.appeals.urls")),
    path("orglife/", include("grassroots.orglife.urls")),
    path("service/", include("grassroots.service.urls")),
    path("evaluation/", include("grassroots.evaluation.urls")),
    path("learning/", include("grassroots.learning.urls")),
    path("openness/", include("grassroots.openness.urls")),
    path("plans/", include("grassroots.plans.urls")),
    path("resources/", include("grassroots.resources.urls")),
    path("", include("grassroots.integrations.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

# A page that fails because the database cannot be reached answers 503 (core.views).
handler500 = "grassroots.core.views.server_error"

if settings.DEBUG:  # pragma: no cover - uploads are served by the web server in production
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
