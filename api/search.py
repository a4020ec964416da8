"""The API's search: the search app's parser and ranking over published articles, so the
endpoint finds what /search/ finds (Arabic spellings folded, stems, "phrases", or, -minus)."""

from django.db.models import QuerySet

from articles.models import Article
from search.query import parse
from search.selectors import search_articles as ranked_matches


def search_articles(*, query: str) -> QuerySet[Article]:
    """Published articles matching `query`, most relevant first (newest first on a tie)."""
    return ranked_matches(Article.objects.published(), parse(query))
