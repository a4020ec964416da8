import io
import shutil
import tempfile
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse

from articles.models import Article, Correction
from authors.models import Author
from sections.models import Section
from sources.models import Source

SEED_KEY = "000_d071b9ecd2bf7f2d"
SEED_TITLE = "التحالف الدولي يرسل تعزيزات عسكرية جديدة لقتال تنظيم داعش في دير الزور"
DRAFT_TITLE = "ماذا نعرف عن معارك شرق الفرات؟"


def load_demo() -> str:
    stdout = io.StringIO()
    call_command("load_demo", stdout=stdout, stderr=io.StringIO())
    return stdout.getvalue()


class DemoMediaMixin:
    """Each class gets a media folder of its own, so the files counted are the demo's only."""

    @classmethod
    def setUpClass(cls):
        media = tempfile.mkdtemp(prefix="newsroom-demo-media-")
        cls.addClassCleanup(shutil.rmtree, media, ignore_errors=True)
        # Entered before TestCase.setUpClass, which runs setUpTestData.
        cls.enterClassContext(override_settings(MEDIA_ROOT=media))
        cls.media_root = Path(media)
        super().setUpClass()

    def media_files(self) -> list[str]:
        return sorted(str(p.relative_to(self.media_root)) for p in self.media_root.rglob("*") if p.is_file())


