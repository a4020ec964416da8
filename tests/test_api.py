"""The public JSON API (/api/v1/): what it shows, what it never shows, and how it answers."""

import hashlib
from datetime import timedelta
from urllib.parse import unquote, urlsplit

import yaml
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.validation import validate_schema

from api.checks import check_api_rates
from articles.models import Article, Correction, VerificationLabel

from .factories import image_upload, make_article, make_author, make_photo, make_section, make_source

UNPUBLISHED = "سري"  # in every unpublished title and lead, never in any answer


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


class APITestCase(TestCase):
    def setUp(self):
        # Rate-limit counters live in the cache and would carry over from one test to the next.
        cache.clear()

    def get(self, name, params=None, status=200, **kwargs):
        url = name if name.startswith("/") else reverse(f"api:{name}", kwargs=kwargs.pop("kw", None))
        response = self.client.get(url, params or {}, **kwargs)
        self.assertEqual(response.status_code, status, response.content[:500])
        return response

    def results(self, name, params=None, **kwargs) -> list[dict]:
        return self.get(name, params, **kwargs).json()["results"]

    def titles(self, name, params=None, **kwargs) -> list[str]:
        return [item["title"] for item in self.results(name, params, **kwargs)]


class NewsroomData:
    """Published stories in a section tree, with an unpublished twin of each kind beside them."""

    @classmethod
    def setUpTestData(cls):
        cls.syria = make_section("من سوريا", slug="من-سوريا")
        cls.east = make_section("المنطقة الشرقية", slug="المنطقة-الشرقية", parent=cls.syria)
        cls.economy = make_section("اقتصاد", slug="اقتصاد")
        cls.sana = make_source("سانا", slug="سانا", kind="state")
        cls.reuters = make_source("رويترز", slug="رويترز", kind="agency")
        cls.layla = make_author("ليلى العلي", slug="ليلى-العلي", real_name="اسم حقيقي محمي")
        cls.desk = make_author(
            "مراسل دير الزور", slug="مراسل-دير-الزور", kind="pseudonym", real_name="خالد المخفي"
        )
        cls.draft_only = make_author("توقيع جديد", slug="توقيع-جديد")
        cls.future_only = make_author("توقيع الغد", slug="توقيع-الغد")

        cls.newest = make_article(
            "اشتباكات في ريف دير الزور",
            section=cls.east,
            pub_date=ago(hours=1),
            tags=["دير الزور"],
            sources=[cls.sana],
            authors=[cls.desk],
        )
        cls.middle = make_article(
            "الحكومة تعلن موازنة جديدة",
            section=cls.syria,
            pub_date=ago(days=2),
            tags=["موازنة"],
            sources=[cls.reuters],
            authors=[cls.layla],
        )
        cls.oldest = make_article(
            "ارتفاع سعر الخبز في دير الزور",
            section=cls.economy,
            pub_date=ago(days=10),
            tags=["دير الزور", "أسعار"],
            sources=[cls.sana, cls.reuters],
            authors=[cls.layla, cls.desk],
        )
        # Scheduled, and its minute has come: readers see it, so the API does too.
        cls.due = make_article(
            "خبر مجدول حان موعده", section=cls.economy, status=Article.Status.SCHEDULED, pub_date=ago(days=5)
        )
        cls.published = [cls.newest, cls.middle, cls.due, cls.oldest]

        shared = {"section": cls.east, "tags": ["دير الزور"], "sources": [cls.sana]}
        cls.draft = make_article(
            f"مسودة {UNPUBLISHED}",
            lead=f"مقدمة {UNPUBLISHED}",
            status=Article.Status.DRAFT,
            authors=[cls.draft_only, cls.desk],
            **shared,
        )
        cls.review = make_article(f"مراجعة {UNPUBLISHED}", status=Article.Status.REVIEW, **shared)
        cls.archived = make_article(f"مؤرشف {UNPUBLISHED}", status=Article.Status.ARCHIVED, **shared)
        cls.future = make_article(
            f"مجدول {UNPUBLISHED}",
            status=Article.Status.SCHEDULED,
            pub_date=ago(hours=-3),
            authors=[cls.future_only],
            **shared,
        )
        # "published" with a future date: still not for readers until then.
        cls.published_future = make_article(
            f"منشور مستقبلاً {UNPUBLISHED}", pub_date=ago(hours=-1), authors=[cls.future_only], **shared
        )
        cls.unpublished = [cls.draft, cls.review, cls.archived, cls.future, cls.published_future]
        # The editor's picks include a draft: the related list must still leave it out.
        cls.newest.related.add(cls.draft, cls.oldest)


