from django.urls import path, register_converter

from grassroots.appeals.views import handle, rates, submit
from grassroots.core.public_ids import PublicIdConverter

app_name = "appeals"

# Appeals, their co-handling tasks and their files are addressed by their public ids
# (core.public_ids), never by their primary keys: an old integer address is a 404.
register_converter(PublicIdConverter, "public_id")

urlpatterns = [
    path("new/", submit.new, name="new"),
    path("new/similar/", submit.similar, name="similar"),
    path("anonymous/", submit.anonymous, name="anonymous"),
    path("follow/", submit.follow, name="follow"),
    path("follow/appeal/", submit.followed, name="followed"),
    path("follow/stop/", submit.stop_following, name="stop_following"),
    path("mine/", submit.mine, name="mine"),
    path("mine/<public_id:public_id>/", submit.mine_detail, name="mine_detail"),
    path("mine/<public_id:public_id>/received/", submit.received, name="received"),
    path("<public_id:public_id>/me-too/", submit.me_too, name="me_too"),
    path("on-behalf/", submit.on_behalf, name="on_behalf"),
    path("wall/", submit.wall, name="wall"),
    path("poster/<str:code>/", submit.qr_poster, name="qr_poster"),
    path("handle/", handle.queue, name="queue"),
    path("handle/export.xlsx", handle.queue_export, name="queue_export"),
    path("handle/<public_id:public_id>/", handle.detail, name="handle_detail"),
    path("handle/<public_id:public_id>/<slug:action>/", handle.act, name="act"),
    path("co-handling/<public_id:public_id>/reply/", handle.co_reply, name="co_reply"),
    path("files/<public_id:public_id>/", handle.attachment, name="attachment"),
    path("rates/", rates.rates_page, name="rates"),
]
