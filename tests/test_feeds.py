import xml.etree.ElementTree as ET
from datetime import timedelta
from email.utils import parsedate_to_datetime

from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.workflow import Action, article_transition
from authors.models import Author
from editorial.roles import MODERATORS
from reach.photos import share_photo

from .factories import image_upload, make_article, make_author, make_section, make_source, make_user

ATOM = "{http://www.w3.org/2005/Atom}"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
LONG_LEAD = "قالت مصادر محلية إن القصف استهدف أطراف البلدة " * 12


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


def feed_url(kind: str, fmt: str, slug: str | None = None) -> str:
    return reverse(f"reach:{kind}_{fmt}", kwargs={"slug": slug} if slug else {})


class FeedTestCase(TestCase):
    def fetch(self, url: str) -> ET.Element:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        # Parsing is the test that the feed is well-formed XML.
        return ET.fromstring(response.content)

    def rss_titles(self, url: str) -> list[str]:
        return [item.findtext("title") for item in self.fetch(url).iter("item")]

    def atom_titles(self, url: str) -> list[str]:
        return [entry.findtext(f"{ATOM}title") for entry in self.fetch(url).iter(f"{ATOM}entry")]


class LatestFeedTests(FeedTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("سياسة")
        cls.reporter = make_author("ليلى العلي")
        cls.desk = make_author("مراسل في دير الزور", kind=Author.Kind.DESK, real_name="اسم حقيقي سري")
        cls.source = make_source("سانا")
        cls.newest = make_article("أحدث خبر", section=cls.section, pub_date=ago(minutes=5))
        cls.featured = make_article(
            "خبر مع صورة وكتّاب",
            section=cls.section,
            pub_date=ago(hours=2),
            lead=LONG_LEAD,
            tags=["دير الزور", "قصف"],
            sources=[cls.source],
            authors=[cls.reporter, cls.desk],
            photo=image_upload("feed.jpg", size=(1600, 900)),
            photo_alt="سوق مدمر",
        )
        cls.graphic = make_article(
            "خبر بصورة قاسية",
            section=cls.section,
            pub_date=ago(hours=3),
            photo=image_upload("graphic.jpg"),
            photo_is_graphic=True,
        )
        cls.due = make_article("مجدول حان وقته", status=Article.Status.SCHEDULED, pub_date=ago(hours=4))
        cls.unseen = [
            make_article("مسودة لا تظهر", status=Article.Status.DRAFT, pub_date=ago(minutes=1)),
            make_article("مراجعة لا تظهر", status=Article.Status.REVIEW, pub_date=ago(minutes=1)),
            make_article("مؤرشف لا يظهر", status=Article.Status.ARCHIVED, pub_date=ago(minutes=1)),
            make_article("مجدول للغد", status=Article.Status.SCHEDULED, pub_date=ago(hours=-20)),
        ]

    def item(self, root, title):
        return next(item for item in root.iter("item") if item.findtext("title") == title)

    def test_rss_lists_published_articles_newest_first(self):
        self.assertEqual(
            self.rss_titles(feed_url("latest", "rss")),
            ["أحدث خبر", "خبر مع صورة وكتّاب", "خبر بصورة قاسية", "مجدول حان وقته"],
        )

    def test_atom_lists_the_same_articles(self):
        self.assertEqual(
            self.atom_titles(feed_url("latest", "atom")),
            ["أحدث خبر", "خبر مع صورة وكتّاب", "خبر بصورة قاسية", "مجدول حان وقته"],
        )

    def test_unpublished_articles_never_appear(self):
        for fmt in ("rss", "atom"):
            content = self.client.get(feed_url("latest", fmt)).content.decode()
            for article in self.unseen:
                with self.subTest(fmt=fmt, article=article.title):
                    self.assertNotIn(article.title, content)
                    self.assertNotIn(article.get_absolute_url(), content)

    def test_rss_channel_is_arabic(self):
        response = self.client.get(feed_url("latest", "rss"))
        self.assertEqual(response["Content-Type"], "application/rss+xml; charset=utf-8")
        channel = ET.fromstring(response.content).find("channel")
        self.assertEqual(channel.findtext("title"), "غرفة الأخبار: آخر الأخبار")
        self.assertEqual(channel.findtext("language"), "ar")
        self.assertEqual(channel.findtext("link"), "http://testserver/news/")

    def test_atom_feed_is_arabic(self):
        response = self.client.get(feed_url("latest", "atom"))
        self.assertEqual(response["Content-Type"], "application/atom+xml; charset=utf-8")
        root = ET.fromstring(response.content)
        self.assertEqual(root.get("{http://www.w3.org/XML/1998/namespace}lang"), "ar")
        self.assertEqual(root.findtext(f"{ATOM}title"), "غرفة الأخبار: آخر الأخبار")

    def test_rss_item_has_full_lead_link_date_categories_and_bylines(self):
        item = self.item(self.fetch(feed_url("latest", "rss")), "خبر مع صورة وكتّاب")
        self.assertEqual(item.findtext("description"), LONG_LEAD)
        self.assertEqual(item.findtext("link"), f"http://testserver{self.featured.get_absolute_url()}")
        self.assertEqual(
            parsedate_to_datetime(item.findtext("pubDate")), self.featured.pub_date.replace(microsecond=0)
        )
        self.assertEqual([c.text for c in item.findall("category")], ["سياسة", "دير الزور", "قصف"])
        self.assertEqual(item.findtext(DC_CREATOR), "ليلى العلي، مراسل في دير الزور")

    def test_real_names_stay_out_of_feeds(self):
        for fmt in ("rss", "atom"):
            with self.subTest(fmt=fmt):
                self.assertNotContains(self.client.get(feed_url("latest", fmt)), "اسم حقيقي سري")

    def test_photo_is_an_enclosure_with_its_length_and_type(self):
        item = self.item(self.fetch(feed_url("latest", "rss")), "خبر مع صورة وكتّاب")
        enclosure = item.find("enclosure")
        rendition = [r for r in self.featured.featured_photo.renditions if r["ext"] == "jpg"][-1]
        storage = self.featured.featured_photo.image.storage
        self.assertEqual(enclosure.get("url"), f"http://testserver{storage.url(rendition['name'])}")
        self.assertEqual(int(enclosure.get("length")), storage.size(rendition["name"]))
        self.assertGreater(int(enclosure.get("length")), 0)
        self.assertEqual(enclosure.get("type"), "image/jpeg")

    def test_atom_photo_is_an_enclosure_link(self):
        root = self.fetch(feed_url("latest", "atom"))
        entry = next(
            e for e in root.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == "خبر مع صورة وكتّاب"
        )
        link = entry.find(f"{ATOM}link[@rel='enclosure']")
        self.assertEqual(link.get("type"), "image/jpeg")
        self.assertGreater(int(link.get("length")), 0)
        self.assertEqual(
            [a.findtext(f"{ATOM}name") for a in entry.findall(f"{ATOM}author")],
            ["ليلى العلي، مراسل في دير الزور"],
        )

    def test_atom_entries_without_bylines_fall_back_to_the_newsroom(self):
        root = self.fetch(feed_url("latest", "atom"))
        self.assertEqual(root.findtext(f"{ATOM}author/{ATOM}name"), "غرفة الأخبار")
        entry = next(e for e in root.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == "أحدث خبر")
        self.assertIsNone(entry.find(f"{ATOM}author"))

    def test_graphic_photo_is_not_sent_to_feed_readers(self):
        for fmt, tag in (("rss", "enclosure"), ("atom", f"{ATOM}link[@rel='enclosure']")):
            root = self.fetch(feed_url("latest", fmt))
            with self.subTest(fmt=fmt):
                self.assertEqual(len(root.findall(f".//{tag}")), 1)  # the featured photo alone
        self.assertNotContains(self.client.get(feed_url("latest", "rss")), "graphic")

    def test_articles_without_photos_have_no_enclosure(self):
        item = self.item(self.fetch(feed_url("latest", "rss")), "أحدث خبر")
        self.assertIsNone(item.find("enclosure"))

    @override_settings(NEWSROOM_BASE_URL="https://news.example.org")
    def test_links_use_the_site_address_whatever_host_was_asked(self):
        root = self.fetch(feed_url("latest", "rss"))
        self.assertEqual(root.find("channel").findtext("link"), "https://news.example.org/news/")
        item = self.item(root, "خبر مع صورة وكتّاب")
        self.assertEqual(item.findtext("link"), f"https://news.example.org{self.featured.get_absolute_url()}")
        self.assertTrue(item.find("enclosure").get("url").startswith("https://news.example.org/media/"))

    @override_settings(NEWSROOM_FEED_ITEMS=2)
    def test_feed_length_is_bounded(self):
        self.assertEqual(self.rss_titles(feed_url("latest", "rss")), ["أحدث خبر", "خبر مع صورة وكتّاب"])


class TitleEscapingTests(FeedTestCase):
    TITLE = 'وزير: "لن نتراجع" <عاجل> & مستمر'

    @classmethod
    def setUpTestData(cls):
        make_article(cls.TITLE)

    def test_rss_title_escapes_markup_but_not_quotes(self):
        # Readers that render RSS titles as HTML must not see a tag; readers that show text
        # must not see &quot; in a quotation.
        self.assertEqual(
            self.rss_titles(feed_url("latest", "rss")), ['وزير: "لن نتراجع" &lt;عاجل&gt; &amp; مستمر']
        )

    def test_atom_title_is_the_plain_text(self):
        self.assertEqual(self.atom_titles(feed_url("latest", "atom")), [self.TITLE])


class ListFeedTests(FeedTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.syria = make_section("سوريا")
        cls.aleppo = make_section("حلب", parent=cls.syria)
        cls.world = make_section("العالم")
        cls.source = make_source("المرصد")
        cls.author = make_author("سامر")
        cls.in_syria = make_article("خبر من سوريا", section=cls.syria, pub_date=ago(hours=1), tags=["مياه"])
        cls.in_aleppo = make_article(
            "خبر من حلب",
            section=cls.aleppo,
            pub_date=ago(hours=2),
            sources=[cls.source],
            authors=[cls.author],
        )
        cls.elsewhere = make_article("خبر من العالم", section=cls.world, pub_date=ago(hours=3), tags=["نفط"])
        make_article(
            "مسودة في سوريا",
            section=cls.syria,
            status=Article.Status.DRAFT,
            tags=["مياه"],
            sources=[cls.source],
            authors=[cls.author],
        )

    def test_section_feed_holds_its_articles_and_its_sub_sections(self):
        for fmt, titles in (("rss", self.rss_titles), ("atom", self.atom_titles)):
            with self.subTest(fmt=fmt):
                self.assertEqual(
                    titles(feed_url("section", fmt, self.syria.slug)), ["خبر من سوريا", "خبر من حلب"]
                )
        root = self.fetch(feed_url("section", "rss", self.syria.slug))
        self.assertEqual(root.find("channel").findtext("title"), "غرفة الأخبار: سوريا")
        self.assertEqual(
            root.find("channel").findtext("link"), f"http://testserver{self.syria.get_absolute_url()}"
        )

    def test_tag_source_and_author_feeds(self):
        cases = {
            ("tag", "مياه"): ["خبر من سوريا"],
            ("source", self.source.slug): ["خبر من حلب"],
            ("author", self.author.slug): ["خبر من حلب"],
        }
        for (kind, slug), expected in cases.items():
            for fmt, titles in (("rss", self.rss_titles), ("atom", self.atom_titles)):
                with self.subTest(kind=kind, fmt=fmt):
                    self.assertEqual(titles(feed_url(kind, fmt, slug)), expected)

    def test_feed_titles_name_what_they_follow(self):
        expected = {
            ("tag", "مياه"): "غرفة الأخبار: وسم مياه",
            ("source", self.source.slug): "غرفة الأخبار: أخبار تستند إلى المرصد",
            ("author", self.author.slug): "غرفة الأخبار: سامر",
        }
        for (kind, slug), title in expected.items():
            with self.subTest(kind=kind):
                self.assertEqual(
                    self.fetch(feed_url(kind, "rss", slug)).find("channel").findtext("title"), title
                )

    def test_unknown_slug_is_404(self):
        for kind in ("section", "tag", "source", "author"):
            for fmt in ("rss", "atom"):
                with self.subTest(kind=kind, fmt=fmt):
                    self.assertEqual(self.client.get(feed_url(kind, fmt, "لا-يوجد")).status_code, 404)


class FeedQueryTests(TestCase):
    """A feed costs the same queries for two items or thirty, photos included."""

    def make_articles(self, n, **fields):
        return [
            make_article(
                pub_date=ago(minutes=i + 1),
                tags=["وسم أ", "وسم ب"],
                authors=[make_author()],
                photo=image_upload(f"q{i}.jpg", size=(320, 180)),
                **fields,
            )
            for i in range(n)
        ]

    def assertFlat(self, url, count, add):
        add(2)
        with self.assertNumQueries(count):
            self.assertEqual(self.client.get(url).status_code, 200)
        add(8)
        with self.assertNumQueries(count):
            response = self.client.get(url)
        self.assertEqual(response.content.decode().count("<enclosure"), 10)

    def test_latest_feed(self):
        # The articles with their sections, their tags, their bylines.
        self.assertFlat(feed_url("latest", "rss"), 3, self.make_articles)

    def test_section_feed(self):
        section = make_section("اقتصاد")
        # One more: the section itself.
        self.assertFlat(
            feed_url("section", "rss", section.slug), 4, lambda n: self.make_articles(n, section=section)
        )

    def test_photo_is_measured_once(self):
        article = self.make_articles(1)[0]
        first = share_photo(article)
        photo = article.featured_photo
        photo.image.storage.delete([r["name"] for r in photo.renditions if r["ext"] == "jpg"][-1])
        # Measured from the cache the second time: storage is not asked again.
        self.assertEqual(share_photo(article), first)


class TakenDownTests(FeedTestCase):
    def test_a_story_taken_down_leaves_feeds_and_sitemaps_at_once(self):
        article = make_article("خبر سُحب بعد نشره", pub_date=ago(hours=1))
        self.assertEqual(self.rss_titles(feed_url("latest", "rss")), ["خبر سُحب بعد نشره"])
        article_transition(
            article=article, user=make_user(MODERATORS), action=Action.TAKEDOWN, note="خطأ في هوية الضحايا"
        )
        self.assertEqual(self.rss_titles(feed_url("latest", "rss")), [])
        self.assertEqual(self.atom_titles(feed_url("latest", "atom")), [])
        for section in ("articles", "news"):
            with self.subTest(sitemap=section):
                response = self.client.get(reverse("reach:sitemap", kwargs={"section": section}))
                self.assertNotContains(response, article.get_absolute_url())
