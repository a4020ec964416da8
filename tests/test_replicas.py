"""Read replicas: readers' pages read from a replica, every write and every signed-in request
uses the primary. "replica" (tests/settings.py) is a second connection to the test database."""

from django.db import connections
from django.test import TransactionTestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from serving.routers import ReplicaRouter

from .factories import make_article, make_user

REPLICATED = override_settings(
    DATABASE_REPLICAS=["replica"], DATABASE_ROUTERS=["serving.routers.ReplicaRouter"]
)


@REPLICATED
class ReplicaRoutingTests(TransactionTestCase):
    # Transactions, not a rolled-back TestCase: the replica's connection must see the rows.
    databases = {"default", "replica"}

    def setUp(self):
        self.article = make_article("ارتفاع سعر الخبز")

    def queries(self, request):
        with CaptureQueriesContext(connections["default"]) as primary:
            with CaptureQueriesContext(connections["replica"]) as replica:
                response = request()
        return response, len(primary), len(replica)

    def test_reader_pages_read_from_the_replica(self):
        for url in (reverse("home"), self.article.get_absolute_url()):
            with self.subTest(url=url):
                response, primary, replica = self.queries(lambda url=url: self.client.get(url))
                self.assertContains(response, "ارتفاع سعر الخبز")
                self.assertEqual(primary, 0)
                self.assertGreater(replica, 0)

    def test_signed_in_staff_read_from_the_primary(self):
        # A superuser: the flush between transactional tests removes the roles' groups.
        self.client.force_login(make_user(is_superuser=True))
        for url in (
            self.article.get_absolute_url(),
            reverse("admin:articles_article_changelist"),
            reverse("admin:articles_article_change", args=[self.article.pk]),
        ):
            with self.subTest(url=url):
                response, primary, replica = self.queries(lambda url=url: self.client.get(url))
                self.assertEqual(response.status_code, 200)
                self.assertGreater(primary, 0)
                self.assertEqual(replica, 0)

    def test_a_reader_posting_a_comment_reads_and_writes_on_the_primary(self):
        response, primary, replica = self.queries(
            lambda: self.client.post(
                reverse("comments:post", kwargs={"pk": self.article.pk}),
                {"name": "", "text": ""},
                headers={"sec-fetch-site": "same-origin"},
            )
        )
        self.assertEqual(response.status_code, 400)
        self.assertGreater(primary, 0)
        self.assertEqual(replica, 0)

    def test_outside_a_request_everything_uses_the_primary(self):
        router = ReplicaRouter()
        self.assertEqual(router.db_for_read(Article), "default")
        self.assertEqual(router.db_for_write(Article), "default")
        self.assertTrue(router.allow_migrate("default", "articles"))
        self.assertFalse(router.allow_migrate("replica", "articles"))
