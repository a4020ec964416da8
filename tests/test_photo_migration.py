"""articles 0007_featured_photo: every old Article.photo moves into the library, cleaned."""

import io

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase
from django.utils import timezone
from PIL import Image

from .test_photos import SERIAL, assert_no_metadata, photo_with_metadata

MIGRATION = ("articles", "0007_featured_photo")


class FeaturedPhotoMigrationTests(TransactionTestCase):
    def setUp(self):
        executor = MigrationExecutor(connection)
        graph = executor.loader.graph
        # Whatever articles migration comes just before (the integrator may insert others).
        self.before = [node.key for node in graph.node_map[MIGRATION].parents if node.key[0] == "articles"]
        self.before.append(("photos", "0001_initial"))
        self.latest = executor.loader.graph.leaf_nodes()
        executor.migrate(self.before)
        self.old_apps = executor.loader.project_state(self.before).apps

    def tearDown(self):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(self.latest)

    def migrate(self):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate([MIGRATION])
        return executor.loader.project_state([MIGRATION]).apps

    def old_article(self, **fields):
        Section = self.old_apps.get_model("sections", "Section")
        Article = self.old_apps.get_model("articles", "Article")
        section, _ = Section.objects.get_or_create(name="سوريا", slug="سوريا")
        return Article.objects.create(
            title="خبر قديم", slug="خبر-قديم", lead="مقدمة", body="<p>نص</p>", section=section,
            status="published", pub_date=timezone.now(), **fields,
        )  # fmt: skip

    def test_old_photo_becomes_a_clean_library_photo(self):
        old_name = default_storage.save(
            "articles/2018/12/old.jpg", ContentFile(photo_with_metadata(orientation=6))
        )
        article = self.old_article(
            photo=old_name, photo_caption="مشفى الشعفة", photo_credit="ناشطون", photo_alt="مبنى مدمر"
        )
        without = self.old_article(photo="")

        new_apps = self.migrate()

        Article = new_apps.get_model("articles", "Article")
        Photo = new_apps.get_model("photos", "Photo")
        photo = Article.objects.get(pk=article.pk).featured_photo
        self.assertEqual(
            (photo.caption, photo.credit, photo.alt_text, photo.width, photo.height),
            ("مشفى الشعفة", "ناشطون", "مبنى مدمر", 100, 200),
        )
        self.assertTrue(photo.image.name.startswith("photos/"), photo.image.name)
        self.assertIn("الشعفة", photo.search_key)
        with default_storage.open(photo.image.name) as stored:
            data = stored.read()
        assert_no_metadata(self, data)
        self.assertEqual(Image.open(io.BytesIO(data)).size, (100, 200))
        # The old file carried the GPS position and serial: it is gone.
        self.assertFalse(default_storage.exists(old_name))
        self.assertNotIn(SERIAL.encode(), data)
        self.assertIsNone(Article.objects.get(pk=without.pk).featured_photo)
        self.assertEqual(Photo.objects.count(), 1)

    def test_missing_old_file_does_not_stop_the_migration(self):
        article = self.old_article(photo="articles/2018/12/gone.jpg", photo_caption="مفقودة")
        with self.assertLogs("articles.migrations.0007_featured_photo", "WARNING"):
            new_apps = self.migrate()
        Article = new_apps.get_model("articles", "Article")
        self.assertIsNone(Article.objects.get(pk=article.pk).featured_photo)
