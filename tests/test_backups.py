"""export_content / import_content: a round trip loses nothing; a bad archive changes nothing."""

import gzip
import io
import json
import tarfile
import tempfile
from datetime import timedelta
from pathlib import Path

import reversion
from django.contrib.auth.models import Group, User
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.test import TestCase, TransactionTestCase
from django.utils import timezone

from articles.models import Article, Correction, Transition, VerificationLabel
from authors.models import Author
from backups.archive import EXPORTED_MODELS, exported_models
from comments.models import BlockedWord, Comment, Decision, Report
from editorial.roles import EDITORS
from photos.models import Photo
from sections.models import Section
from tests.factories import image_upload, make_article, make_author, make_section, make_source, make_user
from wordpress.models import ImportedPost


def snapshot() -> dict[str, list[dict]]:
    """Every row of every exported model, as Django serialises it (m2m included)."""
    return {
        label: serializers.serialize(
            "python", model._base_manager.order_by("pk"), use_natural_foreign_keys=True
        )
        for label, model in zip(EXPORTED_MODELS, exported_models(), strict=True)
    }


def empty_the_site() -> None:
    """What a freshly migrated database holds of the content: nothing (the roles stay)."""
    for model in reversed(exported_models()):
        # A section's parent is protected: cut the tree before felling it.
        to_self = [f.name for f in model._meta.concrete_fields if f.is_relation and f.related_model is model]
        model._base_manager.update(**dict.fromkeys(to_self))
        model._base_manager.all().delete()


class ArchiveTestCase(TestCase):
    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)
        self.archive = self.folder / "newsroom.tar.gz"

    def export(self) -> str:
        out = io.StringIO()
        call_command("export_content", str(self.archive), stdout=out, stderr=io.StringIO())
        return out.getvalue()

    def restore(self, archive: Path | None = None) -> str:
        out = io.StringIO()
        call_command("import_content", str(archive or self.archive), stdout=out, stderr=io.StringIO())
        return out.getvalue()

    def failed_restore(self, archive: Path | None = None) -> str:
        with self.assertRaises(CommandError) as raised:
            self.restore(archive)
        return str(raised.exception)