class ArticleListTests(NewsroomData, APITestCase):
    def test_lists_published_articles_newest_first(self):
        self.assertEqual(self.titles("articles"), [a.title for a in self.published])

    def test_never_lists_unpublished_articles(self):
        response = self.get("articles")
        self.assertNotContains(response, UNPUBLISHED)
        ids = {item["id"] for item in response.json()["results"]}
        self.assertFalse(ids & {a.pk for a in self.unpublished})

    def test_item_has_links_section_authors_and_tags(self):
        item = self.results("articles")[0]
        self.assertEqual(item["id"], self.newest.pk)
        self.assertEqual(item["url"], "http://testserver" + self.newest.get_absolute_url())
        self.assertEqual(item["api_url"], f"http://testserver/api/v1/articles/{self.newest.pk}/")
        self.assertEqual(item["section"], {"slug": "المنطقة-الشرقية", "name": "المنطقة الشرقية"})
        self.assertEqual(item["authors"], [{"slug": "مراسل-دير-الزور", "name": "مراسل دير الزور"}])
        self.assertEqual(item["tags"], [{"slug": "دير-الزور", "name": "دير الزور"}])
        self.assertIsNone(item["photo"])
        self.assertNotIn("body", item)

    def test_real_names_behind_bylines_are_never_shown(self):
        for response in (self.get("articles"), self.get("article", kw={"pk": self.oldest.pk})):
            self.assertNotContains(response, "اسم حقيقي محمي")
            self.assertNotContains(response, "خالد المخفي")
            self.assertNotContains(response, "real_name")

    def test_filter_by_section_includes_its_sub_sections(self):
        self.assertEqual(
            self.titles("articles", {"section": "من-سوريا"}), [self.newest.title, self.middle.title]
        )
        self.assertEqual(self.titles("articles", {"section": "المنطقة-الشرقية"}), [self.newest.title])

    def test_filter_by_tag(self):
        self.assertEqual(
            self.titles("articles", {"tag": "دير-الزور"}), [self.newest.title, self.oldest.title]
        )

    def test_filter_by_source(self):
        self.assertEqual(
            self.titles("articles", {"source": "رويترز"}), [self.middle.title, self.oldest.title]
        )

    def test_filter_by_author(self):
        self.assertEqual(
            self.titles("articles", {"author": "ليلى-العلي"}), [self.middle.title, self.oldest.title]
        )

    def test_filter_by_an_author_of_unpublished_work_only_lists_nothing(self):
        self.assertEqual(self.titles("articles", {"author": "توقيع-جديد"}), [])

    def test_filter_by_date_range(self):
        params = {"published_after": ago(days=6).isoformat(), "published_before": ago(days=1).isoformat()}
        self.assertEqual(self.titles("articles", params), [self.middle.title, self.due.title])

    def test_filter_by_plain_dates(self):
        day = timezone.localdate(self.oldest.pub_date)
        params = {
            "published_after": day.isoformat(),
            "published_before": (day + timedelta(days=1)).isoformat(),
        }
        self.assertEqual(self.titles("articles", params), [self.oldest.title])

    def test_filters_combine(self):
        self.assertEqual(
            self.titles("articles", {"tag": "دير-الزور", "source": "رويترز"}), [self.oldest.title]
        )

    def test_unknown_slugs_are_a_400_naming_the_filter(self):
        for name in ("section", "tag", "source", "author"):
            with self.subTest(name):
                errors = self.get("articles", {name: "لا-وجود-له"}, status=400).json()
                self.assertEqual(list(errors), [name])

    def test_misspelt_parameter_is_a_400_not_every_article(self):
        errors = self.get("articles", {"sectoin": "اقتصاد"}, status=400).json()
        self.assertIn("section", errors["sectoin"][0])

    def test_bad_dates_are_a_400(self):
        self.get("articles", {"published_after": "أمس"}, status=400)
        self.get("articles", {"published_before": "2026-13-45"}, status=400)
        errors = self.get(
            "articles", {"published_after": "2026-05-02", "published_before": "2026-05-01"}, status=400
        ).json()
        self.assertIn("published_after", errors["published_before"][0])

    def test_bad_page_size_or_cursor_is_a_400(self):
        for params in ({"page_size": "0"}, {"page_size": "كثير"}, {"page_size": "51"}, {"cursor": "xyz"}):
            with self.subTest(params):
                self.assertEqual(list(self.get("articles", params, status=400).json()), list(params))

    def test_nul_character_is_a_400(self):
        self.get("articles", {"section": "a\x00b"}, status=400)

    def test_item_photo(self):
        article = make_article(photo=image_upload(), photo_alt="سوق", photo_caption="السوق المسقوف")
        item = self.results("articles")[0]
        self.assertEqual(item["id"], article.pk)
        self.assertEqual((item["photo"]["alt"], item["photo"]["caption"]), ("سوق", "السوق المسقوف"))
        self.assertTrue(item["photo"]["renditions"])

    def test_query_count_does_not_grow_with_page_size(self):
        for n in range(12):
            make_article(
                section=self.economy,
                tags=["دير الزور", "أسعار"],
                authors=[self.layla, self.desk],
                photo=image_upload() if n % 2 else None,
            )
        # The page (with sections and photos), its tags, its authors.
        with self.assertNumQueries(3):
            self.assertEqual(len(self.results("articles", {"page_size": 2})), 2)
        with self.assertNumQueries(3):
            self.assertEqual(len(self.results("articles", {"page_size": 15})), 15)
        # A slug filter looks its object up once.
        with self.assertNumQueries(4):
            self.results("articles", {"page_size": 15, "tag": "أسعار"})


