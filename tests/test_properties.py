"""Property tests (hypothesis): no input crashes the importer or the body sanitiser, and the
sanitiser's output is stable and never carries a script or an event handler."""

import io
import tempfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import SimpleTestCase, TestCase

from articles.importer import MalformedArticle, ParsedArticle, parse_article
from articles.models import Article
from articles.services import article_import
from newsroom.text import LEVANTINE_MONTHS
from tests.test_xss import elements, problems

# --- The importer's plain-text format -----------------------------------------------------

ARABIC = st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
# No line or paragraph separators inside a line (str.splitlines() splits at a dozen of them):
# the structured files below keep their shape; plain st.text() covers the rest.
LINE_CHARS = st.one_of(
    ARABIC,
    st.characters(codec="utf-8", exclude_categories=["Cc", "Zl", "Zp"]),
    st.sampled_from(" -–—.،…\t\u200f\ufeff"),
)
line = st.text(LINE_CHARS, max_size=80).filter(str.strip)
digits = st.sampled_from(["0123456789", "٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹"])


@st.composite
def number(draw, low: int, high: int, width: int = 0) -> str:
    value = str(draw(st.integers(low, high))).zfill(width)
    alphabet = draw(digits)
    return "".join(alphabet[int(d)] for d in value)


def rarely(draw) -> bool:
    """True about one time in five: most generated files stay close to valid."""
    return draw(st.integers(0, 4)) == 0


@st.composite
def caption(draw) -> str:
    month = draw(line) if rarely(draw) else draw(st.sampled_from(LEVANTINE_MONTHS))
    day = draw(number(0, 99)) if rarely(draw) else draw(number(1, 31))
    year = draw(number(0, 9999, width=4))
    dash = draw(st.sampled_from(["", "/"])) if rarely(draw) else draw(st.sampled_from(["-", "–", "—"]))
    return f"{draw(line)} {dash} {day} {month} {year}"


@st.composite
def article_file(draw) -> str:
    """Files close to the format, so the parser's deeper branches get exercised, not just the
    "too short" refusal a random string meets first."""
    parts = [draw(line), draw(line), draw(caption())]
    parts += draw(st.lists(line, min_size=0 if rarely(draw) else 1, max_size=5))
    if not rarely(draw):
        parts += ["أقسام", *draw(st.lists(line, max_size=2 if rarely(draw) else 1, min_size=1))]
    if draw(st.booleans()):
        parts += ["أخبار متعلقة", *draw(st.lists(line, max_size=3))]
    if rarely(draw) and rarely(draw):
        parts = draw(st.permutations(parts))
    separator = draw(st.sampled_from(["\n", "\n\n", "\r\n", "\n \n"]))
    return draw(st.sampled_from(["", "\ufeff"])) + separator.join(parts)


any_text = st.one_of(st.text(), article_file())


class ParserProperties(SimpleTestCase):
    @settings(max_examples=400, deadline=None)
    @given(text=any_text)
    def test_parse_article_accepts_or_explains(self, text):
        try:
            parsed = parse_article(text)
        except MalformedArticle as error:
            self.assertTrue(str(error))
            return
        self.assertIsInstance(parsed, ParsedArticle)
        self.assertTrue(parsed.title and parsed.lead and parsed.paragraphs and parsed.section_name)


class ImportCommandProperties(TestCase):
    """The whole path, bytes on disk to rows: an import file either becomes an article or is
    named on stderr with the reason. Never a traceback."""

    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(content=st.one_of(article_file().map(lambda t: t.encode("utf-8", "surrogatepass")), st.binary()))
    def test_any_file_is_imported_or_refused_with_a_reason(self, content):
        path = self.folder / "story.txt"
        path.write_bytes(content)
        stderr = io.StringIO()
        try:
            call_command("import_articles", str(path), stdout=io.StringIO(), stderr=stderr)
        except CommandError:
            self.assertIn(str(path), stderr.getvalue())
            self.assertFalse(Article.objects.exists())
            return
        article = Article.objects.get(import_key="story")
        self.assertEqual(problems(article.body), [])

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(text=article_file())
    def test_a_parsed_article_saves_or_fails_validation(self, text):
        try:
            parsed = parse_article(text)
        except MalformedArticle:
            return
        try:
            article, _created = article_import(parsed=parsed, key="story")
        except ValidationError:
            return
        self.assertEqual(article.body.count("<p>"), len(parsed.paragraphs))


# --- The body sanitiser ---------------------------------------------------------------------

sanitize = Article._meta.get_field("body").sanitize

TAGS = [
    "p", "br", "strong", "em", "h1", "h2", "h3", "ul", "ol", "li", "blockquote", "a", "div", "span",
    "script", "style", "svg", "math", "img", "iframe", "object", "embed", "form", "button", "input",
    "textarea", "noscript", "template", "select", "option", "table", "td", "title", "xmp", "plaintext",
    "meta", "base", "link", "body", "html", "head", "frameset", "image", "foreignObject", "mglyph",
]  # fmt: skip
ATTRIBUTES = [
    "href", "src", "style", "title", "lang", "rel", "class", "id", "dir", "onclick", "onerror",
    "onload", "ONMOUSEOVER", "formaction", "action", "xlink:href", "srcdoc", "data", "target", "start",
]  # fmt: skip
URLS = [
    "https://example.org/", "mailto:a@example.org", "/relative", "#frag", "javascript:alert(1)",
    "JaVaScRiPt:alert(1)", "&#106;avascript:alert(1)", "java\tscript:x", "data:text/html,<script>",
    "vbscript:x", "&#x6A;avascript&colon;x", " javascript:x", "\x01javascript:x",
]  # fmt: skip


@st.composite
def start_tag(draw) -> str:
    tag = draw(st.sampled_from(TAGS))
    attrs = []
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.sampled_from(ATTRIBUTES))
        value = draw(st.one_of(st.sampled_from(URLS), st.text(max_size=10)))
        quote = draw(st.sampled_from(['"', "'", ""]))
        attrs.append(f" {name}={quote}{value}{quote}")
    return f"<{tag}{''.join(attrs)}{draw(st.sampled_from(['', '/']))}>"


fragment_piece = st.one_of(
    start_tag(),
    st.sampled_from(TAGS).map(lambda tag: f"</{tag}>"),
    st.text(max_size=12),
    st.sampled_from(["<!--", "-->", "<![CDATA[", "]]>", "&lt;", "&amp;", "<", ">", '"', "'", "&#0;", "\x00"]),
)
html_fragment = st.one_of(st.lists(fragment_piece, max_size=25).map("".join), st.text())


class SanitiserProperties(SimpleTestCase):
    @settings(max_examples=1000, deadline=None)
    @given(html=html_fragment)
    @example(html="<h2><div><h2>")  # one nh3 pass gave "<h2><h2></h2></h2>", which re-parses apart
    def test_output_is_clean_and_stable(self, html):
        cleaned = sanitize(html)
        self.assertEqual(problems(cleaned), [])
        for _tag, attrs in elements(cleaned):
            self.assertFalse([name for name in attrs if name.lower().startswith("on")])
        self.assertNotIn("<script", cleaned.lower())
        # Idempotent: saving a saved body again changes nothing (revisions, re-imports, restores).
        self.assertEqual(sanitize(cleaned), cleaned)
