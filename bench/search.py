"""Search and related-news timings on the 100,000-article synthetic archive (bench/corpus.py).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench
    .venv/bin/python bench/search.py --build     # corpus.py's archive first
    .venv/bin/python bench/search.py             # time an archive built before

Search: each query of QUERIES is fetched as a reader would, /search/?q= through Django's
test client (query, ranking, count, snippets, template), once to warm up and then --runs
times; p50 and p95 over all of them, and per query. Related news: related_articles() for
--articles published articles picked at random, with the cache emptied before each (fully
cold: the tag counts too), then with only the article's list dropped (tag counts cached, as
on a live site). Targets: search p95 < 50 ms, related < 20 ms per article uncached.
The machine's load average is printed with the figures: these machines are shared.
"""

import argparse
import importlib.util
import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from articles import related_cache  # noqa: E402
from articles.models import Article  # noqa: E402
from articles.selectors import related_articles  # noqa: E402

# Rare and common words, spelling variants, a phrase, OR, exclusion: the corpus's vocabulary.
QUERIES = [
    "هجين",
    "عسكرية",
    "عسكريه",
    "مشفى الشعفة",
    '"دير الزور"',
    '"قوات سوريا الديمقراطية" -داعش',
    "الحشد أو منبج",
    "مدنيين اطفال",
    "اسلحه ذخائر",
    "التحالف الدولي",
    "الفرات",
    "غارات طيران التحالف",
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def build(count: int) -> None:
    # By path: with bench/ on sys.path, this file would shadow the search app.
    spec = importlib.util.spec_from_file_location("corpus", ROOT / "bench" / "corpus.py")
    corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus)
    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    corpus.build(count, verbose=True)
    print(f"corpus: {count} articles in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def bench_search(client: Client, runs: int) -> None:
    print(f"\nSearch, /search/?q= ({runs} runs per query after one warm-up):")
    everything, everything_cpu = [], []
    for q in QUERIES:
        queries = []

        # A wrapper, not CaptureQueriesContext: each request starts by emptying the query log.
        def count(execute, *args, queries=queries):
            queries.append(1)
            return execute(*args)

        with connection.execute_wrapper(count):
            response = client.get("/search/", {"q": q})
        assert response.status_code == 200, response.status_code
        found = re.search(r"(عدد النتائج: \d+|أكثر من \d+)", response.content.decode())
        count = found.group(1) if found else "لا نتائج"
        times, cpu = [], []
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get("/search/", {"q": q})
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        everything += times
        everything_cpu += cpu
        print(
            f"  {q:<34} {count:<16} p50 {ms(statistics.median(times))}"
            f"  max {ms(max(times))}  Python CPU p50 {ms(statistics.median(cpu))}  {len(queries)} queries"
        )
    print(f"  all: p50 {ms(statistics.median(everything))}, p95 {ms(percentile(everything, 0.95))}")
    print(
        f"  this process's own CPU time (no waiting for a core, no database): p50"
        f" {ms(statistics.median(everything_cpu))}, p95 {ms(percentile(everything_cpu, 0.95))}"
    )


def list_key(article: Article, limit: int) -> str:
    """The cache key of the article's related list (tags and sources prefetched)."""
    tags, sources = [tag.pk for tag in article.tags.all()], [source.pk for source in article.sources.all()]
    return related_cache.list_key(article, limit, tags=tags, sources=sources)


def warm_tag_counts(articles: list[Article]) -> None:
    """Rank each article once, so the tag counts of all of them are cached, as on a live site
    where they are kept for an hour."""
    for article in articles:
        related_articles(article=article)


def bench_related(count: int) -> list[Article]:
    rng = random.Random(5)
    ids = list(Article.objects.published().values_list("pk", flat=True))
    chosen = rng.sample(ids, count)
    articles = list(Article.objects.filter(pk__in=chosen).prefetch_related("tags", "sources"))
    limit = settings.NEWSROOM_RELATED_LIMIT
    for label, clear in (
        ("cache emptied before each (tag counts too)", cache.clear),
        ("only the article's list dropped (tag counts cached)", None),
    ):
        times, cpu, queries = [], [], []
        if not clear:
            # The previous pass emptied the cache before each article: count every tag again.
            warm_tag_counts(articles)
        for article in articles:
            if clear:
                clear()
            else:
                cache.delete(list_key(article, limit))
            with CaptureQueriesContext(connection) as captured:
                started, started_cpu = time.perf_counter(), time.process_time()
                related = related_articles(article=article)
                times.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
            queries.append(len(captured))
            assert article not in related
        print(
            f"\nRelated news, {count} articles, {label}:\n"
            f"  mean {ms(statistics.mean(times))}, p50 {ms(statistics.median(times))},"
            f" p95 {ms(percentile(times, 0.95))}, max {ms(max(times))};"
            f" queries {min(queries)}-{max(queries)}\n"
            f"  this process's own CPU time: mean {ms(statistics.mean(cpu))}, p95 {ms(percentile(cpu, 0.95))}"
        )
    started = time.perf_counter()
    for article in articles:
        related_articles(article=article)
    print(f"  cached: mean {ms((time.perf_counter() - started) / count)}")
    return articles


def database_time(sqls: list[str]) -> float:
    """The server's own execution time of these statements (EXPLAIN ANALYZE), in seconds:
    what the queries cost without the round trips and the wait for a core."""
    total = 0.0
    with connection.cursor() as cursor:
        for sql in sqls:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0]
            plan = plan if isinstance(plan, list) else json.loads(plan)
            total += (plan[0]["Planning Time"] + plan[0]["Execution Time"]) / 1000
    return total


