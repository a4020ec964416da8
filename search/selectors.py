from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connections, router
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import StrIndex, Substr

from .index import CONFIG
from .query import Part, Query

# SQLite's simpler ranking: a term in the title counts most, then the lead, then the body.
_TITLE, _LEAD, _BODY = 3, 2, 1
# How many of the newest matches are ranked; one more is read to tell "more than this".
RANKED = 200


def search_articles(queryset: QuerySet, query: Query) -> QuerySet:
    """`queryset` narrowed to the articles matching `query`, most relevant first (newest first
    on a tie), with a `rank` annotation. An empty query matches nothing.

    Only the newest RANKED matches are ranked (and counted): a common word matches most of the
    archive, and ranking 75,000 rows took 0.85 s at 100,000 articles (bench/search.py); 501
    took 50 ms. The newest matches are read straight off the pub_date index; a reader wanting
    older news narrows the dates. Runs the query for those ids at once.
    """
    if not query:
        return queryset.none()
    matching, ranked = _matching(queryset, query)
    # Read once, here: as a subquery PostgreSQL ran it twice, for the count and for the page.
    newest = list(matching.order_by("-pub_date", "-pk").values_list("pk", flat=True)[: RANKED + 1])
    return ranked.filter(pk__in=newest).order_by("-rank", "-pub_date", "-pk")


def ranked_ids(queryset: QuerySet, query: Query) -> list[int]:
    """The ids of search_articles(queryset, query), in its order, from one statement that finds
    the newest matches and ranks them. A results page counts them and takes its page from this
    list: the queryset took three queries (the ids, the count, and the page, which ranked every
    match again to sort them)."""
    if not query:
        return []
    matching, ranked = _matching(queryset, query)
    newest = matching.order_by("-pub_date", "-pk").values("pk")[: RANKED + 1]
    return list(
        ranked.filter(pk__in=newest).order_by("-rank", "-pub_date", "-pk").values_list("pk", flat=True)
    )


def _matching(queryset: QuerySet, query: Query) -> tuple[QuerySet, QuerySet]:
    """`queryset` narrowed to the matches, and `queryset` annotated with each article's rank."""
    vendor = connections[queryset.db or router.db_for_read(queryset.model)].vendor
    if vendor == "postgresql":
        tsquery = SearchQuery(query.websearch(), config=CONFIG, search_type="websearch")
        return (
            queryset.filter(search_vector=tsquery),
            queryset.annotate(rank=SearchRank(F("search_vector"), tsquery)),
        )
    title = Substr("search_head", 1, StrIndex("search_head", Value("\n")))
    return (
        queryset.filter(_like_condition(query)),
        queryset.annotate(search_title=title).annotate(rank=_like_rank(query)),
    )


def _contains(part: Part, field: str) -> Q:
    # Terms are letters and digits only (newsroom.text), so nothing in them needs escaping for LIKE.
    return Q(**{f"{field}__contains": f" {' '.join(part.terms)} "})


def _anywhere(part: Part) -> Q:
    return _contains(part, "search_head") | _contains(part, "search_body")


def _like_condition(query: Query) -> Q:
    """SQLite: the same terms, found as whole words in the stored term text."""
    condition = Q()
    for group in query.groups:
        either = Q()
        for part in group:
            either |= _anywhere(part)
        condition &= either
    for part in query.excluded:
        condition &= ~_anywhere(part)
    return condition


def _like_rank(query: Query):
    parts = [part for group in query.groups for part in group]
    return sum(
        (
            Case(
                When(_contains(part, "search_title"), then=Value(_TITLE)),
                When(_contains(part, "search_head"), then=Value(_LEAD)),
                When(_contains(part, "search_body"), then=Value(_BODY)),
                default=Value(0),
                output_field=IntegerField(),
            )
            for part in parts
        ),
        Value(0),
    )
