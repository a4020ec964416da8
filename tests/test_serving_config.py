"""Deployment settings read from the environment: cache, media storage, replicas; and the
health check load balancers poll."""

from django.core.files.storage import storages
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse

from serving.config import cache_from_url, media_storage_from_url, replica_databases


class CacheUrlTests(SimpleTestCase):
    def test_memory_by_default(self):
        self.assertEqual(cache_from_url("")["BACKEND"], "django.core.cache.backends.locmem.LocMemCache")
        # A related-news list on a real archive needs more than Django's default 300 keys.
        self.assertGreaterEqual(cache_from_url("locmem://")["OPTIONS"]["MAX_ENTRIES"], 10_000)

    def test_redis_url_selects_djangos_redis_backend(self):
        for url in ("redis://127.0.0.1:6379/1", "rediss://cache.internal:6380/0"):
            with self.subTest(url=url):
                self.assertEqual(
                    cache_from_url(url),
                    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url},
                )

    def test_unknown_scheme_is_refused_with_its_name(self):
        with self.assertRaisesMessage(ValueError, "'memcached'"):
            cache_from_url("memcached://127.0.0.1:11211")


class MediaStorageTests(SimpleTestCase):
    def test_local_files_by_default(self):
        self.assertEqual(
            media_storage_from_url(""), {"BACKEND": "django.core.files.storage.FileSystemStorage"}
        )

    def test_s3_url_configures_django_storages_without_touching_the_network(self):
        config = media_storage_from_url(
            "s3://newsroom-media/photos?endpoint_url=https://s3.example.net&region_name=eu-central-1"
            "&custom_domain=media.example.net"
        )
        with override_settings(STORAGES={"default": config, "staticfiles": {"BACKEND": "x"}}):
            storage = storages["default"]
            self.assertEqual(type(storage).__name__, "S3Storage")
            self.assertEqual(storage.bucket_name, "newsroom-media")
            self.assertEqual(storage.location, "photos")
            self.assertEqual(storage.endpoint_url, "https://s3.example.net")
            # Plain public URLs on the CDN's domain, which it can cache.
            self.assertEqual(
                storage.url("articles/2026/11/bread.webp"),
                "https://media.example.net/photos/articles/2026/11/bread.webp",
            )

    def test_bad_urls_are_refused_with_what_is_expected(self):
        for url in ("s3://", "ftp://bucket", "s3://bucket?secret_key=oops"):
            with self.subTest(url=url), self.assertRaises(ValueError):
                media_storage_from_url(url)


class ReplicaSettingsTests(SimpleTestCase):
    def test_each_url_becomes_a_replica_mirroring_the_primary_in_tests(self):
        replicas = replica_databases(
            ["postgres://reader@10.0.0.2:5432/newsroom", "postgres://reader@10.0.0.3:5432/newsroom"],
            conn_max_age=60,
        )
        self.assertEqual(list(replicas), ["replica_1", "replica_2"])
        self.assertEqual(replicas["replica_2"]["HOST"], "10.0.0.3")
        self.assertEqual(replicas["replica_1"]["TEST"], {"MIRROR": "default"})
        self.assertTrue(replicas["replica_1"]["CONN_HEALTH_CHECKS"])
        self.assertEqual(replicas["replica_1"]["OPTIONS"]["options"], "-c jit=off")


class HealthCheckTests(TestCase):
    def test_healthz_answers_ok_without_the_database(self):
        with self.assertNumQueries(0):
            response = self.client.get(reverse("healthz"))
        self.assertEqual(response.content, b"ok")
        self.assertIn("no-cache", response["Cache-Control"])
