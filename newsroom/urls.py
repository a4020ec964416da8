from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from articles import presence
from articles.views import HomeView
from serving.views import healthz

admin.site.site_header = _("إدارة غرفة الأخبار")
admin.site.site_title = _("غرفة الأخبار")
admin.site.index_title = _("لوحة التحرير")

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("healthz/", healthz, name="healthz"),
    # Before the articles: /news/<pk>/comments/ would otherwise be read as a slug.
    path("", include("comments.urls")),
    path("", include("articles.urls")),
    path("section/", include("sections.urls")),
    path("source/", include("sources.urls")),
    path("author/", include("authors.urls")),
    path("", include("reach.urls")),
    path("search/", include("search.urls")),
    # The editorial pages live under the admin's address, wherever ADMIN_URL puts it.
    path(f"{settings.ADMIN_URL}editorial/", include("editorial.urls")),
    path(
        f"{settings.ADMIN_URL}articles/article/<int:pk>/presence/",
        presence.heartbeat,
        name="article_presence",
    ),
    path(settings.ADMIN_URL, admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
