"""What an article stores to be found: its text as search terms (newsroom.text.search_terms).

PostgreSQL keeps the terms in a weighted tsvector (title A, lead B, body C) under the
`simple` configuration: the terms are already folded and stemmed by the Snowball Arabic
stemmer, the algorithm of PostgreSQL's own `arabic` configuration, so both databases index,
query and highlight exactly the same terms. SQLite keeps them as padded text for LIKE.
"""

import html

from django.contrib.postgres.search import SearchVector
from django.db.models import Value
from django.utils.html import strip_tags

from newsroom.text import search_terms

# The configuration that only lower-cases and splits: the words are search terms already.
CONFIG = "simple"


def plain_text(body_html: str) -> str:
    # Unescaped so "&quot;" does not become a word "quot".
    return html.unescape(strip_tags(body_html))


def padded(terms: list[str]) -> str:
    """Terms between single spaces, with one at each end, so "% term %" finds whole terms."""
    return f" {' '.join(terms)} " if terms else ""


def index_fields(*, title: str, lead: str, body_html: str, vendor: str) -> dict:
    """Field values for Article's search columns, for a database of `vendor`."""
    title_terms, lead_terms = search_terms(title), search_terms(lead)
    body_terms = search_terms(plain_text(body_html))
    # The newline keeps the title's terms apart, for SQLite to rank a title match first.
    head = f"{padded(title_terms)}\n{padded(lead_terms)}"
    if vendor == "postgresql":
        vector = (
            SearchVector(Value(" ".join(title_terms)), config=CONFIG, weight="A")
            + SearchVector(Value(" ".join(lead_terms)), config=CONFIG, weight="B")
            + SearchVector(Value(" ".join(body_terms)), config=CONFIG, weight="C")
        )
        return {"search_head": head, "search_body": "", "search_vector": vector}
    return {"search_head": head, "search_body": padded(body_terms), "search_vector": None}
