"""Time the public JSON API and count its queries on the same synthetic archive as bench/pages.py.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench
    .venv/bin/python bench/api.py [--articles 20000] [--runs 50]

The archive is bench/corpus.py's (from a worktree, set NEWSROOM_SEED to the seed article).
Without DATABASE_URL it uses a throw-away SQLite file. The database named in DATABASE_URL is
wiped and refilled. Same method as bench/pages.py: one warm-up request, then the median and
95th percentile over --runs requests through Django's test client, with one request's queries.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# Sets up Django (test settings, DATABASE_URL or a throw-away SQLite file) as its own run would.
import pages  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from taggit.models import Tag  # noqa: E402

from articles.models import Article  # noqa: E402
from sections.models import Section  # noqa: E402
from sources.models import Source  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.API_ANON_RATE = "1000000/minute"  # one client sends every request here
    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    pages.build(args.articles)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(f"{connection.vendor}, {args.articles} articles built in {time.perf_counter() - started:.1f} s")

    client = Client()
    first = client.get("/api/v1/articles/?page_size=20").json()
    # A cursor deep in the archive: walk 50 pages of 20.
    deep = first["next"]
    for _ in range(50):
        deep = client.get(deep).json()["next"]
    middle = Article.objects.published().order_by("-pub_date")[args.articles // 2]
    picked = Article.objects.published().filter(related__isnull=False).first()
    endpoints = {
        "articles, 20": "/api/v1/articles/?page_size=20",
        "articles, 50": "/api/v1/articles/?page_size=50",
        "articles, cursor page 51": deep.removeprefix("http://testserver"),
        "articles by section": f"/api/v1/articles/?section={Section.objects.first().slug}",
        "articles by tag": f"/api/v1/articles/?tag={Tag.objects.first().slug}",
        "articles by source": f"/api/v1/articles/?source={Source.objects.first().slug}",
        "article (with picks)": f"/api/v1/articles/{picked.pk}/",
        "article (mid-archive)": f"/api/v1/articles/{middle.pk}/",
        "search": "/api/v1/search/?q=" + "دير الزور",
        "sections": "/api/v1/sections/",
        "authors": "/api/v1/authors/",
    }
    print("| endpoint | median ms | p95 ms | queries |\n|---|---:|---:|---:|")
    for name, url in endpoints.items():
        median, p95, queries = pages.measure(client, url, args.runs)
        print(f"| {name} | {median:.1f} | {p95:.1f} | {queries} |")


if __name__ == "__main__":
    main()
