from django.urls import path

from . import views
from .feeds import FEEDS, FORMATS

app_name = "reach"

# /feeds/rss/, /feeds/atom/, /feeds/section/<slug>/rss/ …: named "latest_rss", "section_atom" ….
urlpatterns = [
    path(
        f"feeds/{fmt}/" if kind == "latest" else f"feeds/{kind}/<str:slug>/{fmt}/",
        feed.as_view(feed_type),
        name=f"{kind}_{fmt}",
    )
    for kind, feed in FEEDS.items()
    for fmt, feed_type in FORMATS.items()
]
urlpatterns += [
    path("sitemap.xml", views.sitemap_index, name="sitemap_index"),
    path("sitemap-<str:section>.xml", views.sitemap_section, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
]
