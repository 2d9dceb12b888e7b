from django.urls import URLPattern, path

from grassroots.resources import views

app_name = "resources"
urlpatterns: list[URLPattern] = [
    path("venues/", views.venue_list, name="venues"),
    path("venues/new/", views.venue_new, name="venue_new"),
    path("venues/<int:pk>/", views.venue_detail, name="venue"),
    path("venues/<int:pk>/edit/", views.venue_edit, name="venue_edit"),
    path("venues/<int:pk>/book/", views.booking_new, name="booking_new"),
    path("venues/photos/<int:pk>/", views.venue_photo, name="venue_photo"),
    path("venues/<int:pk>/equipment/new/", views.equipment_new, name="equipment_new"),
    path("equipment/<int:pk>/edit/", views.equipment_edit, name="equipment_edit"),
    path("equipment/<int:pk>/maintained/", views.equipment_maintained, name="equipment_maintained"),
    path("equipment/<int:pk>/fault/", views.fault_new, name="fault_new"),
    path("bookings/", views.my_bookings, name="my_bookings"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
]
