"""Time the public pages and count their queries on a large synthetic archive.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench
    .venv/bin/python bench/pages.py [--articles 20000] [--runs 50]

Without DATABASE_URL it uses a throw-away SQLite file. The database named in DATABASE_URL is
wiped and refilled. Each page is fetched once to warm up, then timed over --runs requests
through Django's test client (no network, no static files): the median and the 95th
percentile are printed, with the number of SQL queries of one request.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from corpus import build  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from taggit.models import Tag  # noqa: E402

from articles.models import Article  # noqa: E402
from articles.selectors import related_articles  # noqa: E402
from authors.models import Author  # noqa: E402
from sections.models import Section  # noqa: E402
from sources.models import Source  # noqa: E402


def measure(client: Client, url: str, runs: int) -> tuple[float, float, int]:
    assert client.get(url).status_code == 200, url
    # Each request clears the query log when it starts; clear it first so the count is this request's.
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    # Read now: the captured list is a view on the log, which the next request clears.
    query_count = len(queries)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], query_count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    build(args.articles)
    if connection.vendor == "postgresql":
        # Fresh statistics, as autovacuum would have them on a live site.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(f"{connection.vendor}, {args.articles} articles built in {time.perf_counter() - started:.1f} s")

    article = Article.objects.published().filter(related__isnull=False).first()
    middle = Article.objects.published().order_by("-pub_date")[args.articles // 2]
    section = Section.objects.first()
    pages = {
        "home": "/",
        "article (with picks)": article.get_absolute_url(),
        "article (mid-archive)": middle.get_absolute_url(),
        "latest, page 1": "/news/",
        "latest, page 100": "/news/?page=100",
        "section": section.get_absolute_url(),
        "tag": f"/tag/{Tag.objects.first().slug}/",
        "source": Source.objects.first().get_absolute_url(),
        "author": Author.objects.first().get_absolute_url(),
    }
    client = Client()
    print("| page | median ms | p95 ms | queries |\n|---|---:|---:|---:|")
    for name, url in pages.items():
        median, p95, queries = measure(client, url, args.runs)
        print(f"| {name} | {median:.1f} | {p95:.1f} | {queries} |")

    loaded = Article.objects.prefetch_related("tags", "sources").get(pk=middle.pk)
    timings = []
    for _ in range(args.runs):
        start = time.perf_counter()
        related_articles(article=loaded)
        timings.append((time.perf_counter() - start) * 1000)
    print(f"\nrelated_articles() alone: median {statistics.median(timings):.1f} ms")


if __name__ == "__main__":
    main()
