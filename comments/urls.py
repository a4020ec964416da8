from django.urls import path

from . import views

app_name = "comments"
urlpatterns = [
    path("news/<int:pk>/comments/", views.CommentPostView.as_view(), name="post"),
    path("comments/<int:pk>/report/", views.CommentReportView.as_view(), name="report"),
]
