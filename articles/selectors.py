from itertools import groupby

from django.conf import settings
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber

from sections.models import Section

from .models import Article, TaggedArticle

# How much one shared trait counts towards "related": a shared tag says most about the
# story, a shared cited source a little less, the same section least.
TAG_WEIGHT = 3
SOURCE_WEIGHT = 2
SECTION_WEIGHT = 1
# How many of the newest articles sharing one trait are considered; see related_articles().
CANDIDATES = 500


def _shared_count(queryset, key: str):
    """Per candidate article: how many rows of `queryset` (tags or sources) it shares."""
    return Coalesce(
        Subquery(
            queryset.filter(**{key: OuterRef("pk")})
            .order_by()
            .values(key)
            .annotate(n=Count("*"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def related_articles(*, article: Article, limit: int | None = None) -> list[Article]:
    """Up to `limit` published articles for "أخبار متعلقة": the editor's picks first, then
    the most relevant by shared tags, cited sources and section, newest first on a tie.

    Expects `article` with its tags and sources prefetched; runs two queries whatever the
    number of tags, sources or picks. Only the newest CANDIDATES articles sharing each trait
    are scored, so the cost stays flat as the archive and its popular tags grow.
    """
    limit = limit or settings.NEWSROOM_RELATED_LIMIT
    picks = list(article.related.published().exclude(pk=article.pk).for_cards().order_by("-pub_date")[:limit])
    wanted = limit - len(picks)
    if wanted <= 0:
        return picks

    tag_ids = [tag.pk for tag in article.tags.all()]
    source_ids = [source.pk for source in article.sources.all()]
    same_section = Article.objects.published().filter(section_id=article.section_id)
    pool = Q(pk__in=same_section.order_by("-pub_date").values("pk")[:CANDIDATES])
    score = Case(When(section_id=article.section_id, then=Value(SECTION_WEIGHT)), default=Value(0))
    candidates = Article.objects.published()
    if tag_ids:
        tagged = TaggedArticle.objects.filter(tag_id__in=tag_ids)
        pool |= Q(pk__in=tagged.order_by("-content_object_id").values("content_object_id")[:CANDIDATES])
        candidates = candidates.annotate(shared_tags=_shared_count(tagged, "content_object_id"))
        score += F("shared_tags") * TAG_WEIGHT
    if source_ids:
        cited = Article.sources.through.objects.filter(source_id__in=source_ids)
        pool |= Q(pk__in=cited.order_by("-article_id").values("article_id")[:CANDIDATES])
        candidates = candidates.annotate(shared_sources=_shared_count(cited, "article_id"))
        score += F("shared_sources") * SOURCE_WEIGHT

    rest = (
        candidates.filter(pool)
        .exclude(pk__in=[article.pk, *(pick.pk for pick in picks)])
        .annotate(score=score)
        .order_by("-score", "-pub_date")
        .for_cards()[:wanted]
    )
    return picks + list(rest)


def section_blocks(*, per_section: int = 4, exclude: list[int] = ()) -> list[tuple[Section, list[Article]]]:
    """The newest `per_section` articles of every active section, in menu order, in one query.

    Only the newest CANDIDATES stories are ranked, so the home page does not sort the whole
    archive; a section with nothing among them has no block, as it has no recent news.
    """
    recent = Article.objects.published().order_by("-pub_date").values("pk")[:CANDIDATES]
    ranked = (
        Article.objects.filter(pk__in=recent, section__is_active=True)
        .exclude(pk__in=exclude)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("section_id"),
                order_by=[F("pub_date").desc(), F("pk").desc()],
            )
        )
        .filter(rank__lte=per_section)
        .for_cards()
        .order_by("section__menu_order", "section__name", "-pub_date", "-pk")
    )
    return [(section, list(items)) for section, items in groupby(ranked, key=lambda a: a.section)]
