"""The database going away for a moment: readers get cached pages or a clean Arabic 503, and
the site comes back by itself once the database does."""

from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.db import OperationalError, close_old_connections, connection, connections
from django.test import TestCase, TransactionTestCase, override_settings

from serving.pagecache import pages

from .factories import make_article, make_section

BUSY = "الموقع مشغول مؤقتاً"


@contextmanager
def database_down():
    """Every query fails as it does when PostgreSQL restarts under the site."""

    def refuse(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    with connection.execute_wrapper(refuse):
        yield


@override_settings(PAGE_CACHE_SECONDS=60)
class DatabaseDownTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("اقتصاد")
        cls.article = make_article("ارتفاع سعر الخبز", section=cls.section)

    def setUp(self):
        cache.clear()
        pages.clear_local()
        self.addCleanup(cache.clear)
        self.addCleanup(pages.clear_local)

    def test_readers_get_cached_pages_while_the_database_is_down(self):
        url = self.article.get_absolute_url()
        self.client.get(url)
        with database_down():
            response = self.client.get(url)
        self.assertContains(response, "ارتفاع سعر الخبز")

    def test_other_pages_get_an_arabic_503_and_come_back_with_the_database(self):
        url = self.section.get_absolute_url()
        with database_down(), self.assertLogs("serving.middleware", "ERROR"):
            response = self.client.get(url)
        self.assertContains(response, BUSY, status_code=503)
        self.assertContains(response, 'lang="ar" dir="rtl"', status_code=503)
        self.assertEqual(response["Retry-After"], "30")
        self.assertIn("no-store", response["Cache-Control"])
        # Nothing to restart: the next request is served as usual.
        self.assertContains(self.client.get(url), "ارتفاع سعر الخبز")

    def test_the_503_page_is_not_kept_by_the_page_cache(self):
        url = self.section.get_absolute_url()
        with database_down(), self.assertLogs("serving.middleware", "ERROR"):
            self.client.get(url)
        self.assertEqual(self.client.get(url).status_code, 200)

    def test_other_errors_are_still_server_errors(self):
        with self.assertRaises(ZeroDivisionError), self.settings(DEBUG_PROPAGATE_EXCEPTIONS=True):

            def boom(execute, sql, params, many, context):
                raise ZeroDivisionError

            with connection.execute_wrapper(boom):
                self.client.get(self.section.get_absolute_url())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server that can drop our connection")
class ConnectionDroppedTests(TransactionTestCase):
    """A real failure: the server ends our connection (a restart, a failover)."""

    def test_next_request_reconnects_by_itself(self):
        article = make_article("ارتفاع سعر الخبز")
        url = article.get_absolute_url()
        self.assertEqual(self.client.get(url).status_code, 200)
        # The request kept its connection open (CONN_MAX_AGE), as gunicorn workers do.
        self.assertIsNotNone(connection.connection)
        pid = connection.connection.info.backend_pid
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        finally:
            other.close()
        # What a server's request_started signal does before each request (the test client
        # leaves it out): with CONN_HEALTH_CHECKS the dead connection is noticed and replaced.
        close_old_connections()
        self.assertContains(self.client.get(url), "ارتفاع سعر الخبز")
        self.assertNotEqual(connection.connection.info.backend_pid, pid)
