"""What search engines and link previews read about a page: canonical address, Open Graph,
Twitter card and schema.org JSON-LD, all on the site's public address (reach.site)."""

import json
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from authors.models import Author

from .photos import share_photo
from .site import absolute_url

# Inside <script> only "</script>" (or "<!--") can end the block early; escaping <, > and &
# as JSON unicode escapes keeps any headline from breaking out. Django's json_script does
# the same, but writes type="application/json", which search engines do not read.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"})


def json_ld(data: dict) -> SafeString:
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_SAFE)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def _w3c(moment) -> str:
    # On the site's clock, as the page's <time> elements, and without microseconds.
    return timezone.localtime(moment).isoformat(timespec="seconds")


def logo_url(request) -> str:
    return absolute_url(request, static(settings.NEWSROOM_LOGO))


def publisher(request) -> dict:
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.NEWSROOM_SITE_NAME,
        "url": absolute_url(request, "/"),
        "logo": {"@type": "ImageObject", "url": logo_url(request)},
    }


def _byline(request, author: Author) -> dict:
    # A desk speaks for the newsroom, not for a person; a pseudonym is a person's public name.
    # Author.real_name never leaves the newsroom.
    kind = "Organization" if author.kind == Author.Kind.DESK else "Person"
    return {"@type": kind, "name": author.name, "url": absolute_url(request, author.get_absolute_url())}


def article_meta(request, article, labels) -> dict:
    """The context of reach/article_meta.html, from the article with its section loaded and
    its labels (articles.selectors.article_labels), as ArticleDetailView has them: no queries."""
    canonical = absolute_url(request, article.get_absolute_url())
    photo = share_photo(article)
    image = absolute_url(request, photo.url) if photo else logo_url(request)
    modified = max(article.updated, article.pub_date)
    authors = labels.authors
    tags = [tag.name for tag in labels.tags]
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.lead,
        "datePublished": _w3c(article.pub_date),
        "dateModified": _w3c(modified),
        "author": [_byline(request, author) for author in authors] or publisher(request),
        "articleSection": article.section.name,
        "keywords": tags,
        "inLanguage": "ar",
        "image": [image],
        "publisher": publisher(request),
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        "url": canonical,
    }
    return {
        "article": article,
        "canonical": canonical,
        "photo": photo,
        "image": image,
        "modified": modified,
        "authors": [absolute_url(request, author.get_absolute_url()) for author in authors],
        "tags": tags,
        "json_ld": json_ld(data),
    }


def share_links(request, article) -> list[tuple[str, str, str]]:
    """(css name, visible name, URL) of each share link: plain links to each service's own
    share page, so no third-party script ever loads on our pages."""
    url = absolute_url(request, article.get_absolute_url())
    title = article.title

    def query(**params):
        return urlencode(params, quote_via=quote)

    return [
        ("whatsapp", _("واتساب"), f"https://wa.me/?{query(text=f'{title} {url}')}"),
        ("telegram", _("تيليغرام"), f"https://t.me/share/url?{query(url=url, text=title)}"),
        ("facebook", _("فيسبوك"), f"https://www.facebook.com/sharer/sharer.php?{query(u=url)}"),
        ("x", _("إكس"), f"https://x.com/intent/post?{query(text=title, url=url)}"),
    ]
