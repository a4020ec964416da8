from datetime import timedelta
from urllib.parse import unquote

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import resolve
from django.utils import timezone

from articles.models import Article

from .factories import image_upload, make_article, make_author, make_section, make_source


class ArticlePublishedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        now = timezone.now()
        cls.live = make_article("خبر منشور منذ ساعة", pub_date=now - timedelta(hours=1))
        cls.old = make_article("خبر منشور قبل سنة", pub_date=now - timedelta(days=365))
        cls.draft = make_article("مسودة", status=Article.Status.DRAFT, pub_date=now - timedelta(hours=2))
        cls.future = make_article("خبر مجدول", pub_date=now + timedelta(hours=1))
        cls.future_draft = make_article(
            "مسودة مجدولة", status=Article.Status.DRAFT, pub_date=now + timedelta(days=1)
        )

    def test_published_has_only_past_published_articles_newest_first(self):
        self.assertQuerySetEqual(Article.objects.published(), [self.live, self.old])

    def test_published_excludes_drafts(self):
        self.assertNotIn(self.draft, Article.objects.published())

    def test_published_excludes_articles_scheduled_for_later(self):
        self.assertNotIn(self.future, Article.objects.published())

    def test_scheduled_article_becomes_published_when_its_time_comes(self):
        self.future.pub_date = timezone.now() - timedelta(seconds=1)
        self.future.save()
        self.assertIn(self.future, Article.objects.published())

    def test_new_article_is_a_draft(self):
        article = Article(title="عنوان", lead="مقدمة", body="<p>نص</p>", section=make_section())
        self.assertEqual(article.status, Article.Status.DRAFT)
        self.assertFalse(article.is_published())

    def test_is_published_agrees_with_published(self):
        for article, expected in [
            (self.live, True),
            (self.old, True),
            (self.draft, False),
            (self.future, False),
            (self.future_draft, False),
        ]:
            with self.subTest(article=article.title):
                self.assertIs(article.is_published(), expected)


class ArticleSlugTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("محلي")

    def test_slug_is_the_arabic_title_with_hyphens(self):
        article = make_article("مقتل ثلاثة مدنيين في دير الزور", section=self.section)
        self.assertEqual(article.slug, "مقتل-ثلاثة-مدنيين-في-دير-الزور")

    def test_slug_drops_tatweel_and_harakat_and_uses_western_digits(self):
        article = make_article("قصفٌ على دمشـــق في ٢٤ آذار", section=self.section)
        self.assertEqual(article.slug, "قصف-على-دمشق-في-24-آذار")

    def test_slug_of_punctuation_only_title_is_not_empty(self):
        article = make_article("؟!… «»", section=self.section)
        self.assertNotEqual(article.slug, "")
        # The URL must still be buildable and lead back to the article.
        match = resolve(unquote(article.get_absolute_url()))
        self.assertEqual(match.kwargs, {"pk": article.pk, "slug": article.slug})

    def test_slug_given_by_the_editor_is_kept(self):
        article = make_article("عنوان طويل عن الانتخابات", section=self.section, slug="انتخابات")
        self.assertEqual(article.slug, "انتخابات")

    def test_slug_is_kept_when_the_title_changes(self):
        article = make_article("عنوان أول", section=self.section)
        article.title = "عنوان معدّل"
        article.save()
        article.refresh_from_db()
        self.assertEqual(article.slug, "عنوان-أول")


class ModelTextAndUrlTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("من سوريا")
        cls.source = make_source("المرصد السوري")
        cls.author = make_author("ليلى حسن")
        cls.article = make_article("غارات على إدلب", section=cls.section)

    def test_str_is_the_name_readers_see(self):
        self.assertEqual(str(self.article), "غارات على إدلب")
        self.assertEqual(str(self.section), "من سوريا")
        self.assertEqual(str(self.source), "المرصد السوري")
        self.assertEqual(str(self.author), "ليلى حسن")

    def test_names_get_arabic_slugs(self):
        self.assertEqual(self.section.slug, "من-سوريا")
        self.assertEqual(self.source.slug, "المرصد-السوري")
        self.assertEqual(self.author.slug, "ليلى-حسن")

    def test_article_url_carries_its_number_and_arabic_slug(self):
        url = self.article.get_absolute_url()
        self.assertEqual(unquote(url), f"/news/{self.article.pk}/غارات-على-إدلب/")
        match = resolve(unquote(url))
        self.assertEqual(match.view_name, "articles:detail")
        self.assertEqual(match.kwargs, {"pk": self.article.pk, "slug": "غارات-على-إدلب"})

    def test_section_source_and_author_urls_carry_arabic_slugs(self):
        cases = [
            (self.section, "/section/من-سوريا/", "sections:detail"),
            (self.source, "/source/المرصد-السوري/", "sources:detail"),
            (self.author, "/author/ليلى-حسن/", "authors:detail"),
        ]
        for obj, path, view_name in cases:
            with self.subTest(obj=obj):
                url = obj.get_absolute_url()
                # reverse() percent-encodes the Arabic; readers' browsers show it decoded.
                self.assertTrue(url.isascii())
                self.assertEqual(unquote(url), path)
                match = resolve(unquote(url))
                self.assertEqual(match.view_name, view_name)
                self.assertEqual(match.kwargs, {"slug": obj.slug})


class ArticleBodySanitisingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section()

    def saved_body(self, body: str) -> str:
        article = make_article(section=self.section, body=body)
        return Article.objects.get(pk=article.pk).body

    def test_scripts_are_removed_with_their_content(self):
        body = self.saved_body("<p>نص</p><script>alert('xss')</script>")
        self.assertEqual(body, "<p>نص</p>")

    def test_event_handler_attributes_are_removed(self):
        body = self.saved_body('<p onclick="steal()">نص<img src="x" onerror="alert(1)"></p>')
        self.assertNotIn("onclick", body)
        self.assertNotIn("onerror", body)
        self.assertNotIn("<img", body)
        self.assertIn("نص", body)

    def test_javascript_links_lose_their_href(self):
        body = self.saved_body('<p><a href="javascript:alert(1)">اضغط هنا</a></p>')
        self.assertNotIn("javascript:", body)
        self.assertIn("اضغط هنا", body)

    def test_inline_styles_are_removed(self):
        body = self.saved_body('<p style="color:red;position:fixed">نص ملوّن</p>')
        self.assertEqual(body, "<p>نص ملوّن</p>")

    def test_h1_is_unwrapped_because_the_title_is_the_pages_h1(self):
        body = self.saved_body("<h1>عنوان ثان</h1><p>نص</p>")
        self.assertNotIn("<h1", body)
        self.assertIn("عنوان ثان", body)

    def test_iframes_are_removed(self):
        body = self.saved_body('<p>قبل</p><iframe src="https://evil.example/"></iframe><p>بعد</p>')
        self.assertNotIn("iframe", body)
        self.assertNotIn("evil.example", body)
        self.assertEqual(body, "<p>قبل</p><p>بعد</p>")

    def test_editor_formatting_is_kept(self):
        html = (
            "<h2>عنوان فرعي</h2><h3>عنوان أصغر</h3>"
            "<p>نص <strong>مهم</strong> و<em>مائل</em></p>"
            "<ul><li>أولاً</li></ul><ol><li>ثانياً</li></ol>"
            "<blockquote><p>قال المتحدث</p></blockquote>"
        )
        self.assertEqual(self.saved_body(html), html)

    def test_links_keep_their_web_address(self):
        body = self.saved_body('<p><a href="https://www.sana.sy/?p=1">سانا</a></p>')
        self.assertIn('href="https://www.sana.sy/?p=1"', body)
        self.assertIn(">سانا</a>", body)

    def test_body_is_sanitised_on_update_too(self):
        article = make_article(section=self.section)
        article.body = "<p>نص</p><script>alert(1)</script>"
        article.save()
        article.refresh_from_db()
        self.assertEqual(article.body, "<p>نص</p>")


class SectionTreeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.syria = make_section("سوريا")
        cls.north = make_section("الشمال", parent=cls.syria)
        cls.idlib = make_section("إدلب", parent=cls.north)

    def test_section_cannot_be_its_own_parent(self):
        self.syria.parent = self.syria
        with self.assertRaises(ValidationError) as caught:
            self.syria.clean()
        self.assertIn("parent", caught.exception.message_dict)

    def test_section_cannot_be_under_its_child(self):
        self.syria.parent = self.north
        with self.assertRaises(ValidationError) as caught:
            self.syria.full_clean()
        self.assertEqual(caught.exception.message_dict["parent"], ["لا يمكن أن يكون القسم أباً لنفسه."])

    def test_section_cannot_be_under_its_grandchild(self):
        self.syria.parent = self.idlib
        with self.assertRaises(ValidationError):
            self.syria.full_clean()

    def test_section_can_move_under_another_branch(self):
        other = make_section("العالم")
        self.north.parent = other
        self.north.full_clean()  # no error

    def test_top_level_section_is_valid(self):
        self.north.parent = None
        self.north.full_clean()  # no error


class TagSlugTests(TestCase):
    def test_arabic_tag_gets_an_arabic_slug(self):
        article = make_article(tags=["دير الزور"])
        tag = article.tags.get()
        self.assertEqual(tag.name, "دير الزور")
        self.assertEqual(tag.slug, "دير-الزور")

    def test_tags_with_the_same_name_are_one_tag(self):
        first = make_article(tags=["حلب"])
        second = make_article(tags=["حلب"])
        self.assertEqual(first.tags.get(), second.tags.get())


class SourceNamesTests(TestCase):
    def test_names_are_the_name_then_each_alias(self):
        source = make_source("سانا", aliases="الوكالة العربية السورية للأنباء, SANA")
        self.assertEqual(source.names, ["سانا", "الوكالة العربية السورية للأنباء", "SANA"])

    def test_blank_aliases_are_skipped(self):
        source = make_source("عنب بلدي", aliases=" , ,عنب,")
        self.assertEqual(source.names, ["عنب بلدي", "عنب"])

    def test_source_without_aliases_has_only_its_name(self):
        self.assertEqual(make_source("رويترز").names, ["رويترز"])


class ArticlePhotoUrlTests(TestCase):
    def test_article_without_photo_has_no_photo_url(self):
        article = make_article()
        self.assertEqual(article.photo_url("card"), "")
        self.assertEqual(article.photo_url("large"), "")

    def test_photo_url_is_a_jpeg_rendition_not_the_original(self):
        article = make_article(photo=image_upload("قصف.jpg", size=(2000, 1000)))
        original = article.featured_photo.image.url
        # JPEG: feeds and link previews do not all read WebP.
        self.assertRegex(article.photo_url("card"), r"^/media/photos/renditions/\d+/[^/]+-640[^/]*\.jpg$")
        self.assertRegex(article.photo_url("large"), r"^/media/photos/renditions/\d+/[^/]+-1600[^/]*\.jpg$")
        self.assertNotIn(original, [article.photo_url("card"), article.photo_url("large")])

    def test_photo_narrower_than_large_gives_its_own_width(self):
        article = make_article(photo=image_upload(size=(900, 600)))
        self.assertRegex(article.photo_url("large"), r"-900[^/]*\.jpg$")

    def test_photo_missing_from_storage_gives_no_url_and_no_error(self):
        article = make_article(photo=image_upload())
        photo = article.featured_photo
        photo.image.storage.delete(photo.image.name)
        photo.renditions = []  # never made: it came in through the migration
        with self.assertLogs("photos.models", "WARNING"):
            self.assertEqual(article.photo_url("card"), "")
        with self.assertLogs("photos.models", "WARNING"):
            self.assertEqual(article.photo_url("large"), "")
