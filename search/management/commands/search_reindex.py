"""Rebuild every article's search columns: after the normaliser's rules change, or after
rows were written without Article.save() (bulk loads, raw SQL)."""

import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from articles.models import Article
from search.index import index_fields

FIELDS = ["search_head", "search_body", "search_vector"]


class Command(BaseCommand):
    help = "Rebuild the search columns of all articles from their title, lead and body."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args, batch: int, **options):
        started, done, last = time.perf_counter(), 0, 0
        while True:
            # By key, not OFFSET: each batch starts where the last ended, at the same cost.
            articles = list(
                Article.objects.filter(pk__gt=last).order_by("pk").only("title", "lead", "body")[:batch]
            )
            if not articles:
                break
            for article in articles:
                fields = index_fields(
                    title=article.title, lead=article.lead, body_html=article.body, vendor=connection.vendor
                )
                for name, value in fields.items():
                    setattr(article, name, value)
            with transaction.atomic():
                # Small statements: bulk_update's CASE over many rows grows with the square of its size.
                Article.objects.bulk_update(articles, FIELDS, batch_size=50)
            done, last = done + len(articles), articles[-1].pk
            if options["verbosity"] > 1:
                self.stdout.write(f"{done} articles, {time.perf_counter() - started:.0f} s")
        self.stdout.write(f"Reindexed {done} articles in {time.perf_counter() - started:.0f} s.")
