import json
from datetime import datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from authors.models import Author
from editorial.roles import EDITORS

from .factories import image_upload, make_article, make_author, make_section, make_source, make_user

PRIVATE_NAME = "سلمى الحقيقية"


class PageReader(HTMLParser):
    """What a crawler or a link preview reads: <meta>, <link>, JSON-LD, and the share links."""

    def __init__(self, html: str):
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.links: list[dict] = []
        self.json_ld: list[str] = []
        self.share: list[tuple[str, str]] = []
        self._script = None
        self._anchor = None
        self._in_share = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta.append((attrs.get("property") or attrs["name"], attrs.get("content")))
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._script = []
        elif tag == "section" and attrs.get("class") == "share":
            self._in_share = True
        elif tag == "a" and self._in_share:
            self._anchor = [attrs["href"], ""]

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.json_ld.append("".join(self._script))
            self._script = None
        elif tag == "a" and self._anchor:
            self.share.append(tuple(self._anchor))
            self._anchor = None
        elif tag == "section":
            self._in_share = False

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)
        if self._anchor:
            self._anchor[1] += data

    def first(self, key: str) -> str | None:
        return next((value for name, value in self.meta if name == key), None)

    def all(self, key: str) -> list[str]:
        return [value for name, value in self.meta if name == key]

    def link(self, rel: str, type_: str | None = None) -> str | None:
        return next(
            (
                attrs["href"]
                for attrs in self.links
                if attrs.get("rel") == rel and (type_ is None or attrs.get("type") == type_)
            ),
            None,
        )


def read(response) -> PageReader:
    return PageReader(response.content.decode())


class ArticleMetaTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("المنطقة الشرقية")
        cls.reporter = make_author("ليلى العلي")
        cls.desk = make_author("مراسل في دير الزور", kind=Author.Kind.DESK, real_name=PRIVATE_NAME)
        cls.article = make_article(
            "قصف على بلدة هجين",
            section=cls.section,
            lead="قالت مصادر محلية إن القصف استهدف أطراف البلدة في ريف دير الزور الشرقي.",
            tags=["دير الزور", "هجين"],
            sources=[make_source()],
            authors=[cls.reporter, cls.desk],
            photo=image_upload("hajin.jpg", size=(1600, 900)),
            photo_alt="دخان فوق البلدة",
        )
        cls.url = cls.article.get_absolute_url()
        cls.canonical = f"http://testserver{cls.url}"

    def test_canonical_is_the_absolute_article_url(self):
        reader = read(self.client.get(self.url))
        self.assertEqual(reader.link("canonical"), self.canonical)

    @override_settings(NEWSROOM_BASE_URL="https://news.example.org")
    def test_canonical_names_the_site_address_whatever_host_was_asked(self):
        reader = read(self.client.get(self.url, HTTP_HOST="localhost"))
        self.assertEqual(reader.link("canonical"), f"https://news.example.org{self.url}")
        self.assertEqual(reader.first("og:url"), f"https://news.example.org{self.url}")

    def test_a_stale_slug_still_redirects_to_the_canonical_url(self):
        response = self.client.get(reverse("articles:detail", kwargs={"pk": self.article.pk, "slug": "قديم"}))
        self.assertRedirects(response, self.url, status_code=301, fetch_redirect_response=False)

    def test_open_graph(self):
        reader = read(self.client.get(self.url))
        # The widest JPEG: link previews want at least 1200 px, and not all read WebP.
        rendition = [r for r in self.article.featured_photo.renditions if r["ext"] == "jpg"][-1]
        url = self.article.featured_photo.image.storage.url(rendition["name"])
        expected = {
            "og:type": "article",
            "og:site_name": "غرفة الأخبار",
            "og:locale": "ar_AR",
            "og:url": self.canonical,
            "og:title": "قصف على بلدة هجين",
            "og:description": self.article.lead,
            "og:image": f"http://testserver{url}",
            "og:image:type": "image/jpeg",
            "og:image:width": "1600",
            "og:image:height": "900",
            "og:image:alt": "دخان فوق البلدة",
            "article:section": "المنطقة الشرقية",
            "article:published_time": timezone.localtime(self.article.pub_date).isoformat(timespec="seconds"),
        }
        for key, value in expected.items():
            with self.subTest(key=key):
                self.assertEqual(reader.first(key), value)
        self.assertEqual(reader.all("article:tag"), ["دير الزور", "هجين"])
        self.assertEqual(
            reader.all("article:author"),
            [f"http://testserver{author.get_absolute_url()}" for author in (self.reporter, self.desk)],
        )
        modified = datetime.fromisoformat(reader.first("article:modified_time"))
        self.assertGreaterEqual(modified, self.article.pub_date.replace(microsecond=0))

    def test_twitter_card(self):
        reader = read(self.client.get(self.url))
        self.assertEqual(reader.first("twitter:card"), "summary_large_image")
        self.assertEqual(reader.first("twitter:title"), "قصف على بلدة هجين")
        self.assertEqual(reader.first("twitter:description"), self.article.lead)
        self.assertEqual(reader.first("twitter:image"), f"http://testserver{self.article.photo_url('large')}")
        self.assertEqual(reader.first("twitter:image:alt"), "دخان فوق البلدة")

    def test_json_ld_news_article(self):
        [text] = read(self.client.get(self.url)).json_ld
        data = json.loads(text)
        self.assertEqual(data["@context"], "https://schema.org")
        self.assertEqual(data["@type"], "NewsArticle")
        self.assertEqual(data["headline"], "قصف على بلدة هجين")
        self.assertEqual(data["description"], self.article.lead)
        self.assertEqual(
            datetime.fromisoformat(data["datePublished"]), self.article.pub_date.replace(microsecond=0)
        )
        self.assertGreaterEqual(
            datetime.fromisoformat(data["dateModified"]), datetime.fromisoformat(data["datePublished"])
        )
        self.assertEqual(
            data["author"],
            [
                {
                    "@type": "Person",
                    "name": "ليلى العلي",
                    "url": f"http://testserver{self.reporter.get_absolute_url()}",
                },
                {
                    "@type": "Organization",
                    "name": "مراسل في دير الزور",
                    "url": f"http://testserver{self.desk.get_absolute_url()}",
                },
            ],
        )
        self.assertEqual(data["articleSection"], "المنطقة الشرقية")
        self.assertEqual(data["keywords"], ["دير الزور", "هجين"])
        self.assertEqual(data["image"], [f"http://testserver{self.article.photo_url('large')}"])
        self.assertEqual(data["publisher"]["name"], "غرفة الأخبار")
        self.assertEqual(data["publisher"]["logo"]["url"], "http://testserver/static/reach/logo.png")
        self.assertEqual(data["mainEntityOfPage"], {"@type": "WebPage", "@id": self.canonical})
        self.assertEqual(data["inLanguage"], "ar")

    def test_real_names_are_in_no_meta_tag_or_structured_data(self):
        self.assertNotContains(self.client.get(self.url), PRIVATE_NAME)

    def test_the_logo_exists(self):
        self.assertEqual(self.client.get("/static/reach/logo.png").status_code, 200)

    def test_article_page_costs_no_extra_query_for_its_photo_and_tags(self):
        plain = make_article(section=self.section, authors=[self.reporter], tags=["هجين"])
        # The photo is measured once, then read from the cache; related news are cached too.
        self.client.get(self.url)
        self.client.get(plain.get_absolute_url())
        with self.assertNumQueries(5) as with_photo:
            self.client.get(self.url)
        with self.assertNumQueries(len(with_photo)):
            self.client.get(plain.get_absolute_url())


