import io
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.test import SimpleTestCase, TestCase
from PIL import Image

from articles.models import Article
from authors.models import Author
from photos.models import Photo
from sections.models import Section
from wordpress.content import convert
from wordpress.models import ImportedPost
from wordpress.photos import local_file
from wordpress.services import lead_and_body
from wordpress.wxr import Attachment

EXPORT = Path(__file__).resolve().parent / "fixtures" / "wordpress-export.xml"
SITE = "furat-news.example"
DAMASCUS = ZoneInfo("Asia/Damascus")
# As WordPress wrote it in <link>: lower-case %-escapes.
OLD_PATH_101 = (
    "/2018/12/01/%d8%aa%d8%b9%d8%b2%d9%8a%d8%b2%d8%a7%d8%aa-%d8%b9%d8%b3%d9%83%d8%b1%d9%8a%d8%a9-%d8%ac"
    "%d8%af%d9%8a%d8%af%d8%a9-%d9%84%d9%84%d8%aa%d8%ad%d8%a7%d9%84%d9%81-%d9%81%d9%8a-%d8%af%d9%8a%d8%b1"
    "-%d8%a7%d9%84%d8%b2%d9%88%d8%b1/"
)
BODY_101 = (
    "<p>أرسل التحالف الدولي بقيادة الولايات المتحدة تعزيزات عسكرية وشحنة أسلحة إلى قواته البرية<br>\n"
    "شرقي نهر الفرات.</p>\n"
    "<p>وقالت مصادر محلية إن <strong>عشرات الشاحنات</strong> عبرت من معبر الوليد الحدودي خلال الليل.</p>\n"
    "<h3>نازحون من الشعفة</h3>\n"
    "<p>تواصلت حركة النزوح من بلدة الشعفة باتجاه المخيمات، وسط ظروف إنسانية صعبة.</p>\n"
    "<blockquote><p>الوضع في المخيم لا يُحتمل</p></blockquote>"
)
LEAD_102 = "رفعت المخابز في مدينة حلب سعر ربطة الخبز إلى 200 ليرة سورية، في ثالث زيادة منذ مطلع العام."
BODY_102 = (
    "<p>طابور أمام فرن في حي الشعار</p>\n"
    "<h2>ماذا يقول الأهالي؟</h2>\n"
    "<p>قال أحد السكان إن <strong>الراتب لا يكفي</strong> لشراء الخبز طوال الشهر.</p>\n"
    '<p><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">'
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ</a></p>"
)


def run_import(*args) -> str:
    stdout = io.StringIO()
    call_command("import_wordpress", *map(str, args), stdout=stdout)
    return stdout.getvalue()


def make_media_dir() -> Path:
    """A copy of wp-content/uploads holding the first post's photo only."""
    folder = Path(tempfile.mkdtemp(prefix="wp-uploads-"))
    (folder / "2018" / "12").mkdir(parents=True)
    Image.new("RGB", (800, 450), (90, 80, 60)).save(folder / "2018/12/deir-ezzor-civilians.jpg", "JPEG")
    return folder


def article(post_id: int) -> Article:
    return ImportedPost.objects.get(site=SITE, post_id=post_id).article


class ExportFileMixin:
    def setUp(self):
        super().setUp()
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)

    def write(self, content: str | bytes, name: str = "export.xml") -> Path:
        path = self.folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path


