from django.contrib import admin
from django.urls import path

from . import views

app_name = "editorial"

# admin_view: the admin's login redirect for anyone not staff, CSRF protection, no caching.
urlpatterns = [
    path("calendar/", admin.site.admin_view(views.calendar), name="calendar"),
    path("calendar/<int:pk>/reschedule/", admin.site.admin_view(views.reschedule), name="reschedule"),
    path("calendar/<int:pk>/replan/", admin.site.admin_view(views.replan), name="replan"),
]
