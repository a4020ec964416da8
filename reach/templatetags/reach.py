from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.encoding import escape_uri_path, uri_to_iri
from django.utils.translation import gettext as _
from taggit.models import Tag

from authors.models import Author
from sections.models import Section
from sources.models import Source

from .. import seo
from ..site import absolute_url

register = template.Library()

# Which feeds a list page offers, by what the page lists.
FEED_KINDS = {Section: "section", Tag: "tag", Source: "source", Author: "author"}


@register.inclusion_tag("reach/article_meta.html", takes_context=True)
def article_meta(context, article, labels):
    """{% article_meta article labels %} in the <head> of a published article's page."""
    return {**seo.article_meta(context["request"], article, labels), "site_name": settings.NEWSROOM_SITE_NAME}


@register.inclusion_tag("reach/page_meta.html", takes_context=True)
def page_meta(context, subject=None, title=""):
    """{% page_meta section %} in the <head> of a list page: canonical address, link preview
    basics and the feeds of what it lists; {% page_meta title="…" %} for the latest news, no
    argument for the home page."""
    request = context["request"]
    page = context.get("page_obj")
    # Each page of a list is a page of its own to search engines, so it is its own canonical.
    path = escape_uri_path(request.path) + (f"?page={page.number}" if page and page.number > 1 else "")
    kind = FEED_KINDS.get(type(subject), "latest")
    kwargs = {"slug": subject.slug} if subject is not None else {}
    description = (
        getattr(subject, "description", "")
        or getattr(subject, "note", "")
        or getattr(subject, "bio", "")
        or _("%(site)s: أخبار سوريا والمنطقة") % {"site": settings.NEWSROOM_SITE_NAME}
    )
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        "title": title or (str(subject) if subject is not None else settings.NEWSROOM_SITE_NAME),
        "description": description,
        "canonical": absolute_url(request, path),
        "image": seo.logo_url(request),
        "rss": absolute_url(request, reverse(f"reach:{kind}_rss", kwargs=kwargs)),
        "atom": absolute_url(request, reverse(f"reach:{kind}_atom", kwargs=kwargs)),
    }


@register.inclusion_tag("reach/share.html", takes_context=True)
def share_links(context, article):
    """{% share_links article %}: share links, and the address a printed copy shows."""
    request = context["request"]
    return {
        "links": seo.share_links(request, article),
        # Printed for people to read (and type): Arabic letters, not percent-escapes.
        "printed_url": uri_to_iri(absolute_url(request, article.get_absolute_url())),
    }