class ImportedExportTests(ExportFileMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.media_dir = make_media_dir()
        cls.output = run_import(EXPORT, "--media-dir", cls.media_dir)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.media_dir)
        super().tearDownClass()

    def test_published_classic_post_keeps_every_field(self):
        post = article(101)
        self.assertEqual(post.title, "التحالف يرسل تعزيزات عسكرية جديدة إلى دير الزور")
        # WordPress stored the slug percent-encoded; ours reads as Arabic.
        self.assertEqual(post.slug, "تعزيزات-عسكرية-جديدة-للتحالف-في-دير-الزور")
        self.assertEqual(post.lead, "أرسل التحالف الدولي تعزيزات عسكرية جديدة إلى قواته شرقي الفرات.")
        self.assertEqual(post.body, BODY_101)
        self.assertEqual(post.status, Article.Status.PUBLISHED)
        self.assertEqual(post.pub_date, datetime(2018, 12, 1, 9, 30, tzinfo=UTC))
        self.assertEqual(post.section.name, "دير الزور")
        # "أخبار" is the section's grandparent, so it is not repeated as a tag.
        self.assertEqual(sorted(post.tags.names()), ["التحالف الدولي", "نزوح"])
        self.assertEqual([a.name for a in post.authors.all()], ["رامي الحلبي"])
        self.assertTrue(post.comments_open)
        self.assertIsNone(post.created_by)

    def test_featured_photo_comes_from_media_dir_with_caption_alt_and_credit(self):
        post = article(101)
        photo = post.featured_photo
        self.assertRegex(photo.image.name, r"^photos/\d{4}/\d{2}/deir-ezzor-civilians.*\.jpg$")
        self.assertTrue(photo.renditions)  # the library made its sizes
        with photo.image.open("rb") as file, Image.open(file) as image:
            self.assertEqual(image.size, (800, 450))
        self.assertEqual(photo.caption, "مدنيون هاربون من مناطق سيطرة تنظيم داعش بريف دير الزور الشمالي")
        self.assertEqual(photo.alt_text, "عائلة تسير على طريق ترابي وخلفها دخان")
        self.assertEqual(photo.credit, "عمر الأحمد")
        self.assertTrue(post.wordpress_origin.featured_image_copied)
        self.assertEqual(post.wordpress_origin.featured_image["post_id"], 201)

    def test_gutenberg_post_with_shortcodes_and_a_later_attachment(self):
        post = article(102)
        self.assertEqual(post.slug, "أسعار-الخبز-ترتفع-في-حلب")
        self.assertEqual(post.body, BODY_102)
        # No excerpt: the first paragraph became the lead, and is not printed twice.
        self.assertEqual(post.lead, LEAD_102)
        self.assertEqual(post.section.name, "اقتصاد")
        self.assertEqual(list(post.tags.names()), ["الليرة السورية"])
        self.assertEqual([a.name for a in post.authors.all()], ["نور الشامي"])
        self.assertFalse(post.comments_open)
        # The attachment stands after the post in the file, and its file is not in --media-dir.
        # No Photo without its file: the URL, caption and alt text wait on the import record.
        self.assertIsNone(post.featured_photo)
        origin = post.wordpress_origin
        self.assertFalse(origin.featured_image_copied)
        self.assertEqual(
            origin.featured_image,
            {
                "post_id": 202,
                "url": "https://www.furat-news.example/wp-content/uploads/2019/01/bread-queue.png",
                "file": "2019/01/bread-queue.png",
                "title": "طابور أمام مخبز في حلب",
                "caption": "<em>طابور</em> أمام مخبز في حي الشعار &amp; انتظار لساعات",
                "alt": "رجال ونساء يصطفون أمام نافذة فرن",
                "credit": "",
            },
        )

    def test_statuses_map_to_the_workflow(self):
        statuses = {record.post_id: record.article.status for record in ImportedPost.objects.all()}
        self.assertEqual(
            statuses,
            {
                101: Article.Status.PUBLISHED,
                102: Article.Status.PUBLISHED,
                103: Article.Status.DRAFT,
                104: Article.Status.SCHEDULED,
                105: Article.Status.REVIEW,
                106: Article.Status.DRAFT,  # private: for the old site's staff only
            },
        )
        self.assertQuerySetEqual(Article.objects.published(), [article(102), article(101)])

    def test_dates_without_gmt_are_read_in_local_time(self):
        self.assertEqual(article(103).pub_date, datetime(2019, 1, 10, 14, 20, tzinfo=DAMASCUS))
        self.assertEqual(article(104).pub_date, datetime(2030, 3, 1, 7, 0, tzinfo=UTC))

    def test_a_single_paragraph_is_both_lead_and_body(self):
        text = "بدأ موسم حصاد القمح في ريف الحسكة وسط مخاوف من قلة الأمطار."
        self.assertEqual((article(103).lead, article(103).body), (text, f"<p>{text}</p>"))

    def test_drafts_without_a_slug_get_one_from_the_title(self):
        self.assertEqual(article(103).slug, "مسودة-حصاد-القمح-في-الحسكة")
        self.assertEqual(article(105).slug, "aleppo-bakeries-letter")

    def test_categories_become_hidden_sections_with_their_hierarchy(self):
        sections = {s.name: s for s in Section.objects.select_related("parent")}
        self.assertEqual(set(sections), {"أخبار", "سوريا", "دير الزور", "اقتصاد", "رأي"})
        self.assertEqual(sections["دير الزور"].parent, sections["سوريا"])
        self.assertEqual(sections["سوريا"].parent, sections["أخبار"])
        self.assertIsNone(sections["أخبار"].parent)
        self.assertEqual(sections["دير الزور"].slug, "دير-الزور")
        self.assertEqual(sections["دير الزور"].description, "أخبار المحافظة وريفها & مخيماتها")
        self.assertFalse(any(s.is_active for s in sections.values()))

    def test_authors_become_bylines_once_each(self):
        self.assertEqual(sorted(Author.objects.values_list("name", flat=True)), ["رامي الحلبي", "نور الشامي"])

    def test_skipped_items_are_not_imported(self):
        self.assertEqual(Article.objects.count(), 6)
        self.assertFalse(ImportedPost.objects.filter(post_id__in=[2, 107, 108]).exists())

    def test_summary_reports_counts_and_reasons(self):
        output = self.output
        self.assertIn("Found 8 posts, 2 attachments, 5 categories and 2 authors.", self.output)
        self.assertIn("8 of 8 posts (100%)", self.output)
        self.assertIn("Done: 6 created, 0 updated, 0 unchanged, 3 skipped.", self.output)
        self.assertIn("skipped 1: page: only posts are imported", self.output)
        self.assertIn("skipped 1: auto-draft: the empty post WordPress opens for an editor", self.output)
        self.assertIn("skipped 1: in WordPress's trash", self.output)
        self.assertIn("Sections created: 5", self.output)
        self.assertIn("Bylines created: 2. Old addresses kept: 2.", self.output)
        self.assertIn("Featured images: 1 copied from --media-dir, 1 recorded by their original URL.", output)
        self.assertIn("[gallery] left out of the body", self.output)
        self.assertIn("post 102 «أسعار الخبز ترتفع في حلب للمرة الثالثة هذا العام»: featured image", output)

    def test_old_permalink_redirects_permanently_to_the_article(self):
        response = self.client.get(OLD_PATH_101)
        self.assertRedirects(response, article(101).get_absolute_url(), status_code=301)
        self.assertContains(self.client.get(article(101).get_absolute_url()), "عشرات الشاحنات")

    def test_old_permalink_redirects_without_its_trailing_slash(self):
        response = self.client.get(OLD_PATH_101.rstrip("/"))
        self.assertRedirects(response, article(101).get_absolute_url(), status_code=301)

    def test_wordpress_post_id_links_redirect_with_one_query(self):
        with self.assertNumQueries(1):
            response = self.client.get("/?p=102")
        self.assertRedirects(response, article(102).get_absolute_url(), status_code=301)

    def test_redirect_follows_a_slug_changed_since(self):
        post = article(101)
        post.slug = "تعزيزات-للتحالف"
        post.save()
        self.assertRedirects(self.client.get(OLD_PATH_101), post.get_absolute_url(), status_code=301)

    def test_unknown_path_costs_one_lookup_and_stays_404(self):
        with self.assertNumQueries(2):  # the 404 page's menu, then the old addresses
            self.assertEqual(self.client.get("/2018/12/01/no-such-post/").status_code, 404)

    def test_unpublished_posts_do_not_redirect_and_give_their_title_away(self):
        self.assertEqual(self.client.get("/?p=104").status_code, 200)  # the home page, not a 301
        self.assertEqual(self.client.get("/?p=103").status_code, 200)
        post = article(101)
        post.status = Article.Status.DRAFT
        post.save()
        self.assertEqual(self.client.get(OLD_PATH_101).status_code, 404)

    def test_old_paths_are_stored_readable(self):
        self.assertEqual(
            ImportedPost.objects.get(post_id=101).old_path,
            "/2018/12/01/تعزيزات-عسكرية-جديدة-للتحالف-في-دير-الزور/",
        )
        self.assertEqual(ImportedPost.objects.get(post_id=103).old_path, "")  # "?p=103" goes by the id

    def test_rerun_changes_nothing(self):
        photo = article(101).featured_photo_id
        output = run_import(EXPORT, "--media-dir", self.media_dir)
        self.assertIn("Done: 0 created, 0 updated, 6 unchanged, 3 skipped.", output)
        self.assertEqual(Article.objects.count(), 6)
        self.assertEqual(Section.objects.count(), 5)
        self.assertEqual(Author.objects.count(), 2)
        self.assertEqual(ImportedPost.objects.count(), 6)
        self.assertEqual(article(101).featured_photo_id, photo)
        self.assertEqual(Photo.objects.count(), 1)

    def test_post_edited_in_wordpress_is_updated(self):
        photo = article(101).featured_photo_id
        edited = EXPORT.read_text(encoding="utf-8").replace(
            "التحالف يرسل تعزيزات عسكرية جديدة إلى دير الزور", "التحالف يرسل تعزيزات إضافية إلى دير الزور"
        )
        output = run_import(self.write(edited), "--media-dir", self.media_dir)
        self.assertIn("Done: 0 created, 1 updated, 5 unchanged, 3 skipped.", output)
        self.assertEqual(article(101).title, "التحالف يرسل تعزيزات إضافية إلى دير الزور")
        self.assertEqual(article(101).featured_photo_id, photo)  # the same photo, not a second copy
        self.assertEqual(Photo.objects.count(), 1)
        self.assertEqual(Article.objects.count(), 6)
        self.assertEqual(ImportedPost.objects.count(), 6)

    def test_post_published_in_wordpress_since_is_published_and_redirected(self):
        edited = EXPORT.read_text(encoding="utf-8").replace(
            "<wp:status><![CDATA[pending]]></wp:status>", "<wp:status><![CDATA[publish]]></wp:status>"
        )
        run_import(self.write(edited), "--media-dir", self.media_dir)
        self.assertEqual(article(105).status, Article.Status.PUBLISHED)
        response = self.client.get("/?p=105")
        self.assertRedirects(response, article(105).get_absolute_url(), status_code=301)

    def test_article_edited_in_the_newsroom_is_left_alone(self):
        post = article(101)
        post.title = "عنوان عدّله المحرر"
        post.save()
        edited = EXPORT.read_text(encoding="utf-8").replace("عشرات الشاحنات", "مئات الشاحنات")
        output = run_import(self.write(edited), "--media-dir", self.media_dir)
        self.assertIn("skipped 1: edited in the newsroom since the last import", output)
        post.refresh_from_db()
        self.assertEqual(post.title, "عنوان عدّله المحرر")
        self.assertIn("عشرات الشاحنات", post.body)

    def test_article_deleted_in_the_newsroom_stays_deleted(self):
        article(103).delete()
        output = run_import(EXPORT, "--media-dir", self.media_dir)
        self.assertIn("skipped 1: deleted in the newsroom after an earlier import", output)
        self.assertEqual(Article.objects.count(), 5)


