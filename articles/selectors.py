import json
from itertools import groupby

from django.conf import settings
from django.db import connection
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from photos.models import Photo
from sections.models import Section

from .models import Article, TaggedArticle

# How much one shared trait counts towards "related": a shared tag says most about the
# story, a shared cited source a little less, the same section least.
TAG_WEIGHT = 3
SOURCE_WEIGHT = 2
SECTION_WEIGHT = 1
# Articles of the same section that share nothing else are considered only among the newest
# this many, so a big section does not turn every article page into a scan of the archive.
SECTION_CANDIDATES = 50
# How many of the best-scoring candidates are looked up to be filtered and ordered by date.
SHORTLIST = 200
CARD_PHOTO_COLUMNS = ("image", "width", "height", "alt_text", "renditions")
# The home page ranks only this many of the newest stories into its section blocks.
CANDIDATES = 500


def related_articles(*, article: Article, limit: int | None = None) -> list[Article]:
    """Up to `limit` published articles for "أخبار متعلقة": the editor's picks first, then
    the most relevant by shared tags, cited sources and section, newest first on a tie.

    Expects `article` with its tags and sources prefetched; runs two queries whatever the
    number of tags, sources or picks.
    """
    limit = limit or settings.NEWSROOM_RELATED_LIMIT
    picks = list(article.related.published().exclude(pk=article.pk).for_cards().order_by("-pub_date")[:limit])
    wanted = limit - len(picks)
    if wanted <= 0:
        return picks
    return picks + list(_ranked_by_shared_traits(article, exclude=[pick.pk for pick in picks], limit=wanted))


def _ranked_by_shared_traits(article: Article, *, exclude: list[int], limit: int):
    """The scoring in one statement: rows of the tag and source link tables that match the
    article's own are summed per article, so the work grows with how many articles share a
    tag, not with the archive (scoring every candidate with correlated subqueries took 40 ms
    on 20,000 articles, bench/pages.py). Raw SQL because the ORM cannot group over a UNION."""
    q = connection.ops.quote_name
    public = list(Article.PUBLIC_STATUSES)
    now = timezone.now()
    marks = _placeholders(public)
    members, params = [], []
    links = [
        (TaggedArticle, "content_object_id", "tag_id", [tag.pk for tag in article.tags.all()], TAG_WEIGHT),
        (
            Article.sources.through,
            "article_id",
            "source_id",
            [source.pk for source in article.sources.all()],
            SOURCE_WEIGHT,
        ),
    ]
    for link, article_column, trait_column, ids, weight in links:
        if ids:
            members.append(
                f"SELECT {q(article_column)} AS aid, {weight} AS w FROM {q(link._meta.db_table)}"
                f" WHERE {q(trait_column)} IN ({_placeholders(ids)})"
            )
            params += ids
    # Wrapped in a derived table: SQLite allows no ORDER BY/LIMIT on a bare UNION member.
    members.append(
        f"SELECT aid, 0 AS w FROM (SELECT {q('id')} AS aid FROM {q(Article._meta.db_table)}"
        f" WHERE {q('section_id')} = %s AND {q('status')} IN ({marks}) AND {q('pub_date')} <= %s"
        f" ORDER BY {q('pub_date')} DESC LIMIT {SECTION_CANDIDATES}) recent"
    )
    params += [article.section_id, *public, now]

    excluded = [article.pk, *exclude]
    card_columns = ", ".join(
        f"a.{q(column)}"
        for column in (
            "id",
            "title",
            "slug",
            "lead",
            "pub_date",
            "featured_photo_id",
            "photo_is_graphic",
            "section_id",
        )
    )
    # The card's photo in the same statement: raw() cannot select_related.
    card_columns += "".join(f", p.{q(name)} AS {q('photo_' + name)}" for name in CARD_PHOTO_COLUMNS)
    # Summed per article and shortlisted before the join, so only the best candidates are looked
    # up by key (ids grow with time: the newest win a tie until the join orders by date).
    sql = (
        f"SELECT {card_columns}, shared.score"
        f" + CASE WHEN a.{q('section_id')} = %s THEN {SECTION_WEIGHT} ELSE 0 END AS score"
        f" FROM (SELECT aid, SUM(w) AS score FROM ({' UNION ALL '.join(members)}) links"
        f" GROUP BY aid ORDER BY score DESC, aid DESC LIMIT {SHORTLIST}) shared"
        f" JOIN {q(Article._meta.db_table)} a ON a.{q('id')} = shared.aid"
        f" LEFT JOIN {q(Photo._meta.db_table)} p ON p.{q('id')} = a.{q('featured_photo_id')}"
        f" WHERE a.{q('status')} IN ({marks}) AND a.{q('pub_date')} <= %s"
        f" AND a.{q('id')} NOT IN ({_placeholders(excluded)})"
        f" ORDER BY score DESC, a.{q('pub_date')} DESC, a.{q('id')} DESC LIMIT %s"
    )
    params = [article.section_id, *params, *public, now, *excluded, limit]
    articles = list(Article.objects.raw(sql, params))
    for card in articles:
        card.featured_photo = _card_photo(card)
    return articles


def _card_photo(card: Article) -> Photo | None:
    if card.featured_photo_id is None:
        return None
    values = {name: getattr(card, f"photo_{name}") for name in CARD_PHOTO_COLUMNS}
    if isinstance(values["renditions"], str):  # raw() hands JSON over undecoded
        values["renditions"] = json.loads(values["renditions"])
    return Photo(id=card.featured_photo_id, **values)


def _placeholders(values: list) -> str:
    return ", ".join(["%s"] * len(values))


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
