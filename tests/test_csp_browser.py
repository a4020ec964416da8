"""The Content Security Policy in a real browser: the admin still works under it (the prose
editor, the presence heartbeat, the calendar and dashboard) and no page trips it."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article
from comments.models import Comment

from .factories import make_article, make_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"
DESKTOP = {"width": 1280, "height": 900}

# Registered before any page script runs; Playwright injects it outside the page's policy.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


def watch_policy(page) -> list[str]:
    """Every CSP refusal on `page`, from the console ("Refused to ...") and from the events."""
    refused = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.on("pageerror", lambda error: refused.append(f"pageerror: {error}"))
    return refused


def violations(page, refused: list[str]) -> list[str]:
    return [*refused, *page.evaluate("window.__cspViolations")]


def test_admin_editor_and_reader_article_trip_no_policy(live_server, browser, artifacts_dir):
    User.objects.create_superuser("editor", "editor@example.com", PASSWORD)
    section = make_section("سوريا")
    article = make_article(
        "خبر قديم عن حلب",
        section=section,
        body="<p>نص <strong>قديم</strong> مع <a href='https://example.org/'>رابط</a>.</p>",
    )
    Comment.objects.create(article=article, name="قارئ", text="تعليق منشور", status=Comment.Status.APPROVED)
    context = browser.new_context(viewport=DESKTOP, locale="ar")
    page = context.new_page()
    refused = watch_policy(page)

    page.goto(live_server.url + reverse("admin:index"))
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_have_text("إدارة غرفة الأخبار")
    assert violations(page, refused) == [], "the dashboard"

    page.goto(live_server.url + reverse("editorial:calendar"))
    expect(page.locator("h1")).to_be_visible()
    assert violations(page, refused) == [], "the editorial calendar"

    # The edit page: the editor loads (its import map needs the nonce), spaces stay spaces
    # (Tiptap's injected <style> needs the hash), and the presence heartbeat answers.
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    presence_url = reverse("article_presence", args=[article.pk])
    with page.expect_response(lambda response: response.url.endswith(presence_url)) as heartbeat:
        page.goto(live_server.url + change_url)
    assert heartbeat.value.status == 200
    body = page.locator(".ProseMirror[contenteditable=true]")
    expect(body).to_contain_text("نص قديم")
    body.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" وجملة جديدة بعد التعديل")
    page.keyboard.press("Control+a")
    page.keyboard.press("Control+b")
    page.screenshot(path=artifacts_dir / "csp-admin-editor-1280.png")
    assert violations(page, refused) == [], "the article's edit page"
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    saved = Article.objects.get(pk=article.pk).body
    assert "وجملة جديدة بعد التعديل" in saved
    assert "&nbsp;" not in saved
    assert "<strong>" in saved
    assert violations(page, refused) == [], "the edit page after saving"

    reader = context.new_page()
    refused_by_reader = watch_policy(reader)
    reader.goto(live_server.url + article.get_absolute_url())
    expect(reader.locator("h1")).to_have_text("خبر قديم عن حلب")
    expect(reader.locator(".article-body")).to_contain_text("وجملة جديدة بعد التعديل")
    assert violations(reader, refused_by_reader) == [], "the reader's article page"
    reader.goto(live_server.url + reverse("home"))
    assert violations(reader, refused_by_reader) == [], "the home page"
    context.close()


def test_a_blocked_inline_script_is_reported(live_server, browser):
    """The watch above can see a refusal: an inline script injected into a reader page is one."""
    make_article("خبر", section=make_section("سوريا"))
    page = browser.new_page()
    refused = watch_policy(page)
    page.goto(live_server.url + reverse("home"))
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.ran = true";
          document.body.append(script);
        }"""
    )
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.ran") is None
    assert any("script-src" in entry for entry in violations(page, refused))
