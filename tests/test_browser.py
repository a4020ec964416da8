"""Editors and writers work in the admin with a real browser; a reader on a phone reads the result."""

import importlib
import re

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import User
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article
from comments.models import Comment, Decision, Report
from editorial.roles import EDITORS, MODERATORS, WRITERS, grant
from newsroom.text import arabic_slugify

from .factories import make_article, make_section, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "قصف على بلدة هجين"
LEAD = "قالت مصادر محلية إن القصف استهدف أطراف البلدة في ريف دير الزور الشرقي."
BODY = "شهدت بلدة هجين صباح اليوم قصفاً مدفعياً مكثفاً، وأفاد سكان بنزوح عشرات العائلات نحو القرى المجاورة."
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "correct horse battery"


@pytest.fixture
def roles():
    # These tests run in transactions that end in a flush, and a flush takes the groups the
    # editorial data migration made with it; put them back exactly as that migration has them.
    migration = importlib.import_module("editorial.migrations.0001_roles")
    for role, permissions in migration.ROLE_PERMISSIONS.items():
        grant(django_apps, role, permissions)
    # The comments app's migration adds moderation to two of those roles.
    moderation = importlib.import_module("comments.migrations.0002_moderation_roles")
    for role in (MODERATORS, EDITORS):
        grant(django_apps, role, moderation.MODERATION)


