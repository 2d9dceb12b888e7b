"""Open311 GeoReport v2 for appeals: every path ends in its format, .json or .xml."""

from django.urls import re_path

from grassroots.integrations.open311 import views

app_name = "open311"

FORMAT = r"\.(?P<fmt>json|xml)$"
# A POST's idempotency key is refused unless it matches this (rules.IDEMPOTENCY_KEY), so that tokens/{token}
# can always find it again.
KEY_SEGMENT = r"(?P<token>[^/.]{1,64})"

urlpatterns = [
    re_path(r"^services" + FORMAT, views.services_list, name="services"),
    re_path(r"^services/(?P<code>[-\w]{1,40})" + FORMAT, views.service_definition, name="service"),
    re_path(r"^requests" + FORMAT, views.requests_view, name="requests"),
    re_path(
        r"^requests/(?P<request_id>[^/.]{1,64})" + FORMAT, views.request_detail, name="request"
    ),
    re_path(r"^tokens/" + KEY_SEGMENT + FORMAT, views.token_detail, name="token"),
    # Anything else under /open311/v2/ is the specification's 404, not an HTML page.
    re_path(r"", views.not_found),
]
