"""An editor writes an article in the admin with a real browser; a reader on a phone reads it."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from articles.models import Article
from newsroom.text import arabic_slugify

from .factories import make_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "قصف على بلدة هجين"
LEAD = "قالت مصادر محلية إن القصف استهدف أطراف البلدة في ريف دير الزور الشرقي."
BODY = "شهدت بلدة هجين صباح اليوم قصفاً مدفعياً مكثفاً، وأفاد سكان بنزوح عشرات العائلات نحو القرى المجاورة."
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def watch_for_errors(page) -> list[str]:
    """Collect script errors, console errors and failed requests (a missing editor script shows here)."""
    errors = []

    def on_console(message):
        # A failed request is also logged to the console, without its URL; on_response has it.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(f"console: {message.text}")

    def on_response(response):
        # Browsers ask for /favicon.ico on their own; the site declares none.
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            errors.append(f"{response.status}: {response.url}")

    def on_request_failed(request):
        # select2 aborts its pending search when the editor types on; that is not an error.
        if request.failure != "net::ERR_ABORTED":
            errors.append(f"failed ({request.failure}): {request.url}")

    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    page.on("console", on_console)
    page.on("response", on_response)
    page.on("requestfailed", on_request_failed)
    return errors


def pick_autocomplete(page, field: str, term: str, choice: str) -> None:
    """Choose `choice` in the admin's select2 autocomplete for `field`, typing `term`."""
    page.locator(f"#id_{field} + .select2-container").click()
    search = page.locator(".select2-container--open .select2-search__field")
    search.fill(term)
    page.locator(".select2-results__option", has_text=choice).click()
    expect(page.locator(f"#id_{field}")).to_have_value(re.compile(r"^\d+$"))


def text_line_boxes(page, selector: str) -> list[dict]:
    """The boxes of the rendered text lines inside `selector`, as the reader sees them."""
    return page.evaluate(
        """selector => {
            const range = document.createRange();
            range.selectNodeContents(document.querySelector(selector));
            return Array.from(range.getClientRects(), r => ({left: r.left, right: r.right, width: r.width}));
        }""",
        selector,
    )


def test_editor_publishes_article_and_reader_reads_it_on_a_phone(live_server, browser, artifacts_dir):
    User.objects.create_superuser("editor", "editor@example.com", "correct horse battery")
    section = make_section("أخبار سوريا")

    # The editor, at a desk.
    editor = browser.new_context(viewport=DESKTOP, locale="ar")
    page = editor.new_page()
    errors = watch_for_errors(page)
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "correct horse battery")
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_have_text("إدارة غرفة الأخبار")

    page.locator("a.addlink[href$='/articles/article/add/']").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    # The admin's slug script listens for keyup and change. Playwright inserts Arabic letters
    # without key events (they are not on its US keyboard), so leaving the field is what
    # fires "change", as it does when an editor tabs on to the next field.
    page.fill("#id_title", TITLE)
    page.keyboard.press("Tab")
    # The admin's JavaScript fills the slug from the title, keeping the Arabic letters.
    expect(page.locator("#id_slug")).to_have_value(arabic_slugify(TITLE))
    page.fill("#id_lead", LEAD)
    body_editor = page.locator(".ProseMirror[contenteditable=true]")
    body_editor.click()
    page.keyboard.type(BODY)
    expect(body_editor).to_contain_text(BODY)
    pick_autocomplete(page, "section", "سوريا", "أخبار سوريا")
    page.fill("#id_new_tags", "دير الزور، هجين")
    page.select_option("#id_status", Article.Status.PUBLISHED)

    page.screenshot(path=artifacts_dir / "admin-add-article-1280.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=artifacts_dir / "admin-add-article-390.png", full_page=True)
    page.set_viewport_size(DESKTOP)

    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_contain_text(TITLE)
    assert errors == [], errors

    article = Article.objects.get(title=TITLE)
    assert article.is_published()
    assert article.section == section
    assert article.lead == LEAD
    assert BODY in article.body
    assert set(article.tags.names()) == {"دير الزور", "هجين"}
    editor.close()

    # A reader, on a phone, not logged in.
    reader = browser.new_context(viewport=PHONE, locale="ar")
    page = reader.new_page()
    errors = watch_for_errors(page)
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator(".article-lead")).to_have_text(LEAD)
    expect(page.locator(".article-body")).to_contain_text(BODY)
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    # The site's own Arabic font, both weights (headline and text), not a system fallback.
    loaded = page.evaluate(
        """document.fonts.ready.then(fonts => Array.from(fonts)
            .filter(f => f.family.replaceAll('"', '') === 'Noto Naskh Arabic' && f.status === 'loaded')
            .map(f => f.weight))"""
    )
    assert set(loaded) == {"400", "700"}, loaded

    # The headline starts at the right: its box reaches the right margin, and so does its
    # text, though the short title leaves most of the line empty on the left.
    h1 = page.locator("h1").bounding_box()
    assert PHONE["width"] - 24 <= h1["x"] + h1["width"] <= PHONE["width"], h1
    lines = text_line_boxes(page, "h1")
    assert len(lines) == 1, lines
    assert lines[0]["width"] < h1["width"] * 0.8, (lines, h1)
    assert abs(lines[0]["right"] - (h1["x"] + h1["width"])) <= 2, (lines, h1)

    # Nothing sticks out sideways on a 390 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=artifacts_dir / "article-390.png", full_page=True)
    page.set_viewport_size(DESKTOP)
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    page.screenshot(path=artifacts_dir / "article-1280.png", full_page=True)
    assert errors == [], errors
    reader.close()