class BrokenExportTests(ExportFileMixin, TestCase):
    def assert_refused(self, path: Path, message: str) -> None:
        with self.assertRaisesMessage(CommandError, message) as raised:
            run_import(path)
        self.assertIn("Nothing was imported", str(raised.exception))
        self.assertEqual(Article.objects.count(), 0)
        self.assertEqual(Section.objects.count(), 0)
        self.assertEqual(Author.objects.count(), 0)
        self.assertEqual(ImportedPost.objects.count(), 0)

    def test_truncated_file_is_refused_before_anything_is_written(self):
        data = EXPORT.read_bytes()
        self.assert_refused(self.write(data[: len(data) * 3 // 4]), "not well-formed XML (line ")

    def test_file_that_is_not_xml_is_refused(self):
        zipped = self.write(b"PK\x03\x04 a zip file, not an export")
        self.assert_refused(zipped, "not well-formed XML (line 1")

    def test_rss_feed_that_is_not_an_export_is_refused(self):
        feed = '<?xml version="1.0"?><rss version="2.0"><channel><title>خبر</title></channel></rss>'
        self.assert_refused(self.write(feed), "not a WordPress export (WXR)")

    def test_external_entity_is_refused(self):
        secret = self.write("سر", name="secret.txt")
        hostile = EXPORT.read_text(encoding="utf-8").replace(
            '<?xml version="1.0" encoding="UTF-8" ?>',
            f'<?xml version="1.0" encoding="UTF-8" ?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>',
        )
        hostile = hostile.replace("<title>مدنيون هاربون من مناطق القتال</title>", "<title>&xxe;</title>")
        self.assert_refused(self.write(hostile), "refused: the file declares a DOCTYPE")

    def test_entity_expansion_bomb_is_refused(self):
        bomb = (
            '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
            + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
            + ']><rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>&i;</title></channel></rss>'
        )
        self.assert_refused(self.write(bomb), "refused: the file declares a DOCTYPE")

    def test_missing_file_is_refused(self):
        self.assert_refused(self.folder / "nowhere.xml", "cannot be read")

    def test_database_error_part_way_rolls_everything_back(self):
        real = ImportedPost.save
        calls = []

        def fail_on_second_post(record, *args, **kwargs):
            calls.append(record.post_id)
            if len(calls) > 1:
                raise DatabaseError("disk full")
            return real(record, *args, **kwargs)

        with mock.patch.object(ImportedPost, "save", autospec=True, side_effect=fail_on_second_post):
            self.assert_refused(EXPORT, "disk full")
        self.assertEqual(len(calls), 2)  # the first post had been written before the failure

    def test_missing_media_dir_is_refused(self):
        with self.assertRaisesMessage(CommandError, "--media-dir"):
            run_import(EXPORT, "--media-dir", self.folder / "uploads")
        self.assertEqual(Article.objects.count(), 0)


class MediaDirTests(ExportFileMixin, SimpleTestCase):
    def attachment(self, file: str) -> Attachment:
        return Attachment(7, "https://example.org/wp-content/uploads/" + file, file, "", "", "", "")

    def test_file_outside_the_media_dir_is_not_read(self):
        Image.new("RGB", (10, 10)).save(self.folder / "secret.jpg")
        (self.folder / "uploads").mkdir()
        path, reason = local_file(self.attachment("../secret.jpg"), self.folder / "uploads")
        self.assertIsNone(path)
        self.assertIn("outside --media-dir", reason)

    def test_file_that_is_not_an_image_is_not_used(self):
        self.write(b"<?php echo 1;", name="photo.jpg")
        path, reason = local_file(self.attachment("photo.jpg"), self.folder)
        self.assertIsNone(path)
        self.assertIn("refused by the photo library (الملف ليس صورة يمكن قراءتها", reason)

    def test_path_is_found_from_the_url_when_the_file_meta_is_missing(self):
        (self.folder / "2019").mkdir()
        Image.new("RGB", (10, 10)).save(self.folder / "2019" / "صورة.png")
        url = "https://example.org/wp-content/uploads/2019/%D8%B5%D9%88%D8%B1%D8%A9.png"
        attachment = Attachment(7, url, "", "", "", "", "")
        path, _ = local_file(attachment, self.folder)
        self.assertEqual(path, (self.folder / "2019" / "صورة.png").resolve())


class LeadTests(SimpleTestCase):
    def test_long_first_paragraph_stays_and_the_lead_is_its_start(self):
        paragraph = "كلمة " * 100
        lead, body = lead_and_body("", f"<p>{paragraph}</p>\n<p>ثانية</p>")
        self.assertEqual(body, f"<p>{paragraph}</p>\n<p>ثانية</p>")
        self.assertTrue(lead.endswith("…"))
        self.assertLessEqual(len(lead), 300)

    def test_first_paragraph_with_a_link_keeps_its_link_in_the_body(self):
        body = '<p>قالت <a href="https://e.org">الوكالة</a> إن</p>\n<p>ثانية</p>'
        self.assertEqual(lead_and_body("", body), ("قالت الوكالة إن", body))


class ContentConversionTests(SimpleTestCase):
    def test_classic_paragraphs_from_blank_lines(self):
        converted = convert("سطر أول\nسطر ثانٍ\n\nفقرة ثانية")
        self.assertEqual(converted.html, "<p>سطر أول<br>\nسطر ثانٍ</p>\n<p>فقرة ثانية</p>")

    def test_caption_shortcode_keeps_its_words_not_the_image(self):
        old_style = '[caption id="a" caption="نص قديم"]<img src="x.jpg">[/caption]'
        self.assertEqual(convert(old_style).html, "<p>نص قديم</p>")
        new_style = '[caption id="a"]<a href="x"><img src="x.jpg"></a> نص[/caption]'
        self.assertEqual(convert(new_style).html, "<p>نص</p>")

    def test_headings_fit_the_body_levels(self):
        self.assertEqual(convert("<h1>أ</h1><h4>ب</h4><h6>ج</h6>").html, "<h2>أ</h2>\n<h3>ب</h3>\n<h3>ج</h3>")

    def test_embeds_become_links(self):
        html = convert('[embed]https://youtu.be/x[/embed]\n\n[video src="https://e.org/v.mp4"][/video]').html
        self.assertEqual(
            html,
            '<p><a href="https://youtu.be/x">https://youtu.be/x</a></p>\n'
            '<p><a href="https://e.org/v.mp4">https://e.org/v.mp4</a></p>',
        )

    def test_plugin_shortcodes_go_but_bracketed_words_stay(self):
        converted = convert('قال [sic] إن [1] [contact-form-7 id="4"] [highlight]مهم[/highlight]')
        self.assertEqual(converted.html, "<p>قال [sic] إن [1]  مهم</p>")

    def test_table_rows_become_lines(self):
        table = "<table><tr><th>المدينة</th><th>السعر</th></tr><tr><td>حلب</td><td>200</td></tr></table>"
        self.assertEqual(convert(table).html, "<p>المدينة | السعر</p>\n<p>حلب | 200</p>")

    def test_gallery_and_inline_images_are_reported(self):
        converted = convert('<p>نص <img src="a.jpg"></p>\n[gallery ids="1,2"]')
        self.assertEqual(converted.html, "<p>نص </p>")
        self.assertEqual(converted.dropped, ["[gallery]", "1 inline image(s)"])
