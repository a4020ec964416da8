from django.contrib.sitemaps import views as sitemap_views
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from .site import absolute_url
from .sitemaps import SITEMAPS

# Sitemaps and feeds are kept by the page cache (PAGE_CACHE_VIEWS), which drops them whenever
# a public story changes: a story taken down leaves them at once.


@require_GET
@sitemap_views.x_robots_tag
def sitemap_index(request):
    """Django's index view, but naming the sitemaps on NEWSROOM_BASE_URL (reach.site) like
    everything they list: Django's own uses the request's host."""
    entries = []
    for section, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        location = absolute_url(request, reverse("reach:sitemap", kwargs={"section": section}))
        lastmod = sitemap.get_latest_lastmod()
        entries.append(sitemap_views.SitemapIndexItem(location, lastmod))
        entries += [
            sitemap_views.SitemapIndexItem(f"{location}?p={page}", lastmod)
            for page in range(2, sitemap.paginator.num_pages + 1)
        ]
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )


@require_GET
def sitemap_section(request, section):
    if section == "news":
        return _render_sitemap(request, section, template_name="reach/news_sitemap.xml")
    return _render_sitemap(request, section)


# Leaner than Django's own sitemap.xml (no alternates, priorities or change frequencies, which
# these sitemaps do not use) and with lastmod as a full time: rendering took most of a page's time.
def _render_sitemap(request, section, template_name="reach/sitemap.xml"):
    return sitemap_views.sitemap(request, sitemaps=SITEMAPS, section=section, template_name=template_name)


@require_GET
def robots_txt(request):
    return TemplateResponse(
        request,
        "reach/robots.txt",
        {
            "sitemap_url": absolute_url(request, reverse("reach:sitemap_index")),
            # The folder every preview lives under (the login wall answers crawlers there
            # anyway; this spares the requests). Not the admin: ADMIN_URL may be kept private,
            # and robots.txt is the first file anyone probing a site reads.
            "disallowed": [reverse("articles:preview", kwargs={"pk": 0}).removesuffix("0/")],
        },
        content_type="text/plain; charset=utf-8",
    )
