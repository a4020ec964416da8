import math
from dataclasses import dataclass
from itertools import groupby

from django.conf import settings
from django.db import connections, router
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from taggit.models import Tag

from authors.models import Author
from newsroom.text import loose_key
from sections.models import Section
from sources.models import Source

from . import related_cache
from .models import Article, Correction, TaggedArticle

# Related news: how much each shared trait counts. A shared tag counts its idf, ln(N/df):
# "هجين" on forty stories says more than "دير الزور" on forty thousand. A shared source
# and the section count less; the similarity of title and lead (Jaccard of their search
# terms) catches stories on one event that editors tagged differently.
SOURCE_WEIGHT = 1.0
SECTION_WEIGHT = 0.5
TEXT_WEIGHT = 4.0
# A candidate loses half its score for every HALF_LIFE_DAYS between its date and the
# article's: an old story's related news come from its own time, a new one's from the news.
HALF_LIFE_DAYS = 30
# Candidates are read off indexes around the article, never scanned: per shared tag and
# per shared source this many on each side of it (by id, which grows with time), and in the
# section this many on each side of its date. The best SHORTLIST by traits are then read
# whole and scored with their text.
TAG_WINDOW = 40
SOURCE_WINDOW = 20
SECTION_WINDOW = 20
SHORTLIST = 100
# Tag document frequencies move slowly: an hour-old count weighs a tag well enough.
IDF_TIMEOUT = 60 * 60
# The home page ranks only this many of the newest stories into its section blocks.
CANDIDATES = 500


@dataclass(frozen=True)
class Labels:
    """What an article's page shows around its text: its tags, the sources it cites, its
    bylines and its corrections, each in the order readers see them."""

    tags: list[Tag]
    sources: list[Source]
    authors: list[Author]
    corrections: list[Correction]


def article_labels(article: Article) -> Labels:
    """`article`'s labels in one query, two when it has corrections.

    Raw SQL, one UNION of three indexed lookups and a count: prefetching the four relations
    was four ORM queries and half of a built article page's time (7 of 16 ms at 100,000
    articles, bench/web.py --profile), mostly in building them. Each member numbers its
    rows in its model's order, so the page lists them as before.
    """
    connection = connections[router.db_for_read(Article)]
    q = connection.ops.quote_name
    tag, tagged = q(Tag._meta.db_table), q(TaggedArticle._meta.db_table)
    source, cites = q(Source._meta.db_table), q(Article.sources.through._meta.db_table)
    author, bylines = q(Author._meta.db_table), q(Article.authors.through._meta.db_table)
    correction = q(Correction._meta.db_table)
    # Tags in the order they were added; sources and bylines by name, as their models order.
    sql = f"""
        SELECT 'tag', t.id, t.name, t.slug, '', ROW_NUMBER() OVER (ORDER BY x.id)
          FROM {tag} t JOIN {tagged} x ON x.tag_id = t.id WHERE x.content_object_id = %s
        UNION ALL
        SELECT 'source', s.id, s.name, s.slug, s.kind, ROW_NUMBER() OVER (ORDER BY s.name, s.id)
          FROM {source} s JOIN {cites} x ON x.source_id = s.id WHERE x.article_id = %s
        UNION ALL
        SELECT 'author', a.id, a.name, a.slug, a.kind, ROW_NUMBER() OVER (ORDER BY a.name, a.id)
          FROM {author} a JOIN {bylines} x ON x.author_id = a.id WHERE x.article_id = %s
        UNION ALL
        SELECT 'corrections', COUNT(*), '', '', '', 0 FROM {correction} WHERE article_id = %s
    """
    found = {"tag": [], "source": [], "author": []}
    corrected = False
    with connection.cursor() as cursor:
        cursor.execute(sql, [article.pk] * 4)
        for kind, pk, name, slug, subkind, _position in sorted(cursor.fetchall(), key=lambda row: row[5]):
            if kind == "corrections":
                corrected = pk > 0
            else:
                found[kind].append({"id": pk, "name": name, "slug": slug, "kind": subkind})
    tags = [_loaded(Tag, connection.alias, row) for row in found["tag"]]
    sources = [_loaded(Source, connection.alias, row) for row in found["source"]]
    authors = [_loaded(Author, connection.alias, row) for row in found["author"]]
    corrections = list(article.corrections.all()) if corrected else []
    return Labels(tags, sources, authors, corrections)


def _loaded(model, alias: str, row: dict):
    """An instance as the ORM loads one (Model.from_db), with the fields of `row` that the model
    has and the others deferred: a template reading one gets it from the database, not a
    wrong default."""
    names = [field.attname for field in model._meta.concrete_fields if field.attname in row]
    return model.from_db(alias, names, [row[name] for name in names])


