from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

app_name = "api"
urlpatterns = [
    path("v1/articles/", views.ArticleListView.as_view(), name="articles"),
    path("v1/articles/<int:pk>/", views.ArticleDetailView.as_view(), name="article"),
    path("v1/search/", views.SearchView.as_view(), name="search"),
    path("v1/sections/", views.SectionListView.as_view(), name="sections"),
    path("v1/sections/<str:slug>/", views.SectionDetailView.as_view(), name="section"),
    path("v1/sources/", views.SourceListView.as_view(), name="sources"),
    path("v1/sources/<str:slug>/", views.SourceDetailView.as_view(), name="source"),
    path("v1/authors/", views.AuthorListView.as_view(), name="authors"),
    path("v1/authors/<str:slug>/", views.AuthorDetailView.as_view(), name="author"),
    # Rate limited like the rest: the schema is generated afresh (~0.1 s) on every request.
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view loads its start-up script from a URL instead of inline, and our template
    # its styles from a file, so the page works under the site's Content-Security-Policy.
    path(
        "v1/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
    # Last: any other /api/ address is a JSON 404 for API clients, not the readers' HTML page.
    # Only addresses ending in a slash, so APPEND_SLASH still redirects "/api/v1/articles".
    re_path(r"^.*/$", views.not_found, name="not_found"),
]