class NotFoundTests(APITestCase):
    def test_unknown_api_addresses_are_json_404s(self):
        for url in ("/api/v1/articles/abc/", "/api/v1/nothing/", "/api/v2/articles/"):
            with self.subTest(url):
                self.assertIn("detail", self.get(url, status=404).json())

    def test_missing_slash_still_redirects(self):
        self.assertRedirects(self.get("/api/v1/articles", status=301), "/api/v1/articles/", status_code=301)

    def test_writing_is_not_allowed(self):
        response = self.client.post(reverse("api:articles"), {"title": "x"})
        self.assertEqual(response.status_code, 405)
        self.assertFalse(Article.objects.exists())


class CursorPaginationTests(NewsroomData, APITestCase):
    def walk(self, page_size=1, between_pages=None) -> list[int]:
        ids, response = [], self.get("articles", {"page_size": page_size})
        while True:
            data = response.json()
            ids += [item["id"] for item in data["results"]]
            if not data["next"]:
                return ids
            if between_pages:
                between_pages()
            response = self.get(data["next"].removeprefix("http://testserver"))

    def test_pages_cover_every_published_article_once(self):
        self.assertEqual(self.walk(page_size=1), [a.pk for a in self.published])
        self.assertEqual(self.walk(page_size=3), [a.pk for a in self.published])

    def test_stories_published_while_walking_do_not_repeat_or_skip_any(self):
        def publish_one():
            make_article("خبر عاجل جديد", section=self.economy)

        self.assertEqual(self.walk(page_size=1, between_pages=publish_one), [a.pk for a in self.published])

    def test_previous_link_leads_back(self):
        second = self.get("articles", {"page_size": 2}).json()["next"]
        previous = self.get(second.removeprefix("http://testserver")).json()["previous"]
        back = self.get(previous.removeprefix("http://testserver")).json()
        self.assertEqual([item["id"] for item in back["results"]], [self.newest.pk, self.middle.pk])