def related_articles(
    *, article: Article, limit: int | None = None, labels: Labels | None = None
) -> list[Article]:
    """Up to `limit` published articles for "أخبار متعلقة": the editor's picks first (newest
    first), then the best scored (see the weights above); never the article itself.

    Reads the article's tags and sources from `labels`, or prefetched on `article`. The
    ranked ids are cached (articles/related_cache.py); the cards are one query, read fresh.
    """
    limit = limit or settings.NEWSROOM_RELATED_LIMIT
    if labels is None:
        tags, sources = (
            [tag.pk for tag in article.tags.all()],
            [source.pk for source in article.sources.all()],
        )
    else:
        tags, sources = [tag.pk for tag in labels.tags], [source.pk for source in labels.sources]
    key = related_cache.list_key(article, limit, tags=tags, sources=sources)
    ids = related_cache.read([key]).get(key)
    if ids is None:
        ids = related_ids(article=article, limit=limit, tags=tags, sources=sources)
        related_cache.write({key: ids}, related_cache.TIMEOUT)
    cards = Article.objects.published().for_cards().in_bulk(ids)
    return [cards[pk] for pk in ids if pk in cards]


def related_ids(*, article: Article, limit: int, tags: list[int], sources: list[int]) -> list[int]:
    """The ranking itself, uncached, for `article` with those tag and source ids: two queries
    whatever the archive's size."""
    shared, idf, picked = _candidates(article, tags, sources)
    prescored = sorted(
        shared,
        key=lambda pk: (
            sum(idf[tag] for tag in shared[pk]["tag"]) + SOURCE_WEIGHT * len(shared[pk]["source"]),
            pk,
        ),
        reverse=True,
    )[:SHORTLIST]
    if not prescored and not picked:
        return []
    own_terms = _head_terms(article.search_head)
    picks, scored = [], []
    # The editor's picks come with the shortlist: the same query tells which are published.
    for pk, section_id, pub_date, head in (
        Article.objects.published()
        .filter(pk__in=[*picked, *prescored])
        .values_list("pk", "section_id", "pub_date", "search_head")
    ):
        if pk in picked:
            picks.append((pub_date, pk))
            continue
        score = (
            sum(idf[tag] for tag in shared[pk]["tag"])
            + SOURCE_WEIGHT * len(shared[pk]["source"])
            + (SECTION_WEIGHT if section_id == article.section_id else 0)
            + TEXT_WEIGHT * _jaccard(own_terms, _head_terms(head))
        )
        days = abs((pub_date - article.pub_date).total_seconds()) / 86400
        scored.append((score * 0.5 ** (days / HALF_LIFE_DAYS), pub_date, pk))
    picks = [pk for _, pk in sorted(picks, reverse=True)[:limit]]
    scored.sort(reverse=True)
    return picks + [pk for _, _, pk in scored[: limit - len(picks)]]


