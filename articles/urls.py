from django.urls import path

from . import views

app_name = "articles"
urlpatterns = [
    path("news/<int:pk>/<str:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("preview/<int:pk>/", views.ArticlePreviewView.as_view(), name="preview"),
    path("news/", views.ArticleListView.as_view(), name="latest"),
    path("tag/<str:slug>/", views.TagArticleListView.as_view(), name="tag"),
]
