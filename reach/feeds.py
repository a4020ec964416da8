"""RSS 2.0 and Atom feeds of the latest news, and of each section, tag, source and author.

Each feed runs three queries whatever its length: the articles with their sections, then
their tags and their bylines. Photos are measured through reach.photos, from the cache.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.translation import gettext as _
from taggit.models import Tag

from articles.models import CARD_PHOTO_FIELDS, Article
from authors.models import Author
from sections.models import Section
from sources.models import Source

from .photos import share_photo
from .site import absolute_url

# RSS leaves open whether a title is text or HTML and many readers render it as HTML, so
# markup characters are escaped there; quotes are not, or a reader that shows text would
# print &quot; in every headline that quotes someone. Atom titles are text by definition.
_RSS_TITLE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


class ArticleFeed(Feed):
    """The latest published articles; subclasses narrow them to one section, tag, source or
    author. A new instance serves each request (as_view), since the links it builds need that
    request and the URL configuration's instance is shared between threads."""

    language = "ar"
    ttl = 15  # minutes: how often RSS readers may come back

    @classmethod
    def as_view(cls, feed_type=Rss201rev2Feed):
        def view(request, *args, **kwargs):
            feed = cls()
            feed.feed_type = feed_type
            feed.request = request
            return feed(request, *args, **kwargs)

        return view

    def articles(self, obj):
        return Article.objects.published()

    def page_url(self, obj) -> str:
        return reverse("articles:latest")

    def title(self, obj):
        return _("%(site)s: آخر الأخبار") % {"site": settings.NEWSROOM_SITE_NAME}

    def description(self, obj):
        return _("آخر ما نشره موقع %(site)s") % {"site": settings.NEWSROOM_SITE_NAME}

    def subtitle(self, obj):
        return self.description(obj)

    def author_name(self, obj):
        # Atom wants an author for every entry: stories without a byline are the newsroom's.
        return settings.NEWSROOM_SITE_NAME

    def link(self, obj):
        return absolute_url(self.request, self.page_url(obj))

    def feed_url(self, obj):
        return absolute_url(self.request, self.request.path)

    def items(self, obj):
        return (
            self.articles(obj)
            .select_related("section", "featured_photo")
            .only(
                "title",
                "slug",
                "lead",
                "pub_date",
                "updated",
                "photo_is_graphic",
                "section__name",
                *CARD_PHOTO_FIELDS,
            )
            .prefetch_related("tags", Prefetch("authors", queryset=Author.objects.only("name")))
            .order_by("-pub_date", "-pk")[: settings.NEWSROOM_FEED_ITEMS]
        )

    def item_title(self, item):
        return item.title.translate(_RSS_TITLE) if self.feed_type is Rss201rev2Feed else item.title

    def item_description(self, item):
        return item.lead

    def item_link(self, item):
        return absolute_url(self.request, item.get_absolute_url())

    def item_pubdate(self, item):
        return item.pub_date

    def item_updateddate(self, item):
        # Saved before a scheduled story went out is no update to its readers.
        return max(item.updated, item.pub_date)

    def item_author_name(self, item):
        # The public byline only: Author.real_name never leaves the newsroom.
        return "، ".join(author.name for author in item.authors.all()) or None

    def item_categories(self, item):
        # Sorted: the tags' prefetch has no order, and a feed should not reshuffle on each fetch.
        return [item.section.name, *sorted(tag.name for tag in item.tags.all())]

    def item_enclosures(self, item):
        photo = share_photo(item)
        if photo is None:
            return []
        return [Enclosure(absolute_url(self.request, photo.url), str(photo.length), photo.mime_type)]


class SectionFeed(ArticleFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def articles(self, section):
        # As on the section's page: its own articles and its sub-sections'.
        return super().articles(section).filter(Q(section=section) | Q(section__parent=section))

    def page_url(self, section):
        return section.get_absolute_url()

    def title(self, section):
        return f"{settings.NEWSROOM_SITE_NAME}: {section.name}"

    def description(self, section):
        return section.description or _("آخر أخبار قسم %(name)s") % {"name": section.name}


class TagFeed(ArticleFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def articles(self, tag):
        return super().articles(tag).filter(tagged_items__tag=tag)

    def page_url(self, tag):
        return reverse("articles:tag", kwargs={"slug": tag.slug})

    def title(self, tag):
        return _("%(site)s: وسم %(name)s") % {"site": settings.NEWSROOM_SITE_NAME, "name": tag.name}

    def description(self, tag):
        return _("آخر الأخبار الموسومة «%(name)s»") % {"name": tag.name}


class SourceFeed(ArticleFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Source, slug=slug)

    def articles(self, source):
        return super().articles(source).filter(sources=source)

    def page_url(self, source):
        return source.get_absolute_url()

    def title(self, source):
        return _("%(site)s: أخبار تستند إلى %(name)s") % {
            "site": settings.NEWSROOM_SITE_NAME,
            "name": source.name,
        }

    def description(self, source):
        return source.note or self.title(source)


class AuthorFeed(ArticleFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def articles(self, author):
        return super().articles(author).filter(authors=author)

    def page_url(self, author):
        return author.get_absolute_url()

    def title(self, author):
        return f"{settings.NEWSROOM_SITE_NAME}: {author.name}"

    def description(self, author):
        return author.bio or _("آخر ما كتبه %(name)s") % {"name": author.name}


FEEDS = {
    "latest": ArticleFeed,
    "section": SectionFeed,
    "tag": TagFeed,
    "source": SourceFeed,
    "author": AuthorFeed,
}
FORMATS = {"rss": Rss201rev2Feed, "atom": Atom1Feed}