def _candidates(article: Article, tags: list[int], sources: list[int]):
    """Ids near the article sharing a tag, a source or the section, with which of its tags
    and sources each has; ln(1 + N/df) for each of its tags (N articles, df of them with the
    tag); and the editor's picks, whatever their status. One statement of LIMITed index range
    scans, whatever is cached. Raw SQL: the
    ORM cannot UNION sliced, ordered querysets. N and df move slowly, so they are cached for
    IDF_TIMEOUT: a popular tag and the archive are not counted again on every page."""
    # The reading database: a replica for readers (serving/routers.py), raw SQL or not.
    connection = connections[router.db_for_read(Article)]
    q = connection.ops.quote_name
    tagged, through = q(TaggedArticle._meta.db_table), q(Article.sources.through._meta.db_table)
    # `near`: the section's stories around the article's date; `candidates`: those and the
    # stories around it under each of its tags and sources.
    near, windows = [], []

    def around(
        table: str, id_column: str, where: str, value, pivot_column: str, pivot, window: int, into=windows
    ):
        for comparison, order in (("<=", "DESC"), (">", "ASC")):
            # Wrapped in a derived table: SQLite allows no ORDER BY/LIMIT on a bare UNION member.
            sql = (
                f"SELECT aid FROM (SELECT {q(id_column)} AS aid FROM {table} WHERE {q(where)} = %s"
                f" AND {q(pivot_column)} {comparison} %s ORDER BY {q(pivot_column)} {order} LIMIT {window}) w"
            )
            into.append((sql, [value, pivot]))

    for tag in tags:
        around(tagged, "content_object_id", "tag_id", tag, "content_object_id", article.pk, TAG_WINDOW)
    for source in sources:
        around(through, "article_id", "source_id", source, "article_id", article.pk, SOURCE_WINDOW)
    around(
        q(Article._meta.db_table),
        "id",
        "section_id",
        article.section_id,
        "pub_date",
        article.pub_date,
        SECTION_WINDOW,
        into=near,
    )
    cached = related_cache.read(["related:n", *(f"related:df:{tag}" for tag in tags)])
    uncounted = [tag for tag in tags if f"related:df:{tag}" not in cached]
    # A candidate from a tag's or a source's window shares that one, so it comes with a row of
    # what it shares; only the section's own need a row of their own.
    picks = Article._meta.get_field("related")
    members = [
        "SELECT aid, 'candidate', 0 FROM near",
        f"SELECT {q(picks.m2m_reverse_name())}, 'pick', 0 FROM {q(picks.m2m_db_table())}"
        f" WHERE {q(picks.m2m_column_name())} = %s",
    ]
    params = [value for _sql, values in [*near, *windows] for value in values] + [article.pk]

    def add_shared(kind: str, table: str, id_column: str, trait_column: str, values: list[int]) -> None:
        """Which of `values` each candidate has: one index probe per candidate. As a plain join,
        PostgreSQL hashed every article with one of the tags instead (34,000 rows for a popular
        tag, 7 ms of a 10 ms statement); a LATERAL subquery keeps it to the probes, and OFFSET 0
        keeps the planner from flattening it back into that join. SQLite probes anyway and has
        no LATERAL."""
        condition = f"{q(trait_column)} IN ({_placeholders(values)})"
        if connection.vendor == "postgresql":
            members.append(
                f"SELECT aid, '{kind}', trait FROM candidates CROSS JOIN LATERAL (SELECT {q(trait_column)}"
                f" AS trait FROM {table} WHERE {q(id_column)} = aid AND {condition} OFFSET 0) traits"
            )
        else:
            members.append(
                f"SELECT aid, '{kind}', {q(trait_column)} FROM candidates"
                f" JOIN {table} ON {q(id_column)} = aid WHERE {condition}"
            )
        params.extend(values)

    if tags:
        add_shared("tag", tagged, "content_object_id", "tag_id", tags)
    if sources:
        add_shared("source", through, "article_id", "source_id", sources)
    if uncounted:
        members.append(
            f"SELECT COUNT(*), 'df', tag_id FROM {tagged}"
            f" WHERE tag_id IN ({_placeholders(uncounted)}) GROUP BY tag_id"
        )
        params += uncounted
    if "related:n" not in cached:
        members.append(f"SELECT COUNT(*), 'n', 0 FROM {q(Article._meta.db_table)}")
    shared, picked = {}, set()
    counted = {f"related:df:{tag}": 0 for tag in uncounted}
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH near AS ({' UNION '.join(sql for sql, _values in near)}),"
            f" candidates AS ({' UNION '.join([*(sql for sql, _values in windows), 'SELECT aid FROM near'])})"
            f" {' UNION ALL '.join(members)}",
            params,
        )
        for value, kind, trait in cursor.fetchall():
            if kind == "candidate":
                shared.setdefault(value, {"tag": [], "source": []})
            elif kind == "pick":
                picked.add(value)
            elif kind == "n":
                counted["related:n"] = value
            elif kind == "df":
                counted[f"related:df:{trait}"] = value
            else:
                shared.setdefault(value, {"tag": [], "source": []})[kind].append(trait)
    if counted:
        related_cache.write(counted, IDF_TIMEOUT)
    counts = {**cached, **counted}
    total = max(counts["related:n"], 1)
    idf = {tag: math.log(1 + total / max(counts[f"related:df:{tag}"], 1)) for tag in tags}
    picked.discard(article.pk)
    for pk in {article.pk, *picked}:
        shared.pop(pk, None)
    return shared, idf, picked


def _head_terms(head: str) -> set[str]:
    # One- and two-letter terms are particles and stems too short to say what a story is about.
    return {term for term in head.split() if len(term) > 2}


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


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


def known_tag_names(names: list[str]) -> list[str]:
    """`names` with each that spells an existing tag another way replaced by that tag's name
    ("الرقه" or "الرقّة" → "الرقة"), and two spellings of one name typed together kept once.

    Reads every tag's name: it runs only when an editor types new tags, and a newsroom's
    tags number in the thousands.
    """
    if not names:
        return []
    existing = {}
    for name in Tag.objects.order_by("pk").values_list("name", flat=True).iterator():
        existing.setdefault(loose_key(name), name)
    chosen = {}
    for name in names:
        key = loose_key(name) or name
        chosen.setdefault(key, existing.get(key, name))
    return list(chosen.values())
