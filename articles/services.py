from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from newsroom.text import arabic_slugify, contains_phrase
from sections.models import Section
from sources.models import Source

from .importer import ParsedArticle
from .models import Article


def _section_named(name: str) -> Section:
    section = Section.objects.filter(name=name).first()
    if section is not None:
        return section
    slug = arabic_slugify(name, max_length=Section._meta.get_field("slug").max_length)
    if not slug:
        # A section page needs a non-empty URL part.
        raise ValidationError({"section": f"the section name {name!r} has no letters or digits"})
    # A name that differs only in punctuation or spacing ("من سوريا.") is the same section;
    # creating it again would break the unique slug.
    section = Section.objects.filter(slug=slug).first()
    if section is None:
        section = Section(name=name, slug=slug)
        section.full_clean()
        section.save()
    return section


def cited_sources(text: str) -> list[Source]:
    """The known sources whose name (or alias) stands as a whole word in `text`."""
    return [
        source for source in Source.objects.all() if any(contains_phrase(text, name) for name in source.names)
    ]


@transaction.atomic
def article_import(*, parsed: ParsedArticle, key: str) -> tuple[Article, bool]:
    """Create or update the article imported under `key`; returns it and whether it is new.

    A re-import refreshes the text but keeps what editors decided since: an article they
    unpublished stays unpublished, and sources, tags and picks they added stay.
    """
    article = Article.objects.filter(import_key=key).first()
    created = article is None
    if created:
        article = Article(import_key=key, status=Article.Status.PUBLISHED)
    article.title = parsed.title
    article.slug = arabic_slugify(parsed.title, max_length=250) or "خبر"
    article.lead = parsed.lead
    article.body = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in parsed.paragraphs)
    article.pub_date = timezone.make_aware(datetime.combine(parsed.pub_date, time.min))
    article.section = _section_named(parsed.section_name)
    article.last_edited_by = None  # the importer, not the last person who saved it
    article.full_clean()
    article.save()
    photo = article.featured_photo
    if photo is not None and not photo.caption:
        # The text names the photo it was published with; the file itself never comes along,
        # so the caption waits for a photo an editor attaches, and never overwrites theirs.
        photo.caption = parsed.caption
        photo.save(update_fields=["caption", "search_key", "updated"])
    article.sources.add(*cited_sources("\n".join(parsed.paragraphs)))
    if parsed.related_titles:
        article.related.add(*Article.objects.filter(title__in=parsed.related_titles).exclude(pk=article.pk))
    return article, created