class ArticleMetaEdgeTests(TestCase):
    def test_a_title_cannot_break_out_of_the_json_ld(self):
        title = 'خبر </script><script>alert("x")</script> & <!-- تعليق'
        article = make_article(title)
        response = self.client.get(article.get_absolute_url())
        self.assertNotContains(response, "<script>alert")
        [text] = read(response).json_ld
        self.assertEqual(json.loads(text)["headline"], title)

    def test_graphic_photo_never_reaches_link_previews(self):
        article = make_article(photo=image_upload("graphic.jpg"), photo_is_graphic=True)
        response = self.client.get(article.get_absolute_url())
        reader = read(response)
        self.assertEqual(reader.first("og:image"), "http://testserver/static/reach/logo.png")
        self.assertEqual(reader.first("twitter:card"), "summary")
        self.assertIsNone(reader.first("og:image:width"))
        self.assertEqual(json.loads(reader.json_ld[0])["image"], ["http://testserver/static/reach/logo.png"])

    def test_without_bylines_the_newsroom_is_the_author(self):
        article = make_article()
        data = json.loads(read(self.client.get(article.get_absolute_url())).json_ld[0])
        self.assertEqual(data["author"]["name"], "غرفة الأخبار")

    def test_preview_is_noindex_without_canonical_or_previews(self):
        draft = make_article("مسودة سرية", status=Article.Status.DRAFT)
        self.client.force_login(make_user(EDITORS))
        response = self.client.get(draft.get_preview_url())
        self.assertContains(response, '<meta name="robots" content="noindex, nofollow">', html=True)
        reader = read(response)
        self.assertIsNone(reader.link("canonical"))
        self.assertIsNone(reader.first("og:title"))
        self.assertEqual(reader.json_ld, [])


class ShareLinkTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article("نزوح عائلات من ريف دير الزور")
        cls.canonical = f"http://testserver{cls.article.get_absolute_url()}"

    def share_links(self) -> dict[str, tuple[str, str]]:
        links = read(self.client.get(self.article.get_absolute_url())).share
        return {urlsplit(href).netloc: (href, name) for href, name in links}

    def test_four_services_each_named_in_arabic(self):
        names = {host: name for host, (_, name) in self.share_links().items()}
        self.assertEqual(
            names,
            {
                "wa.me": "شارك على واتساب",
                "t.me": "شارك على تيليغرام",
                "www.facebook.com": "شارك على فيسبوك",
                "x.com": "شارك على إكس",
            },
        )

    def test_each_link_carries_the_canonical_url_and_title(self):
        links = {host: parse_qs(urlsplit(href).query) for host, (href, _) in self.share_links().items()}
        self.assertEqual(links["wa.me"]["text"], [f"نزوح عائلات من ريف دير الزور {self.canonical}"])
        self.assertEqual(links["t.me"], {"url": [self.canonical], "text": ["نزوح عائلات من ريف دير الزور"]})
        self.assertEqual(links["www.facebook.com"], {"u": [self.canonical]})
        self.assertEqual(links["x.com"], {"url": [self.canonical], "text": ["نزوح عائلات من ريف دير الزور"]})

    def test_no_third_party_script_or_style(self):
        response = self.client.get(self.article.get_absolute_url())
        reader = read(response)
        for attrs in reader.links:
            with self.subTest(link=attrs):
                if attrs.get("rel") == "stylesheet":
                    self.assertTrue(attrs["href"].startswith("/static/"))
        self.assertNotContains(response, "<script src=")

    def test_printed_copy_shows_the_address(self):
        response = self.client.get(self.article.get_absolute_url())
        self.assertContains(
            response,
            # In Arabic letters, as a reader would type it, not percent-escaped.
            '<p class="print-url">رابط الخبر: <span dir="ltr">'
            f"http://testserver/news/{self.article.pk}/نزوح-عائلات-من-ريف-دير-الزور/</span></p>",
            html=True,
        )
        self.assertContains(
            response, '<link rel="stylesheet" href="/static/reach/print.css" media="print">', html=True
        )


class ListPageMetaTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("اقتصاد", description="أسعار وأسواق")
        cls.source = make_source("سانا")
        cls.author = make_author("سامر")
        for n in range(13):
            make_article(
                section=cls.section,
                tags=["خبز"],
                sources=[cls.source],
                authors=[cls.author],
                pub_date=timezone.now() - timedelta(hours=n + 1),
            )

    def test_each_list_offers_its_own_feeds(self):
        pages = {
            reverse("home"): ("latest", {}),
            reverse("articles:latest"): ("latest", {}),
            self.section.get_absolute_url(): ("section", {"slug": self.section.slug}),
            reverse("articles:tag", kwargs={"slug": "خبز"}): ("tag", {"slug": "خبز"}),
            self.source.get_absolute_url(): ("source", {"slug": self.source.slug}),
            self.author.get_absolute_url(): ("author", {"slug": self.author.slug}),
        }
        for url, (kind, kwargs) in pages.items():
            with self.subTest(url=url):
                reader = read(self.client.get(url))
                self.assertEqual(reader.link("canonical"), f"http://testserver{url}")
                for fmt, type_ in (("rss", "application/rss+xml"), ("atom", "application/atom+xml")):
                    feed = reverse(f"reach:{kind}_{fmt}", kwargs=kwargs)
                    self.assertEqual(reader.link("alternate", type_), f"http://testserver{feed}")
                    self.assertEqual(self.client.get(feed).status_code, 200)
                self.assertEqual(reader.first("og:type"), "website")
                self.assertEqual(reader.first("og:locale"), "ar_AR")
                self.assertEqual(reader.first("og:url"), f"http://testserver{url}")

    def test_titles_and_descriptions(self):
        home = read(self.client.get(reverse("home")))
        self.assertEqual(home.first("og:title"), "غرفة الأخبار")
        self.assertEqual(home.first("og:description"), "غرفة الأخبار: أخبار سوريا والمنطقة")
        self.assertEqual(read(self.client.get(reverse("articles:latest"))).first("og:title"), "آخر الأخبار")
        section = read(self.client.get(self.section.get_absolute_url()))
        self.assertEqual(section.first("og:title"), "اقتصاد")
        self.assertEqual(section.first("og:description"), "أسعار وأسواق")

    def test_second_page_is_its_own_canonical(self):
        reader = read(self.client.get(self.section.get_absolute_url(), {"page": 2}))
        self.assertEqual(
            reader.link("canonical"), f"http://testserver{self.section.get_absolute_url()}?page=2"
        )

    def test_list_pages_keep_their_query_counts(self):
        # As many as without them (tests/test_pages.py): the tags read what the page loaded.
        with self.assertNumQueries(5):
            self.client.get(self.section.get_absolute_url())