class LoadDemoContentTests(DemoMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output = load_demo()
        cls.seed = Article.objects.get(import_key=SEED_KEY)

    def test_creates_the_seed_sources_with_their_kinds(self):
        self.assertQuerySetEqual(
            Source.objects.order_by("name").values_list("name", "kind"),
            [
                ("أعماق", Source.Kind.ARMED_GROUP),
                ("دير الزور 24", Source.Kind.LOCAL_NETWORK),
                ("سانا", Source.Kind.STATE_MEDIA),
                ("فرات بوست", Source.Kind.LOCAL_NETWORK),
            ],
        )

    def test_sources_say_who_is_behind_them(self):
        notes = dict(Source.objects.values_list("name", "note"))
        self.assertIn("وكالة الأنباء الرسمية التابعة للحكومة السورية", notes["سانا"])
        self.assertIn("تنظيم داعش", notes["أعماق"])
        self.assertIn("دير الزور", notes["فرات بوست"])
        self.assertIn("دير الزور", notes["دير الزور 24"])
        self.assertEqual(Source.objects.get(name="سانا").website, "https://sana.sy")

    def test_source_page_shows_its_kind_and_note(self):
        response = self.client.get(Source.objects.get(name="أعماق").get_absolute_url())
        self.assertContains(response, "إعلام جماعة مسلحة")
        self.assertContains(response, "وكالة الدعاية التابعة لتنظيم داعش")
        self.assertContains(response, SEED_TITLE)

    def test_creates_the_sections_with_one_sub_section(self):
        self.assertQuerySetEqual(
            Section.objects.values_list("name", "parent__name"),
            [("من سوريا", None), ("المنطقة الشرقية", "من سوريا"), ("عربي ودولي", None), ("تقارير", None)],
        )

    def test_creates_the_authors(self):
        self.assertQuerySetEqual(
            Author.objects.order_by("name").values_list("name", flat=True),
            ["أحمد الخطيب", "فريق التحرير", "ليلى العلي", "مراسل في دير الزور"],
        )
        self.assertFalse(Author.objects.filter(bio="").exists())

    def test_a_story_carries_a_desk_byline_whose_real_name_stays_off_its_pages(self):
        desk = Author.objects.get(name="مراسل في دير الزور")
        self.assertEqual(desk.kind, Author.Kind.DESK)
        self.assertTrue(desk.real_name)
        story = Article.objects.published().get(authors=desk)
        for url in (story.get_absolute_url(), desk.get_absolute_url()):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, "<bdi>مراسل في دير الزور</bdi>")
                self.assertNotContains(response, desk.real_name)

    def test_the_story_resting_on_amaq_footage_carries_the_verification_label(self):
        label = "لم يتسنَّ لنا التحقق من صحة هذه المعلومات بشكل مستقل"
        story = Article.objects.get(verification__text=label)
        self.assertIn("أعماق", story.body)
        self.assertContains(self.client.get(story.get_absolute_url()), label)

    def test_seed_article_has_a_correction_then_an_update(self):
        corrections = list(self.seed.corrections.all())
        self.assertEqual([c.kind for c in corrections], [Correction.Kind.CORRECTION, Correction.Kind.UPDATE])
        for correction in corrections:
            self.assertGreater(correction.created_at, self.seed.pub_date)
        # Shown as last modified by its latest correction, not by the moment the demo loaded.
        self.assertEqual(self.seed.updated, corrections[-1].created_at)
        response = self.client.get(self.seed.get_absolute_url())
        self.assertContains(response, "تصحيحات وتحديثات")
        self.assertContains(response, "آخر تحديث:")

    def test_at_least_ten_published_articles_and_one_draft(self):
        self.assertGreaterEqual(Article.objects.published().count(), 10)
        self.assertQuerySetEqual(
            Article.objects.filter(status=Article.Status.DRAFT).values_list("title", flat=True), [DRAFT_TITLE]
        )

    def test_every_section_has_published_articles(self):
        for section in Section.objects.all():
            with self.subTest(section=section.name):
                self.assertTrue(Article.objects.published().filter(section=section).exists())

    def test_every_published_article_has_a_photo_with_renditions_on_disk(self):
        for article in Article.objects.published():
            with self.subTest(article=article.title):
                photo = article.featured_photo
                self.assertTrue(default_storage.exists(photo.image.name))
                self.assertTrue(photo.alt_text)
                # 1200 px placeholders: 320, 640, 1024 and 1200, each in WebP and JPEG.
                self.assertEqual(len(photo.renditions), 8)
                for rendition in photo.renditions:
                    self.assertTrue((self.media_root / rendition["name"]).is_file(), rendition["name"])

    def test_seed_article_is_the_imported_file(self):
        self.assertEqual(self.seed.title, SEED_TITLE)
        self.assertEqual(self.seed.section.name, "من سوريا")
        self.assertEqual(self.seed.body.count("<p>"), 14)
        self.assertTrue(self.seed.is_published())

    def test_seed_article_cites_its_four_sources(self):
        self.assertQuerySetEqual(
            self.seed.sources.order_by("name").values_list("name", flat=True),
            ["أعماق", "دير الزور 24", "سانا", "فرات بوست"],
        )

    def test_seed_article_page_shows_related_news(self):
        response = self.client.get(self.seed.get_absolute_url())
        self.assertContains(
            response, '<h2 id="related-title" class="block-title">أخبار متعلقة</h2>', html=True
        )
        related = response.context["related"]
        self.assertGreaterEqual(len(related), 2)
        self.assertNotIn(self.seed, related)
        # The editor's picks come first.
        self.assertEqual(
            {article.title for article in related[:2]},
            {
                "مقتل مدنيين بينهم كوادر طبية باستهداف مشفى في بلدة الشعفة",
                "التحالف ينفي استهداف المدنيين في منطقة هجين",
            },
        )
        for article in related:
            self.assertContains(response, article.get_absolute_url())
        self.assertNotContains(response, DRAFT_TITLE)

    def test_seed_article_page_shows_its_photo_and_sources(self):
        response = self.client.get(self.seed.get_absolute_url())
        self.assertContains(response, self.seed.featured_photo.url(1024))
        # The caption the seed file gave its photo.
        self.assertContains(response, '<span dir="auto">مدنيون هاربون من مناطق سيطرة تنظيم داعش')
        self.assertContains(response, "<bdi>دير الزور 24</bdi>")

    def test_draft_is_hidden_from_readers(self):
        draft = Article.objects.get(title=DRAFT_TITLE)
        self.assertEqual(self.client.get(draft.get_absolute_url()).status_code, 404)
        self.assertNotContains(self.client.get("/"), DRAFT_TITLE)

    def test_reports_what_it_loaded(self):
        self.assertIn(
            f"Demo content: {Article.objects.count()} articles, 4 sections, 4 sources, 4 authors.",
            self.output,
        )

    def test_running_again_adds_nothing(self):
        def counts():
            return {model._meta.label: model._default_manager.count() for model in apps.get_models()}

        before, files_before = counts(), self.media_files()
        load_demo()
        self.assertEqual(counts(), before)
        self.assertEqual(self.media_files(), files_before)
        self.assertEqual(Article.objects.get(import_key=SEED_KEY).featured_photo, self.seed.featured_photo)

    def test_running_again_keeps_editors_changes(self):
        Article.objects.filter(import_key__in=[SEED_KEY, "demo-01"]).update(status=Article.Status.DRAFT)
        Source.objects.filter(name="سانا").update(note="ملاحظة المحرر")
        load_demo()
        self.assertQuerySetEqual(
            Article.objects.filter(import_key__in=[SEED_KEY, "demo-01"]).values_list("status", flat=True),
            [Article.Status.DRAFT, Article.Status.DRAFT],
        )
        self.assertEqual(Source.objects.get(name="سانا").note, "ملاحظة المحرر")


