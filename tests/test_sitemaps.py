import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from reach.sitemaps import ArticleSitemap

from .factories import make_article, make_author, make_section, make_source

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


def sitemap_url(section: str) -> str:
    return reverse("reach:sitemap", kwargs={"section": section})


class SitemapTestCase(TestCase):
    def fetch(self, url: str, **params) -> ET.Element:
        response = self.client.get(url, params)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/xml")
        return ET.fromstring(response.content)

    def locations(self, url: str, **params) -> list[str]:
        return [loc.text for loc in self.fetch(url, **params).iter(f"{SITEMAP}loc")]


class SitemapTests(SitemapTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("سياسة")
        cls.hidden = make_section("قسم مخفي", is_active=False)
        cls.source = make_source("سانا")
        cls.unused_source = make_source("مصدر بلا أخبار")
        cls.author = make_author("ليلى")
        cls.old = make_article("خبر قديم", section=cls.section, pub_date=ago(days=30), tags=["مياه"])
        cls.new = make_article(
            "خبر جديد", section=cls.section, pub_date=ago(hours=1), sources=[cls.source], authors=[cls.author]
        )
        cls.unseen = [
            make_article(
                "مسودة", status=Article.Status.DRAFT, tags=["سر"], authors=[make_author("كاتب مسودة")]
            ),
            make_article("مؤرشف", status=Article.Status.ARCHIVED, sources=[make_source("مصدر مؤرشف")]),
            make_article("مجدول للغد", status=Article.Status.SCHEDULED, pub_date=ago(hours=-5), tags=["غد"]),
        ]

    def test_index_names_every_sitemap(self):
        self.assertEqual(
            self.locations(reverse("reach:sitemap_index")),
            [
                f"http://testserver{sitemap_url(section)}"
                for section in ("articles", "sections", "tags", "sources", "authors", "news")
            ],
        )

    def test_articles_sitemap_lists_published_articles_oldest_first_with_lastmod(self):
        root = self.fetch(sitemap_url("articles"))
        urls = root.findall(f"{SITEMAP}url")
        self.assertEqual(
            [url.findtext(f"{SITEMAP}loc") for url in urls],
            [f"http://testserver{a.get_absolute_url()}" for a in (self.old, self.new)],
        )
        lastmod = urls[1].findtext(f"{SITEMAP}lastmod")
        self.assertEqual(datetime.fromisoformat(lastmod), max(self.new.updated, self.new.pub_date))

    def test_unpublished_articles_are_in_no_sitemap(self):
        for section in ("articles", "sections", "tags", "sources", "authors", "news"):
            content = self.client.get(sitemap_url(section)).content.decode()
            for article in self.unseen:
                with self.subTest(sitemap=section, article=article.title):
                    self.assertNotIn(article.get_absolute_url(), content)

    def test_list_sitemaps_hold_only_pages_with_published_news(self):
        self.assertEqual(
            self.locations(sitemap_url("sections")), [f"http://testserver{self.section.get_absolute_url()}"]
        )
        self.assertEqual(
            self.locations(sitemap_url("tags")),
            [f"http://testserver{reverse('articles:tag', kwargs={'slug': 'مياه'})}"],
        )
        self.assertEqual(
            self.locations(sitemap_url("sources")), [f"http://testserver{self.source.get_absolute_url()}"]
        )
        self.assertEqual(
            self.locations(sitemap_url("authors")), [f"http://testserver{self.author.get_absolute_url()}"]
        )

    def test_section_lastmod_is_its_newest_article(self):
        root = self.fetch(sitemap_url("sections"))
        self.assertEqual(
            datetime.fromisoformat(root.findtext(f"{SITEMAP}url/{SITEMAP}lastmod")), self.new.pub_date
        )

    def test_parent_section_is_listed_for_its_sub_sections_news(self):
        parent = make_section("سوريا")
        child = make_section("حلب", parent=parent)
        article = make_article(section=child, pub_date=ago(hours=3))
        make_article(section=self.hidden)
        root = self.fetch(sitemap_url("sections"))
        dates = {
            u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in root.iter(f"{SITEMAP}url")
        }
        expected = article.pub_date.isoformat()
        self.assertEqual(dates[f"http://testserver{parent.get_absolute_url()}"], expected)
        self.assertEqual(dates[f"http://testserver{child.get_absolute_url()}"], expected)
        self.assertNotIn(f"http://testserver{self.hidden.get_absolute_url()}", dates)

    def test_unknown_sitemap_and_bad_pages_are_404(self):
        for url in (
            sitemap_url("nothing"),
            sitemap_url("articles") + "?p=99",
            sitemap_url("articles") + "?p=abc",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    @override_settings(NEWSROOM_BASE_URL="https://news.example.org")
    def test_everything_names_the_site_address(self):
        self.assertTrue(
            all(
                loc.startswith("https://news.example.org/")
                for loc in self.locations(reverse("reach:sitemap_index"))
            )
        )
        self.assertEqual(
            self.locations(sitemap_url("articles"))[0],
            f"https://news.example.org{self.old.get_absolute_url()}",
        )

    def test_sitemaps_are_not_indexed_themselves(self):
        self.assertEqual(
            self.client.get(reverse("reach:sitemap_index"))["X-Robots-Tag"], "noindex, noodp, noarchive"
        )


class SitemapPaginationTests(SitemapTestCase):
    @classmethod
    def setUpTestData(cls):
        section = make_section()
        cls.articles = [
            make_article(f"خبر {n}", section=section, pub_date=ago(days=10 - n)) for n in range(5)
        ]

    def test_big_archive_is_split_into_pages_named_in_the_index(self):
        # NEWSROOM_SITEMAP_LIMIT is read when the class is made: the test sets it on the class.
        ArticleSitemap.limit, limit = 2, ArticleSitemap.limit
        self.addCleanup(setattr, ArticleSitemap, "limit", limit)
        index = self.locations(reverse("reach:sitemap_index"))
        base = f"http://testserver{sitemap_url('articles')}"
        self.assertEqual([loc for loc in index if loc.startswith(base)], [base, f"{base}?p=2", f"{base}?p=3"])
        pages = [self.locations(sitemap_url("articles"), p=page) for page in (1, 2, 3)]
        self.assertEqual([len(page) for page in pages], [2, 2, 1])
        self.assertEqual(
            [loc for page in pages for loc in page],
            [f"http://testserver{a.get_absolute_url()}" for a in self.articles],
        )

    def test_a_page_costs_the_same_queries_whatever_it_holds(self):
        # Counting the pages, then reading one; the index adds one aggregate per dated sitemap.
        with self.assertNumQueries(2):
            self.client.get(sitemap_url("articles"))
        section = make_section()
        for n in range(20):
            make_article(section=section, pub_date=ago(days=n + 20), tags=[f"وسم {n}"])
        with self.assertNumQueries(2):
            self.client.get(sitemap_url("articles"))
        with self.assertNumQueries(2):
            self.client.get(sitemap_url("tags"))

    def test_index_queries_do_not_grow_with_the_archive(self):
        with self.assertNumQueries(8) as first:
            self.client.get(reverse("reach:sitemap_index"))
        for n in range(10):
            make_article(pub_date=ago(days=n + 20), tags=[f"وسم {n}"], sources=[make_source()])
        with self.assertNumQueries(len(first)):
            self.client.get(reverse("reach:sitemap_index"))


class NewsSitemapTests(SitemapTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.recent = make_article('وزير: "لن نتراجع" & نقطة', pub_date=ago(hours=2))
        cls.yesterday = make_article("خبر الأمس", pub_date=ago(hours=30))
        cls.old = make_article("خبر قبل ثلاثة أيام", pub_date=ago(hours=49))
        cls.unseen = [
            make_article("مسودة حديثة", status=Article.Status.DRAFT, pub_date=ago(hours=1)),
            make_article("مؤرشف حديث", status=Article.Status.ARCHIVED, pub_date=ago(hours=1)),
            make_article("مجدول بعد ساعة", status=Article.Status.SCHEDULED, pub_date=ago(hours=-1)),
            make_article("قيد المراجعة", status=Article.Status.REVIEW, pub_date=ago(hours=1)),
        ]
        cls.due = make_article("مجدول نُشر قبل ساعة", status=Article.Status.SCHEDULED, pub_date=ago(hours=1))

    def test_holds_the_last_48_hours_of_published_news_newest_first(self):
        self.assertEqual(
            self.locations(sitemap_url("news")),
            [f"http://testserver{a.get_absolute_url()}" for a in (self.due, self.recent, self.yesterday)],
        )

    def test_each_entry_has_publication_date_and_title(self):
        root = self.fetch(sitemap_url("news"))
        url = next(
            u
            for u in root.iter(f"{SITEMAP}url")
            if self.recent.get_absolute_url() in u.findtext(f"{SITEMAP}loc")
        )
        news = url.find(f"{NEWS}news")
        self.assertEqual(news.findtext(f"{NEWS}publication/{NEWS}name"), "غرفة الأخبار")
        self.assertEqual(news.findtext(f"{NEWS}publication/{NEWS}language"), "ar")
        self.assertEqual(news.findtext(f"{NEWS}title"), 'وزير: "لن نتراجع" & نقطة')
        published = datetime.fromisoformat(news.findtext(f"{NEWS}publication_date"))
        self.assertEqual(published, self.recent.pub_date.replace(microsecond=0))
        self.assertIsNotNone(published.tzinfo)

    def test_the_window_moves_with_time(self):
        import time_machine

        with time_machine.travel(timezone.now() + timedelta(hours=20)):
            titles = [
                u.findtext(f"{NEWS}news/{NEWS}title")
                for u in self.fetch(sitemap_url("news")).iter(f"{SITEMAP}url")
            ]
        # Two days after "yesterday" it has left; the story scheduled for the next hour is now in.
        self.assertEqual(titles, ["مجدول بعد ساعة", "مجدول نُشر قبل ساعة", 'وزير: "لن نتراجع" & نقطة'])


class RobotsTests(TestCase):
    def test_names_the_sitemap_and_keeps_crawlers_out_of_previews_without_naming_the_admin(self):
        response = self.client.get("/robots.txt")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        lines = response.content.decode().splitlines()
        self.assertEqual(lines[0], "User-agent: *")
        self.assertIn("Disallow: /preview/", lines)
        self.assertNotIn("admin", response.content.decode())
        self.assertIn("Sitemap: http://testserver/sitemap.xml", lines)
        self.assertNotIn("Disallow: /", lines)

    @override_settings(NEWSROOM_BASE_URL="https://news.example.org")
    def test_sitemap_line_uses_the_site_address(self):
        self.assertContains(self.client.get("/robots.txt"), "Sitemap: https://news.example.org/sitemap.xml")