class RoundTripTests(ArchiveTestCase):
    def setUp(self):
        # Per test, not per class: the tests delete media files, which no rollback restores.
        super().setUp()
        now = timezone.now()
        self.editor = make_user(EDITORS, username="rania", first_name="رانيا", email="rania@example.org")
        writer = make_user(username="karim")
        # A child section saved before its parent: rows that point forwards load too.
        east = make_section("المنطقة الشرقية")
        syria = make_section("سوريا", menu_order=1)
        east.parent = syria
        east.save()
        hidden = make_section("أرشيف", is_active=False)
        sana = make_source("سانا", kind="state", website="https://sana.sy", aliases="الوكالة الرسمية")
        observatory = make_source("المرصد السوري", kind="local_network")
        laila = make_author(
            "ليلى حسن", kind="pseudonym", real_name="اسم حقيقي", photo=image_upload("laila.jpg")
        )
        desk = make_author("مكتب دير الزور", kind="desk", photo=image_upload("desk.png", fmt="PNG"))
        label = VerificationLabel.objects.create(text="لم يتسنَّ لنا التحقق من هذه المعلومات")
        older = make_article("خبر أقدم", section=syria, pub_date=now - timedelta(days=3, microseconds=123457))
        with reversion.create_revision():
            reversion.set_user(self.editor)
            article = make_article(
                "قصف على بلدة هجين",
                section=east,
                lead="قالت مصادر محلية إن القصف استهدف أطراف البلدة.",
                body="<h2>تفاصيل</h2><p>نص <strong>الخبر</strong> و<a href='https://example.org/'>رابط</a>.</p>",
                pub_date=now - timedelta(hours=5, microseconds=654321),
                tags=["هجين", "دير الزور"],
                sources=[sana, observatory],
                authors=[laila, desk],
                verification=label,
                created_by=writer,
                last_edited_by=self.editor,
                planned_for=now.date(),
                comments_open=False,
                import_key="seed-1",
                photo=image_upload("hajin.jpg"),
                photo_caption="دخان فوق البلدة",
            )
        article.related.add(older)
        later = make_article(
            "خبر مجدول", section=hidden, status=Article.Status.SCHEDULED, pub_date=now + timedelta(days=1)
        )
        older.related.add(later)  # a pick pointing to a row saved after it
        make_article("مسودة", section=syria, status=Article.Status.DRAFT, tags=["مسودات"])
        Correction.objects.create(article=article, text="صُحح عدد الضحايا.", created_by=self.editor)
        Correction.objects.create(article=article, kind=Correction.Kind.UPDATE, text="أضيفت تفاصيل.")
        Transition.objects.create(
            article=article, from_status="review", to_status="published", by=self.editor, note="موافق"
        )
        comment = Comment.objects.create(
            article=article,
            name="قارئ",
            email="r@example.org",
            text="تعليق",
            status="approved",
            ip_address="203.0.113.4",
        )
        reply = Comment.objects.create(
            article=article, parent=comment, name="آخر", text="رد", status="hidden", spam_score=2
        )
        Report.objects.create(comment=reply, reason="abuse", ip_address="2001:db8::1")
        Decision.objects.create(
            comment=comment, by=self.editor, from_status="pending", to_status="approved", note="مقبول"
        )
        Decision.objects.create(comment=reply, from_status="approved", to_status="hidden")
        BlockedWord.objects.create(phrase="كازينو")
        ImportedPost.objects.create(
            site="https://old.example.org",
            post_id=123,
            article=older,
            link="https://old.example.org/2018/12/01/خبر/",
            old_path="/2018/12/01/خبر/",
            fingerprint="0" * 64,
        )

    def test_round_trip_loses_nothing(self):
        before = snapshot()
        files = {author.photo.name: author.photo.read() for author in Author.objects.all()}
        photo = Photo.objects.get()
        for name in [photo.image.name, *(r["name"] for r in photo.renditions)]:
            with default_storage.open(name, "rb") as file:
                files[name] = file.read()
        self.assertTrue(photo.renditions)
        output = self.export()
        self.assertIn("articles.article: 4", output)
        # Two bylines' photos, the library photo and each of its renditions.
        self.assertIn(f"media files: {2 + 1 + len(photo.renditions)}", output)

        empty_the_site()
        for name in files:
            default_storage.delete(name)
        self.assertTrue(all(rows == [] for rows in snapshot().values()))

        output = self.restore()
        self.assertIn("comments.decision: 2", output)
        after = snapshot()
        for label in EXPORTED_MODELS:
            with self.subTest(model=label):
                self.assertEqual(after[label], before[label])
        for name, content in files.items():
            with default_storage.open(name, "rb") as restored:
                self.assertEqual(restored.read(), content)
        # Every kind of row is in the comparison, not just the easy ones.
        self.assertTrue(
            all(before[label] for label in EXPORTED_MODELS), [k for k, v in before.items() if not v]
        )

    def test_restored_site_keeps_working(self):
        article = Article.objects.get(title="قصف على بلدة هجين")
        self.export()
        empty_the_site()
        self.restore()
        # Same URL, same page.
        response = self.client.get(article.get_absolute_url())
        self.assertContains(response, "قصف على بلدة هجين")
        self.assertContains(response, "صُحح عدد الضحايا.")
        # Users keep their roles and passwords.
        rania = User.objects.get(username="rania")
        self.assertTrue(rania.groups.filter(name=EDITORS).exists())
        self.assertTrue(rania.has_perm("articles.publish_article"))
        # New rows get new ids after the restored ones (PostgreSQL's sequences were moved on).
        fresh = make_article("خبر جديد بعد الاستعادة", section=Section.objects.get(name="سوريا"))
        self.assertGreater(fresh.pk, article.pk)
        self.assertGreater(Comment.objects.create(article=fresh, name="س", text="ت").pk, 2)

    def test_refuses_a_database_that_is_not_empty_and_changes_nothing(self):
        self.export()
        before = snapshot()
        message = self.failed_restore()
        self.assertIn("the database is not empty", message)
        self.assertIn("articles.article (4)", message)
        self.assertIn("Nothing was restored", message)
        self.assertEqual(snapshot(), before)

    def test_a_missing_media_file_is_reported_and_the_rest_exported(self):
        author = Author.objects.get(name="ليلى حسن")
        default_storage.delete(author.photo.name)
        err = io.StringIO()
        call_command("export_content", str(self.archive), stdout=io.StringIO(), stderr=err)
        self.assertIn(
            f"missing from the media storage, not in the archive: {author.photo.name}", err.getvalue()
        )
        empty_the_site()
        self.restore()
        self.assertEqual(Author.objects.get(name="ليلى حسن").photo.name, author.photo.name)