def bench_database(articles: list[Article]) -> None:
    from search.query import parse
    from search.selectors import ranked_ids

    if connection.vendor != "postgresql":
        return
    print("\nDatabase time alone (PostgreSQL's EXPLAIN ANALYZE: planning + execution):")
    search_times = []
    for q in QUERIES:
        with CaptureQueriesContext(connection) as captured:
            ids = ranked_ids(Article.objects.published(), parse(q))
            Article.objects.in_bulk(ids[:12])
        search_times.append(database_time([query["sql"] for query in captured]))
    print(
        f"  search, ranked ids + page: p50 {ms(statistics.median(search_times))},"
        f" p95 {ms(percentile(search_times, 0.95))}, max {ms(max(search_times))}"
    )
    limit = settings.NEWSROOM_RELATED_LIMIT
    for label, clear in (("cache emptied", True), ("tag counts cached", False)):
        related_times = []
        if not clear:
            warm_tag_counts(articles)
        for article in articles:
            if clear:
                cache.clear()
            else:
                cache.delete(list_key(article, limit))
            with CaptureQueriesContext(connection) as captured:
                related_articles(article=article)
            related_times.append(database_time([query["sql"] for query in captured]))
        print(
            f"  related, uncached, {label}: mean {ms(statistics.mean(related_times))},"
            f" p95 {ms(percentile(related_times, 0.95))}, max {ms(max(related_times))}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="store_true", help="build the archive first (wipes the database)")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--articles", type=int, default=100)
    args = parser.parse_args()
    if args.build:
        build(args.size)
    settings.ALLOWED_HOSTS = ["testserver"]
    # As in production, the menu is kept rendered (serving/fragments.py); the page cache stays
    # off (tests.settings), since the figures are for building the page.
    settings.FRAGMENT_CACHE_SECONDS = 60
    total = Article.objects.count()
    print(f"{connection.vendor}: {total} articles; load average before: {os.getloadavg()[0]:.2f}")
    bench_search(Client(), args.runs)
    bench_database(bench_related(args.articles))
    print(f"\nload average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())} (1, 5, 15 min; 2 cores)")


if __name__ == "__main__":
    main()
