from django.urls import path

from grassroots.appeals.views import handle, rates, submit

app_name = "appeals"

urlpatterns = [
    path("new/", submit.new, name="new"),
    path("new/similar/", submit.similar, name="similar"),
    path("anonymous/", submit.anonymous, name="anonymous"),
    path("follow/", submit.follow, name="follow"),
    path("follow/appeal/", submit.followed, name="followed"),
    path("follow/stop/", submit.stop_following, name="stop_following"),
    path("mine/", submit.mine, name="mine"),
    path("mine/<int:pk>/", submit.mine_detail, name="mine_detail"),
    path("mine/<int:pk>/received/", submit.received, name="received"),
    path("<int:pk>/me-too/", submit.me_too, name="me_too"),
    path("on-behalf/", submit.on_behalf, name="on_behalf"),
    path("wall/", submit.wall, name="wall"),
    path("poster/<str:code>/", submit.qr_poster, name="qr_poster"),
    path("handle/", handle.queue, name="queue"),
    path("handle/export.xlsx", handle.queue_export, name="queue_export"),
    path("handle/<int:pk>/", handle.detail, name="handle_detail"),
    path("handle/<int:pk>/<slug:action>/", handle.act, name="act"),
    path("co-handling/<int:pk>/reply/", handle.co_reply, name="co_reply"),
    path("files/<int:pk>/", handle.attachment, name="attachment"),
    path("rates/", rates.rates_page, name="rates"),
]