class BrokenArchiveTests(ArchiveTestCase):
    def setUp(self):
        super().setUp()
        self.group_count = Group.objects.count()
        make_article("خبر", section=make_section("سوريا"), body="<p>نص</p>")
        make_author("كاتب", photo=image_upload("a.jpg"))
        self.export()
        empty_the_site()

    def rewrite(self, change) -> Path:
        """A copy of the archive with `change(members)` applied to {name: bytes}."""
        with tarfile.open(self.archive, "r:gz") as tar:
            members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
        change(members)
        target = self.folder / "changed.tar.gz"
        with tarfile.open(target, "w:gz") as tar:
            for name, content in members.items():
                info = tarfile.TarInfo(name)
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))
        return target

    def assertNothingRestored(self):
        self.assertTrue(all(rows == [] for rows in snapshot().values()))
        self.assertEqual(Group.objects.count(), self.group_count)

    def test_not_an_archive(self):
        junk = self.folder / "junk.tar.gz"
        junk.write_bytes(b"this is not a tar file")
        self.assertIn("not a readable .tar.gz archive", self.failed_restore(junk))
        self.assertNothingRestored()

    def test_a_truncated_archive(self):
        cut = self.folder / "cut.tar.gz"
        cut.write_bytes(self.archive.read_bytes()[:200])
        self.assertIn("Nothing was restored", self.failed_restore(cut))
        self.assertNothingRestored()

    def test_a_foreign_tar_gz(self):
        foreign = self.folder / "foreign.tar.gz"
        with tarfile.open(foreign, "w:gz") as tar:
            info = tarfile.TarInfo("README")
            info.size = 5
            tar.addfile(info, io.BytesIO(b"hello"))
        self.assertIn("the archive has no manifest.json", self.failed_restore(foreign))

    def test_a_gzip_that_is_not_a_tar(self):
        plain = self.folder / "plain.tar.gz"
        plain.write_bytes(gzip.compress(b"{}"))
        self.assertIn("not a readable .tar.gz archive", self.failed_restore(plain))

    def test_a_manifest_of_another_program(self):
        changed = self.rewrite(lambda m: m.update({"manifest.json": b'{"format": "something-else"}'}))
        self.assertIn("not a newsroom content archive", self.failed_restore(changed))

    def test_a_model_this_site_does_not_restore(self):
        def add_permissions(members):
            manifest = json.loads(members["manifest.json"])
            manifest["models"]["auth.permission"] = 1
            members["manifest.json"] = json.dumps(manifest).encode()

        self.assertIn(
            "models this site does not restore: auth.permission",
            self.failed_restore(self.rewrite(add_permissions)),
        )
        self.assertNothingRestored()

    def test_a_row_pointing_nowhere_rolls_everything_back(self):
        def orphan(members):
            rows = [json.loads(line) for line in members["data/articles.article.jsonl"].splitlines()]
            rows[0]["fields"]["section"] = 999999
            members["data/articles.article.jsonl"] = "\n".join(json.dumps(r) for r in rows).encode()

        message = self.failed_restore(self.rewrite(orphan))
        self.assertIn("Nothing was restored", message)
        self.assertNothingRestored()

    def test_a_garbled_row(self):
        def garble(members):
            members["data/sections.section.jsonl"] = (
                b'{"model": "sections.section", "pk": "x", "fields": {"name": 5}}\n'
            )

        self.assertIn("sections.section rows cannot be restored", self.failed_restore(self.rewrite(garble)))
        self.assertNothingRestored()

    def test_a_damaged_media_file_writes_no_row_and_no_file(self):
        def damage(members):
            name = next(n for n in members if n.startswith("media/"))
            members[name] = b"not the photo"

        message = self.failed_restore(self.rewrite(damage))
        self.assertIn("its checksum does not match", message)
        self.assertNothingRestored()

    def test_an_unsafe_media_name(self):
        def escape(members):
            manifest = json.loads(members["manifest.json"])
            manifest["media"][0]["name"] = "../../etc/passwd"
            members["manifest.json"] = json.dumps(manifest).encode()

        self.assertIn("unsafe media file name", self.failed_restore(self.rewrite(escape)))

    def test_a_body_with_a_script_is_sanitised_on_the_way_in(self):
        def inject(members):
            rows = [json.loads(line) for line in members["data/articles.article.jsonl"].splitlines()]
            rows[0]["fields"]["body"] = '<p onclick="alert(1)">نص</p><script>alert(1)</script>'
            members["data/articles.article.jsonl"] = "\n".join(json.dumps(r) for r in rows).encode()

        self.restore(self.rewrite(inject))
        self.assertEqual(Article.objects.get().body, "<p>نص</p>")

    def test_the_export_command_refuses_a_missing_folder(self):
        with self.assertRaisesMessage(CommandError, "no such folder"):
            call_command("export_content", str(self.folder / "nowhere" / "a.tar.gz"), stdout=io.StringIO())


class ExportOutsideATransactionTests(TransactionTestCase):
    """The command as an operator runs it, not inside a test's transaction: the export reads
    one snapshot (on PostgreSQL, a REPEATABLE READ transaction of its own)."""

    def test_export_reads_one_consistent_snapshot(self):
        article = make_article("خبر", section=make_section("سوريا"))
        Comment.objects.create(article=article, name="قارئ", text="تعليق")
        with tempfile.TemporaryDirectory() as folder:
            archive = Path(folder) / "a.tar.gz"
            call_command("export_content", str(archive), stdout=io.StringIO())
            with tarfile.open(archive, "r:gz") as tar:
                manifest = json.loads(tar.extractfile("manifest.json").read())
        self.assertEqual(manifest["models"]["articles.article"], 1)
        self.assertEqual(manifest["models"]["comments.comment"], 1)
