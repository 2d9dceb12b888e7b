"""Open311 GeoReport v2 for appeals: every path ends in its format, .json or .xml."""

from django.urls import re_path

from grassroots.integrations.open311 import views

app_name = "open311"

FORMAT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^services" + FORMAT, views.services_list, name="services"),
    re_path(r"^services/(?P<code>[-\w]{1,40})" + FORMAT, views.service_definition, name="service"),
    re_path(r"^requests" + FORMAT, views.requests_view, name="requests"),
    re_path(
        r"^requests/(?P<request_id>[^/.]{1,64})" + FORMAT, views.request_detail, name="request"
    ),
    re_path(r"^tokens/(?P<token>[^/.]{1,64})" + FORMAT, views.token_detail, name="token"),
]
