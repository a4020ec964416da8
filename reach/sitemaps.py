"""sitemap.xml: an index over articles, sections, tags, sources and authors, plus the Google
News sitemap of the last two days. Public rows only, in pages of bounded size, each page a
fixed number of queries whatever the archive's size."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, Max, OuterRef, Subquery
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article
from authors.models import Author
from sections.models import Section
from sources.models import Source

from .site import configured_root


class SiteSitemap(Sitemap):
    """Locations on NEWSROOM_BASE_URL when it is set (reach.site), else on the request's host."""

    limit = settings.NEWSROOM_SITEMAP_LIMIT

    def get_protocol(self, protocol=None):
        root = configured_root()
        return root[0] if root else super().get_protocol(protocol)

    def get_domain(self, site=None):
        root = configured_root()
        return root[1] if root else super().get_domain(site)


class ArticleSitemap(SiteSitemap):
    def items(self):
        # Oldest first: a page, once full, never changes again, so crawlers and caches can
        # keep it; only the last page grows. Plain rows, not models: building thousands of
        # Article instances took most of a page's time.
        return (
            Article.objects.published().values("pk", "slug", "pub_date", "updated").order_by("pub_date", "pk")
        )

    def location(self, row):
        return reverse("articles:detail", kwargs={"pk": row["pk"], "slug": row["slug"]})

    def lastmod(self, row):
        return max(row["updated"], row["pub_date"])

    def get_latest_lastmod(self):
        # One aggregate instead of Django's default, which would load every article.
        latest = Article.objects.published().aggregate(latest=Max(Greatest("updated", "pub_date")))
        return latest["latest"]


class SectionSitemap(SiteSitemap):
    def items(self):
        """Shown sections whose page lists a published article: their own, or a sub-section's
        (a section's page holds both). Sections are few; each newest article is one index
        lookup on (section, pub_date)."""
        newest = Article.objects.published().filter(section=OuterRef("pk")).order_by("-pub_date")
        sections = list(Section.objects.annotate(own=Subquery(newest.values("pub_date")[:1])).order_by("pk"))
        by_pk = {section.pk: section for section in sections}
        for section in sections:
            section.latest = section.own
        for section in sections:
            parent = by_pk.get(section.parent_id)
            if parent is not None and section.own and (parent.latest is None or section.own > parent.latest):
                parent.latest = section.own
        return [section for section in sections if section.is_active and section.latest]

    def lastmod(self, section):
        return section.latest


def _cited(queryset, link: str):
    """Only rows some published article links to through `link`: an empty list page is
    nothing to crawl."""
    cited = Article.objects.published().filter(**{link: OuterRef("pk")})
    return queryset.filter(Exists(cited)).order_by("pk")


class TagSitemap(SiteSitemap):
    def items(self):
        # taggit leaves a tag of punctuation alone without a slug, and so without a page.
        return _cited(Tag.objects.exclude(slug="").only("slug"), "tagged_items__tag")

    def location(self, tag):
        return reverse("articles:tag", kwargs={"slug": tag.slug})


class SourceSitemap(SiteSitemap):
    def items(self):
        return _cited(Source.objects.only("slug"), "sources")


class AuthorSitemap(SiteSitemap):
    def items(self):
        return _cited(Author.objects.only("slug"), "authors")


class NewsSitemap(SiteSitemap):
    """Google News: articles published in the last two days, newest first, at most 1,000
    (Google's limits), with their title and publication time."""

    limit = 1000
    window = timedelta(hours=48)

    def items(self):
        since = timezone.now() - self.window
        return (
            Article.objects.published()
            .filter(pub_date__gte=since)
            .only("title", "slug", "pub_date")
            .order_by("-pub_date", "-pk")[: self.limit]
        )


SITEMAPS = {
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "sources": SourceSitemap,
    "authors": AuthorSitemap,
    "news": NewsSitemap,
}