class DemoAccountsTests(DemoMediaMixin, TestCase):
    ROLES = {"writer": "كتّاب", "editor": "محررون", "moderator": "مشرفون"}

    def test_creates_one_staff_account_per_role_and_an_admin_when_there_is_no_user(self):
        output = load_demo()
        users = get_user_model().objects.order_by("username")
        self.assertQuerySetEqual(
            users.values_list("username", flat=True), ["admin", "editor", "moderator", "writer"]
        )
        for user in users:
            with self.subTest(user=user.username):
                self.assertTrue(user.is_staff and user.is_active)
                self.assertTrue(user.check_password("newsroom-demo"))
                self.assertIn(f"  {user.username} ", output)
                if user.username == "admin":
                    self.assertTrue(user.is_superuser)
                else:
                    self.assertFalse(user.is_superuser)
                    self.assertQuerySetEqual(
                        user.groups.values_list("name", flat=True), [self.ROLES[user.username]]
                    )
        self.assertIn("password 'newsroom-demo'", output)

    def test_demo_editor_is_an_editor_not_a_superuser(self):
        load_demo()
        editor = get_user_model().objects.get(username="editor")
        self.assertTrue(editor.has_perm("articles.publish_article"))
        self.assertTrue(editor.has_perm("articles.add_correction"))
        self.assertFalse(editor.has_perm("auth.change_user"))
        writer = get_user_model().objects.get(username="writer")
        self.assertFalse(writer.has_perm("articles.publish_article"))

    def test_every_demo_account_can_log_in_to_the_admin(self):
        load_demo()
        for username in ["admin", *self.ROLES]:
            with self.subTest(username=username):
                self.assertTrue(self.client.login(username=username, password="newsroom-demo"))
                self.assertEqual(self.client.get(reverse("admin:index")).status_code, 200)
                self.client.logout()

    def test_no_demo_user_when_an_account_exists(self):
        get_user_model().objects.create_user("layla", password="a-real-password-1")
        output = load_demo()
        self.assertQuerySetEqual(get_user_model().objects.values_list("username", flat=True), ["layla"])
        self.assertIn(f"log in at {reverse('admin:index')} with yours", output)
        self.assertNotIn("newsroom-demo", output)

    def test_second_run_makes_no_more_accounts(self):
        load_demo()
        output = load_demo()
        self.assertEqual(get_user_model().objects.count(), 4)
        self.assertIn("Accounts already exist", output)
