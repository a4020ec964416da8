"""Time the feeds, sitemaps and robots.txt on a large synthetic archive, uncached.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench
    .venv/bin/python bench/reach.py [--articles 100000] [--runs 20] [--reuse]

Builds the archive as bench/pages.py does (the database named in DATABASE_URL is wiped and
refilled; without it a throw-away SQLite file is used). Sitemaps are cached whole in
production (by the page cache, until a public story changes); here every request renders, to show what a
cache miss costs. --reuse measures the archive a previous run left in DATABASE_URL.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# First: importing bench/pages.py sets Django up, as it does for itself.
from pages import build, measure  # noqa: E402

# isort: split
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from taggit.models import Tag  # noqa: E402

from articles.models import Article  # noqa: E402
from sections.models import Section  # noqa: E402

UNCACHED = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()

    settings.ALLOWED_HOSTS = ["testserver"]
    if args.reuse:
        args.articles = Article.objects.count()
        print(f"{connection.vendor}, {args.articles} articles already there")
    else:
        call_command("migrate", interactive=False, verbosity=0)
        started = time.perf_counter()
        build(args.articles)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        print(f"{connection.vendor}, {args.articles} articles built in {time.perf_counter() - started:.1f} s")

    section = Section.objects.first()
    tag = Tag.objects.first()
    last_page = -(-args.articles // settings.NEWSROOM_SITEMAP_LIMIT)
    pages = {
        "feed: latest RSS": reverse("reach:latest_rss"),
        "feed: latest Atom": reverse("reach:latest_atom"),
        "feed: section RSS": reverse("reach:section_rss", kwargs={"slug": section.slug}),
        "feed: tag RSS": reverse("reach:tag_rss", kwargs={"slug": tag.slug}),
        "sitemap.xml (index)": reverse("reach:sitemap_index"),
        "sitemap-articles.xml, page 1": reverse("reach:sitemap", kwargs={"section": "articles"}),
        f"sitemap-articles.xml, page {last_page}": reverse("reach:sitemap", kwargs={"section": "articles"})
        + f"?p={last_page}",
        "sitemap-sections.xml": reverse("reach:sitemap", kwargs={"section": "sections"}),
        "sitemap-tags.xml": reverse("reach:sitemap", kwargs={"section": "tags"}),
        "sitemap-news.xml": reverse("reach:sitemap", kwargs={"section": "news"}),
        "robots.txt": reverse("reach:robots"),
    }
    client = Client()
    print("| page | median ms | p95 ms | queries | bytes |\n|---|---:|---:|---:|---:|")
    with override_settings(CACHES=UNCACHED):
        for name, url in pages.items():
            median, p95, queries = measure(client, url, args.runs)
            size = len(client.get(url).content)
            print(f"| {name} | {median:.1f} | {p95:.1f} | {queries} | {size} |")


if __name__ == "__main__":
    main()