class ArticleDetailTests(NewsroomData, APITestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.label = VerificationLabel.objects.create(text="لم يتسنَّ لنا التحقق من هذه المعلومات")
        Article.objects.filter(pk=cls.oldest.pk).update(verification=cls.label)
        Correction.objects.create(article=cls.oldest, text="صُحّح سعر الربطة")

    def detail(self, article, status=200):
        return self.get("article", kw={"pk": article.pk}, status=status)

    def test_detail_has_body_sources_tags_authors_corrections_and_caution(self):
        data = self.detail(self.oldest).json()
        self.assertEqual(data["title"], self.oldest.title)
        self.assertEqual(data["body"], "<p>نص الخبر.</p>")
        self.assertEqual(
            data["sources"],
            [
                {"slug": "رويترز", "name": "رويترز", "kind": "agency"},
                {"slug": "سانا", "name": "سانا", "kind": "state"},
            ],
        )
        self.assertEqual({t["slug"] for t in data["tags"]}, {"دير-الزور", "أسعار"})
        self.assertEqual([a["slug"] for a in data["authors"]], ["ليلى-العلي", "مراسل-دير-الزور"])
        self.assertEqual(
            [(c["kind"], c["text"]) for c in data["corrections"]], [("correction", "صُحّح سعر الربطة")]
        )
        self.assertEqual(data["verification"], "لم يتسنَّ لنا التحقق من هذه المعلومات")
        self.assertIsNone(self.detail(self.middle).json()["verification"])

    def test_body_is_the_sanitised_html(self):
        article = make_article(body='<p onclick="x()">نص<script>alert(1)</script></p><h1>عنوان</h1>')
        body = self.detail(article).json()["body"]
        self.assertNotIn("script", body)
        self.assertNotIn("onclick", body)
        self.assertNotIn("<h1>", body)

    def test_unpublished_articles_are_404_by_id(self):
        for article in self.unpublished:
            with self.subTest(article.status):
                response = self.detail(article, status=404)
                self.assertNotContains(response, UNPUBLISHED, status_code=404)
                self.assertIn("detail", response.json())

    def test_scheduled_article_whose_time_has_come_is_shown(self):
        self.assertEqual(self.detail(self.due).json()["title"], self.due.title)

    def test_related_are_published_picks_first_then_shared_traits(self):
        related = self.detail(self.newest).json()["related"]
        ids = [item["id"] for item in related]
        self.assertEqual(ids[0], self.oldest.pk)  # the editor's published pick
        self.assertFalse(set(ids) & {a.pk for a in self.unpublished})
        self.assertEqual(
            set(related[0]), {"id", "title", "slug", "lead", "pub_date", "url", "api_url", "photo"}
        )

    def test_photo_comes_with_its_renditions_alt_caption_and_credit(self):
        article = make_article(
            photo=image_upload(size=(800, 450)),
            photo_alt="سوق في دير الزور",
            photo_caption="السوق المسقوف",
            photo_credit="أرشيف",
        )
        photo = self.detail(article).json()["photo"]
        self.assertEqual(photo["alt"], "سوق في دير الزور")
        self.assertEqual(photo["caption"], "السوق المسقوف")
        self.assertEqual(photo["credit"], "أرشيف")
        self.assertEqual((photo["width"], photo["height"]), (800, 450))
        self.assertFalse(photo["is_graphic"])
        # Every width the library made up to the original's, WebP first then JPEG.
        self.assertEqual(
            [(r["format"], r["width"]) for r in photo["renditions"]],
            [("webp", 320), ("webp", 640), ("webp", 800), ("jpg", 320), ("jpg", 640), ("jpg", 800)],
        )
        for rendition in photo["renditions"]:
            self.assertTrue(rendition["url"].startswith("http://testserver/media/photos/"), rendition["url"])
            self.assertTrue(rendition["url"].endswith("." + rendition["format"]), rendition["url"])
            name = unquote(urlsplit(rendition["url"]).path).removeprefix("/media/")
            self.assertTrue(default_storage.exists(name), name)

    def test_graphic_photo_is_flagged(self):
        article = make_article(photo=image_upload(), photo_is_graphic=True)
        self.assertTrue(self.detail(article).json()["photo"]["is_graphic"])

    def test_photo_whose_file_is_gone_costs_the_picture_not_the_answer(self):
        article = make_article(photo=image_upload(), photo_alt="صورة ضائعة")
        photo = article.featured_photo
        photo.image.storage.delete(photo.image.name)
        type(photo).objects.filter(pk=photo.pk).update(renditions=[])
        data = self.detail(article).json()
        self.assertEqual(data["photo"]["renditions"], [])
        self.assertEqual(data["title"], article.title)

    def test_body_photos_from_the_library_become_pictures(self):
        photo = make_photo(alt_text="جسر دير الزور")
        article = make_article(body=f'<p>قبل</p><img src="{photo.url()}" data-file="{photo.pk}" alt="جسر">')
        body = self.detail(article).json()["body"]
        self.assertIn("<picture", body)
        self.assertIn("قبل", body)

    def test_query_count_is_fixed(self):
        # The article (with section, photo and caution), tags, authors, sources, corrections;
        # then related news from articles.selectors, which on a cold cache costs three.
        with self.assertNumQueries(8):
            self.detail(self.oldest)


class SearchTests(NewsroomData, APITestCase):
    def test_finds_published_articles_by_title_or_lead(self):
        self.assertEqual(self.titles("search", {"q": "دير الزور"}), [self.newest.title, self.oldest.title])
        lead = make_article("عنوان آخر", lead="تقرير عن محطة مياه الخفسة")
        self.assertEqual(self.titles("search", {"q": "الخفسة"}), [lead.title])

    def test_folds_what_readers_type(self):
        make_article("اجتماع في اعزاز")
        self.assertEqual(self.titles("search", {"q": "أعزاز"}), ["اجتماع في اعزاز"])

    def test_never_finds_unpublished_articles(self):
        response = self.get("search", {"q": UNPUBLISHED})
        self.assertEqual(response.json()["results"], [])
        self.assertEqual(response.json()["count"], 0)

    def test_query_is_required_and_bounded(self):
        self.assertIn("q", self.get("search", status=400).json())
        self.assertIn("q", self.get("search", {"q": "د"}, status=400).json())
        self.assertIn("q", self.get("search", {"q": "د" * 201}, status=400).json())
        self.assertIn("qq", self.get("search", {"q": "دير", "qq": "x"}, status=400).json())

    def test_query_count_does_not_grow_with_page_size(self):
        for _ in range(8):
            make_article("تقرير من دير الزور", tags=["دير الزور"], authors=[self.layla])
        for size in (1, 8):
            # The matches' ids (the search app ranks only the newest), the count, the page,
            # its tags, its authors.
            with self.subTest(size=size), self.assertNumQueries(5):
                self.assertEqual(len(self.results("search", {"q": "دير الزور", "page_size": size})), size)

    def test_pages(self):
        data = self.get("search", {"q": "دير الزور", "page_size": 1, "page": 2}).json()
        self.assertEqual(data["count"], 2)
        self.assertEqual([item["title"] for item in data["results"]], [self.oldest.title])


class SectionSourceAuthorTests(NewsroomData, APITestCase):
    def test_sections_in_menu_order_with_their_parents(self):
        sections = self.results("sections")
        east = next(s for s in sections if s["slug"] == "المنطقة-الشرقية")
        self.assertEqual(east["parent"], "من-سوريا")
        self.assertEqual(east["url"], "http://testserver" + self.east.get_absolute_url())
        self.assertEqual(len(sections), 3)
        self.assertNotContains(self.get("sections"), UNPUBLISHED)

    def test_section_detail_by_slug(self):
        self.assertEqual(self.get("section", kw={"slug": "اقتصاد"}).json()["name"], "اقتصاد")
        self.get("section", kw={"slug": "لا-وجود-له"}, status=404)

    def test_sources_with_their_kind(self):
        sources = self.results("sources")
        self.assertEqual(
            [(s["slug"], s["kind"], s["kind_label"]) for s in sources],
            [("رويترز", "agency", "وكالة أنباء"), ("سانا", "state", "إعلام رسمي")],
        )
        self.assertEqual(self.get("source", kw={"slug": "سانا"}).json()["name"], "سانا")

    def test_authors_list_only_bylines_of_published_articles(self):
        response = self.get("authors")
        self.assertEqual([a["slug"] for a in response.json()["results"]], ["ليلى-العلي", "مراسل-دير-الزور"])
        self.assertNotContains(response, "توقيع")
        self.assertNotContains(response, "خالد المخفي")

    def test_author_of_unpublished_work_only_is_404(self):
        self.assertEqual(self.get("author", kw={"slug": "ليلى-العلي"}).json()["kind"], "person")
        self.get("author", kw={"slug": "توقيع-جديد"}, status=404)
        self.get("author", kw={"slug": "توقيع-الغد"}, status=404)

    def test_page_pagination(self):
        data = self.get("sources", {"page_size": 1, "page": 2}).json()
        self.assertEqual(data["count"], 2)
        self.assertEqual([s["slug"] for s in data["results"]], ["سانا"])
        self.get("sources", {"page": 9}, status=404)

    def test_list_query_counts_do_not_grow_with_page_size(self):
        for _ in range(6):
            make_section(parent=self.syria)
            make_source()
            make_article(authors=[make_author()])
        for name in ("sections", "sources", "authors"):
            for size in (1, 8):
                with self.subTest(name, size=size), self.assertNumQueries(2):  # count and page
                    self.assertEqual(len(self.results(name, {"page_size": size})), size)


class CachingHeaderTests(NewsroomData, APITestCase):
    def test_answers_are_cacheable_with_an_etag(self):
        response = self.get("articles")
        self.assertTrue(response["ETag"])
        self.assertEqual(response["Cache-Control"], "public, max-age=60")

    def test_unchanged_answer_is_a_304_without_a_body(self):
        etag = self.get("article", kw={"pk": self.middle.pk})["ETag"]
        response = self.get("article", kw={"pk": self.middle.pk}, status=304, HTTP_IF_NONE_MATCH=etag)
        self.assertEqual(response.content, b"")
        self.assertEqual(response["ETag"], etag)

    def test_compressed_answer_still_gets_a_304(self):
        # GZipMiddleware weakens the ETag ("W/..."); a client sends that back as it got it.
        response = self.get("articles", HTTP_ACCEPT_ENCODING="gzip")
        self.assertEqual(response["Content-Encoding"], "gzip")
        self.assertTrue(response["ETag"].startswith("W/"))
        self.get("articles", status=304, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=response["ETag"])

    def test_new_story_changes_the_etag(self):
        etag = self.get("articles")["ETag"]
        make_article("خبر جديد يغير القائمة")
        response = self.get("articles", HTTP_IF_NONE_MATCH=etag)
        self.assertNotEqual(response["ETag"], etag)
        self.assertEqual(response.json()["results"][0]["title"], "خبر جديد يغير القائمة")

    @override_settings(API_CACHE_SECONDS=300)
    def test_cache_lifetime_is_a_setting(self):
        self.assertEqual(self.get("sections")["Cache-Control"], "public, max-age=300")

    def test_errors_are_not_marked_cacheable(self):
        self.assertNotIn("Cache-Control", self.get("articles", {"section": "x"}, status=400))


class CorsTests(APITestCase):
    partner = "https://app.partner.example"

    @override_settings(CORS_ALLOWED_ORIGINS=[partner])
    def test_configured_origin_may_read_the_api(self):
        response = self.get("sections", HTTP_ORIGIN=self.partner)
        self.assertEqual(response["Access-Control-Allow-Origin"], self.partner)
        self.assertIn("ETag", response["Access-Control-Expose-Headers"])

    @override_settings(CORS_ALLOWED_ORIGINS=[partner])
    def test_preflight_allows_conditional_requests(self):
        response = self.client.options(
            reverse("api:articles"),
            HTTP_ORIGIN=self.partner,
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("if-none-match", response["Access-Control-Allow-Headers"])

    @override_settings(CORS_ALLOWED_ORIGINS=[partner])
    def test_other_origins_and_the_rest_of_the_site_get_no_cors_header(self):
        self.assertNotIn(
            "Access-Control-Allow-Origin", self.get("sections", HTTP_ORIGIN="https://evil.example")
        )
        self.assertNotIn("Access-Control-Allow-Origin", self.get("/", HTTP_ORIGIN=self.partner))

    def test_no_origin_is_allowed_by_default(self):
        self.assertNotIn("Access-Control-Allow-Origin", self.get("sections", HTTP_ORIGIN=self.partner))

    @override_settings(CORS_ALLOW_ALL_ORIGINS=True)
    def test_any_origin_when_configured_so(self):
        self.assertEqual(self.get("sections", HTTP_ORIGIN=self.partner)["Access-Control-Allow-Origin"], "*")


PARTNER_KEY = "partner-test-key-0123456789"
PARTNER_ENTRY = f"شريك:5/minute:{hashlib.sha256(PARTNER_KEY.encode()).hexdigest()}"


@override_settings(API_ANON_RATE="3/minute", API_PARTNER_KEYS=[PARTNER_ENTRY])
class ThrottlingTests(APITestCase):
    def test_fourth_request_in_a_minute_is_a_429_with_a_message(self):
        for _ in range(3):
            self.get("sections", REMOTE_ADDR="192.0.2.1")
        response = self.get("sections", REMOTE_ADDR="192.0.2.1", status=429)
        self.assertIn("detail", response.json())
        self.assertGreater(int(response["Retry-After"]), 0)

    def test_each_address_has_its_own_budget_and_forged_headers_do_not_reset_it(self):
        for _ in range(3):
            self.get("sections", REMOTE_ADDR="192.0.2.1")
        self.get("sections", REMOTE_ADDR="192.0.2.2")
        self.get("sections", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.9", status=429)

    def test_partner_key_has_its_own_rate(self):
        for _ in range(3):
            self.get("sections", REMOTE_ADDR="192.0.2.1")
        auth = {"REMOTE_ADDR": "192.0.2.1", "HTTP_AUTHORIZATION": f"Api-Key {PARTNER_KEY}"}
        for _ in range(5):
            self.get("sections", **auth)
        self.get("sections", status=429, **auth)

    def test_unknown_key_is_refused_clearly(self):
        response = self.get("sections", HTTP_AUTHORIZATION="Api-Key wrong", status=401)
        self.assertIn("detail", response.json())
        self.assertEqual(response["WWW-Authenticate"], "Api-Key")

    def test_the_schema_counts_against_the_same_budget(self):
        for _ in range(3):
            self.get("sections")
        self.get("schema", status=429)


class SettingsCheckTests(TestCase):
    def errors(self) -> list[str]:
        return [error.id for error in check_api_rates(None)]

    def test_configured_rates_and_keys_pass(self):
        with override_settings(API_PARTNER_KEYS=[PARTNER_ENTRY]):
            self.assertEqual(self.errors(), [])

    def test_malformed_entries_and_rates_are_reported(self):
        with override_settings(API_PARTNER_KEYS=["شريك:5/minute:not-a-digest"]):
            self.assertEqual(self.errors(), ["api.E001"])
        with override_settings(API_ANON_RATE="fast"):
            self.assertEqual(self.errors(), ["api.E002"])

    def test_api_key_command_prints_a_working_entry(self):
        from io import StringIO

        out = StringIO()
        call_command("api_key", "شريك", "--rate", "100/minute", stdout=out)
        lines = out.getvalue().splitlines()
        key = next(line.split(": ", 1)[1] for line in lines if line.startswith("Key: "))
        entry = next(line.split(": ", 1)[1] for line in lines if line.startswith("API_PARTNER_KEYS entry: "))
        self.assertEqual(entry, f"شريك:100/minute:{hashlib.sha256(key.encode()).hexdigest()}")


class SchemaAndDocsTests(APITestCase):
    def test_schema_is_served_and_valid_openapi(self):
        response = self.get("schema")
        schema = yaml.safe_load(response.content)
        validate_schema(schema)
        self.assertEqual(schema["openapi"][:2], "3.")
        for path in ("/api/v1/articles/", "/api/v1/articles/{id}/", "/api/v1/search/", "/api/v1/authors/"):
            self.assertIn(path, schema["paths"])
        names = {p["name"] for p in schema["paths"]["/api/v1/articles/"]["get"]["parameters"]}
        self.assertEqual(
            names,
            {
                "section",
                "tag",
                "source",
                "author",
                "published_after",
                "published_before",
                "cursor",
                "page_size",
            },
        )

    def test_schema_as_json(self):
        response = self.get("schema", {"format": "json"})
        self.assertEqual(response.json()["info"]["title"], "Newsroom public API")

    def test_docs_page_loads_only_its_own_assets(self):
        response = self.get("docs")
        html = response.content.decode()
        self.assertNotIn("//cdn", html)
        self.assertNotRegex(html, r"""(src|href)=["'](https?:)?//""")
        assets = [
            "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
            "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
            "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-standalone-preset.js",
        ]
        for asset in assets:
            with self.subTest(asset):
                self.assertIn(asset, html)
                self.assertEqual(self.client.get(asset).status_code, 200)
        # No inline script or style (the site's CSP would refuse them): the start-up script comes
        # from the page's own URL and points at the schema.
        self.assertNotRegex(html, r"<script>\s*\S")
        self.assertNotIn("<style", html)
        self.assertEqual(self.client.get("/static/api/swagger-ui-page.css").status_code, 200)
        script = self.get("docs", {"script": ""})
        self.assertIn("/api/v1/schema/", script.content.decode())
