"""Which text search configuration finds the right demo articles: PostgreSQL's `arabic`
(Snowball) or `simple`, both over the search key, and the site's own (the same Snowball
stemmer run in Python, newsroom.text.search_terms, under `simple`).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_dev   # demo loaded
    .venv/bin/python bench/search_judged.py

Prints, per query of tests/search_judged.py, relevant / found / correct for each.
"""

import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from articles.models import Article  # noqa: E402
from newsroom.text import contains_phrase, search_key  # noqa: E402
from search.index import plain_text  # noqa: E402
from search.query import parse  # noqa: E402
from search.selectors import search_articles  # noqa: E402
from tests.search_judged import JUDGED  # noqa: E402


def keyed_query(query: str) -> str:
    return re.sub(r'[^\s"-]+', lambda m: search_key(m.group()), query)


def main() -> None:
    articles = {a.pk: "\n".join([a.title, a.lead, plain_text(a.body)]) for a in Article.objects.published()}
    totals = {name: [0, 0] for name in ("arabic", "simple", "site")}
    relevant_total = 0
    print(f"{len(articles)} published demo articles\n")
    print(f"{'query':<16} rel | arabic f/ok | simple f/ok | site f/ok")
    for query, forms in JUDGED:
        relevant = {pk for pk, text in articles.items() if any(contains_phrase(text, f) for f in forms)}
        relevant_total += len(relevant)
        found = {}
        for config in ("arabic", "simple"):
            found[config] = set()
            with connection.cursor() as cursor:
                for pk, text in articles.items():
                    cursor.execute(
                        "SELECT to_tsvector(%s::regconfig, %s) @@ websearch_to_tsquery(%s::regconfig, %s)",
                        [config, search_key(text), config, keyed_query(query)],
                    )
                    if cursor.fetchone()[0]:
                        found[config].add(pk)
        found["site"] = set(
            search_articles(Article.objects.published(), parse(query)).values_list("pk", flat=True)
        )
        cells = []
        for name in ("arabic", "simple", "site"):
            correct = len(found[name] & relevant)
            totals[name][0] += len(found[name])
            totals[name][1] += correct
            cells.append(f"{len(found[name]):>6}/{correct:<4}")
        print(f"{query:<16} {len(relevant):>3} | " + " | ".join(cells))
    print()
    for name, (found, correct) in totals.items():
        print(
            f"{name:<7} found {found:>3}, correct {correct:>3} of {relevant_total} relevant:"
            f" recall {correct / relevant_total:.2f}, precision {correct / max(found, 1):.2f}"
        )


if __name__ == "__main__":
    main()