def log_in(page, live_server, username: str) -> None:
    page.goto(live_server.url + reverse("admin:index"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_have_text("إدارة غرفة الأخبار")


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
    User.objects.create_superuser("editor", "editor@example.com", PASSWORD)
    section = make_section("أخبار سوريا")

    # The editor, at a desk.
    editor = browser.new_context(viewport=DESKTOP, locale="ar")
    page = editor.new_page()
    errors = watch_for_errors(page)
    log_in(page, live_server, "editor")

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

    page.screenshot(path=artifacts_dir / "admin-add-article-1280.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=artifacts_dir / "admin-add-article-390.png", full_page=True)
    page.set_viewport_size(DESKTOP)

    # The status is not a form field: the article is published by the workflow's button.
    page.get_by_role("button", name="نشر الآن").click()
    expect(page.locator(".messagelist .success").first).to_contain_text(TITLE)
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


def test_writer_submits_editor_publishes_and_reader_reads(live_server, browser, artifacts_dir, roles):
    make_user(WRITERS, username="writer", password=PASSWORD)
    make_user(EDITORS, username="editor", password=PASSWORD)
    make_section("أخبار سوريا")

    # The writer drafts the story and hands it over.
    writer = browser.new_context(viewport=DESKTOP, locale="ar")
    page = writer.new_page()
    errors = watch_for_errors(page)
    log_in(page, live_server, "writer")
    page.locator("a.addlink[href$='/articles/article/add/']").click()
    page.fill("#id_title", TITLE)
    page.keyboard.press("Tab")
    page.fill("#id_lead", LEAD)
    page.locator(".ProseMirror[contenteditable=true]").click()
    page.keyboard.type(BODY)
    pick_autocomplete(page, "section", "سوريا", "أخبار سوريا")
    # A writer cannot publish: the only workflow move on offer is the hand-over.
    workflow = page.locator(".workflow-actions button")
    expect(workflow).to_have_text(["إرسال للمراجعة"])
    page.screenshot(path=artifacts_dir / "workflow-writer-submits-1280.png", full_page=True)
    workflow.click()
    expect(page.locator(".messagelist .success").first).to_contain_text("بانتظار المراجعة")
    assert errors == [], errors
    writer.close()

    article = Article.objects.get(title=TITLE)
    assert article.status == Article.Status.REVIEW
    assert article.created_by.username == "writer"

    # The editor finds it in the list and publishes it.
    editor = browser.new_context(viewport=DESKTOP, locale="ar")
    page = editor.new_page()
    errors = watch_for_errors(page)
    log_in(page, live_server, "editor")
    page.goto(live_server.url + reverse("admin:articles_article_changelist") + "?status__exact=review")
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator("#id_title")).to_have_value(TITLE)
    # The hand-over is on record, with who made it.
    history = page.locator("#transitions-group")
    expect(history).to_contain_text("writer")
    expect(history).to_contain_text("بانتظار المراجعة")
    page.screenshot(path=artifacts_dir / "workflow-editor-reviews-1280.png", full_page=True)
    page.get_by_role("button", name="نشر الآن").click()
    expect(page.locator(".messagelist .success").first).to_contain_text("منشور")
    assert errors == [], errors
    editor.close()

    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.is_published()
    assert list(article.transitions.values_list("to_status", "by__username")) == [
        (Article.Status.PUBLISHED, "editor"),
        (Article.Status.REVIEW, "writer"),
    ]

    # A reader, not logged in, finds it on the public site.
    reader = browser.new_context(viewport=PHONE, locale="ar")
    page = reader.new_page()
    errors = watch_for_errors(page)
    page.goto(f"{live_server.url}/news/")
    page.get_by_role("link", name=TITLE).first.click()
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator(".article-body")).to_contain_text(BODY)
    expect(page.locator(".preview-banner")).to_have_count(0)
    assert page.evaluate("document.documentElement.dir") == "rtl"
    page.screenshot(path=artifacts_dir / "workflow-reader-reads-390.png", full_page=True)
    assert errors == [], errors
    reader.close()


def test_reader_comments_moderator_approves_and_the_comment_appears(
    live_server, browser, artifacts_dir, roles, settings
):
    # The form refuses what is sent faster than a person types; this reader is a script.
    settings.COMMENTS_MIN_FILL_SECONDS = 0
    make_user(MODERATORS, username="moderator", password=PASSWORD)
    article = make_article(TITLE, lead=LEAD, body=f"<p>{BODY}</p>")
    comment_text = "نحن بخير، لكن الطريق إلى الميادين مقطوع منذ الصباح ولا يصل الخبز إلى القرى."

    # A reader, on a phone, comments under the article.
    reader = browser.new_context(viewport=PHONE, locale="ar")
    page = reader.new_page()
    errors = watch_for_errors(page)
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    page.get_by_role("textbox", name="الاسم").fill("أبو خالد")
    page.get_by_role("textbox", name="التعليق").fill(comment_text)
    page.get_by_role("button", name=re.compile("أرسل")).click()
    expect(page.get_by_text("تعليقك بانتظار المراجعة")).to_be_visible()
    expect(page.locator(".comment-list")).to_have_count(0)
    page.screenshot(path=artifacts_dir / "comments-reader-posted-390.png", full_page=True)
    assert errors == [], errors

    comment = Comment.objects.get(article=article)
    assert (comment.status, comment.text, comment.ip_address) == (
        Comment.Status.PENDING,
        comment_text,
        "127.0.0.1",
    )

    # Other comments in the queue, so the screenshot shows it as moderators will see it.
    other = make_article("انقطاع الكهرباء عن أحياء الميادين لليوم الثالث على التوالي بعد القصف")
    Comment.objects.create(
        article=other,
        name="قارئة من الرقة",
        email="raqqa.reader.with.a.long.address@example.com",
        ip_address="2001:db8:85a3::8a2e:370:7334",
        text="تعليق طويل " * 30,
    )
    reported = Comment.objects.create(
        article=other, name="زائر", text="رابط إعلاني", status=Comment.Status.HIDDEN
    )
    for _ in range(3):
        Report.objects.create(comment=reported, reason=Report.Reason.SPAM)
    Comment.objects.create(article=article, name="سلمى", text="شكراً للتغطية", status=Comment.Status.APPROVED)

    # A moderator, at a desk, finds it from the admin's front page.
    moderator = browser.new_context(viewport=DESKTOP, locale="ar")
    page = moderator.new_page()
    errors = watch_for_errors(page)
    log_in(page, live_server, "moderator")
    page.get_by_role("link", name="تعليقات بانتظار الإشراف (3)").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(3)
    # Only what awaits a decision, newest first: the reader's comment at the bottom.
    expect(rows.last).to_contain_text("أبو خالد")
    page.screenshot(path=artifacts_dir / "comments-queue-1280.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]

    page.locator(f"input[name=_selected_action][value='{comment.pk}']").check()
    page.select_option("select[name=action]", "approve")
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist .success")).to_contain_text("صار تعليق واحد «منشور»")
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    # Everything, decided or not: what awaits a decision still comes first.
    page.goto(live_server.url + reverse("admin:comments_comment_changelist"))
    expect(page.locator("#result_list tbody tr")).to_have_count(4)
    page.screenshot(path=artifacts_dir / "comments-queue-all-1280.png", full_page=True)

    # The decision is on the comment's page, with who made it.
    page.goto(live_server.url + reverse("admin:comments_comment_change", args=[comment.pk]))
    expect(page.locator("#decisions-group")).to_contain_text("moderator")
    expect(page.locator("#decisions-group")).to_contain_text("منشور")
    page.screenshot(path=artifacts_dir / "comments-decided-1280.png", full_page=True)
    assert errors == [], errors
    moderator.close()

    decision = Decision.objects.get(comment=comment)
    assert (decision.by.username, decision.from_status, decision.to_status) == (
        "moderator",
        Comment.Status.PENDING,
        Comment.Status.APPROVED,
    )

    # The reader reloads the article: the comment is there.
    page = reader.new_page()
    errors = watch_for_errors(page)
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text(comment_text)
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text("أبو خالد")
    page.screenshot(path=artifacts_dir / "comments-reader-sees-approved-390.png", full_page=True)
    assert errors == [], errors
    reader.close()
