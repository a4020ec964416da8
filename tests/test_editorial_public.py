"""What readers see of the editors' care: verification labels, corrections and updates, graphic
photos behind a warning, and bylines that protect the reporters behind them."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import TestCase
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article, Correction, VerificationLabel
from authors.models import Author
from editorial.roles import EDITORS, WRITERS

from .factories import (
    image_upload,
    inline_management_data,
    make_article,
    make_author,
    make_section,
    make_source,
    make_user,
)

UNVERIFIED = "لم يتسنَّ لنا التحقق من صحة هذه المعلومات بشكل مستقل"
CORRECTIONS_HEADING = "تصحيحات وتحديثات"
SCRIPT = "articles/graphic-photo.js"


def scripts(response) -> int:
    """Scripts a browser would run: JSON-LD structured data is data, not code."""
    content = response.content.decode()
    return content.count("<script") - content.count('<script type="application/ld+json">')


REVEAL_BUTTON = '<button type="button" class="graphic-reveal" hidden>عرض الصورة</button>'
GRAPHIC_ALT = "جرحى في ممر مشفى ميداني"


def position(response, text: str) -> int:
    found = response.content.decode().find(text)
    assert found >= 0, f"{text!r} is not on the page"
    return found


class VerificationLabelTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.label = VerificationLabel.objects.create(text=UNVERIFIED)
        cls.labelled = make_article("مقتل مدنيين في الشعفة", verification=cls.label)
        cls.plain = make_article("خبر موثّق")

    def test_label_is_a_note_near_the_top(self):
        response = self.client.get(self.labelled.get_absolute_url())
        self.assertContains(
            response,
            f'<p class="verification-note" role="note"><strong>ملاحظة التحرير:</strong>'
            f' <span dir="auto">{UNVERIFIED}</span></p>',
            html=True,
        )
        # Read before the story: right under the headline, ahead of the lead and the body.
        note = position(response, UNVERIFIED)
        self.assertLess(position(response, "</h1>"), note)
        self.assertLess(note, position(response, 'class="article-lead"'))

    def test_article_without_a_label_has_no_note(self):
        response = self.client.get(self.plain.get_absolute_url())
        self.assertNotContains(response, 'role="note"')
        self.assertNotContains(response, UNVERIFIED)

    def test_a_label_no_longer_offered_still_shows_where_it_was_chosen(self):
        VerificationLabel.objects.filter(pk=self.label.pk).update(is_active=False)
        self.assertContains(self.client.get(self.labelled.get_absolute_url()), UNVERIFIED)


class CorrectionsOnTheArticleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.pub_date = datetime(2025, 3, 1, 7, 0, tzinfo=UTC)
        cls.article = make_article("قصف على هجين", pub_date=cls.pub_date)
        # Made newest first, to show the page orders them by their dates, not by their ids.
        cls.update = cls.article.corrections.create(
            kind=Correction.Kind.UPDATE,
            text="أضفنا رد التحالف الدولي.",
            created_at=datetime(2025, 3, 2, 9, 5, tzinfo=UTC),
        )
        cls.correction = cls.article.corrections.create(
            kind=Correction.Kind.CORRECTION,
            text="ورد خطأً أن القصف وقع مساءً،\nوالصحيح أنه وقع فجراً.",
            created_at=datetime(2025, 3, 1, 21, 30, tzinfo=UTC),
        )
        Article.objects.filter(pk=cls.article.pk).update(updated=datetime(2025, 3, 2, 9, 6, tzinfo=UTC))

    def test_corrections_are_listed_under_their_heading_oldest_first(self):
        response = self.client.get(self.article.get_absolute_url())
        self.assertContains(
            response,
            f'<h2 id="corrections-title" class="corrections-title">{CORRECTIONS_HEADING}</h2>',
            html=True,
        )
        heading = position(response, CORRECTIONS_HEADING)
        self.assertLess(position(response, 'class="article-body"'), heading)
        self.assertLess(heading, position(response, "ورد خطأً"))
        self.assertLess(position(response, "ورد خطأً"), position(response, "أضفنا رد التحالف"))

    def test_each_shows_its_kind_and_levantine_date_and_time_in_damascus(self):
        response = self.client.get(self.article.get_absolute_url())
        # 21:30 UTC on 1 March is half past midnight on 2 March in Damascus (UTC+3).
        self.assertContains(
            response,
            '<p class="correction-meta"><span class="correction-kind correction-kind-correction">تصحيح</span>'
            ' <time datetime="2025-03-02T00:30:00+0300">2 آذار 2025، 00:30</time></p>',
            html=True,
        )
        self.assertContains(
            response,
            '<p class="correction-meta"><span class="correction-kind correction-kind-update">تحديث</span>'
            ' <time datetime="2025-03-02T12:05:00+0300">2 آذار 2025، 12:05</time></p>',
            html=True,
        )
        self.assertContains(response, "ورد خطأً أن القصف وقع مساءً،<br>والصحيح أنه وقع فجراً.")

    def test_last_update_is_shown_beside_the_unchanged_publication_date(self):
        response = self.client.get(self.article.get_absolute_url())
        self.assertContains(
            response, '<time datetime="2025-03-01T10:00:00+03:00">1 آذار 2025</time>', html=True
        )
        self.assertContains(
            response,
            '<span class="article-updated">آخر تحديث:'
            ' <time datetime="2025-03-02T12:06:00+0300">2 آذار 2025، 12:06</time></span>',
            html=True,
        )

    def test_article_without_corrections_has_neither_heading_nor_last_update(self):
        plain = make_article()
        Article.objects.filter(pk=plain.pk).update(updated=timezone.now())
        response = self.client.get(plain.get_absolute_url())
        self.assertNotContains(response, CORRECTIONS_HEADING)
        self.assertNotContains(response, "آخر تحديث")

    def test_a_correction_made_before_a_scheduled_story_went_out_is_no_update_to_readers(self):
        story = make_article(pub_date=timezone.now() - timedelta(minutes=5))
        story.corrections.create(text="صُحّح قبل النشر.", created_at=timezone.now() - timedelta(hours=2))
        Article.objects.filter(pk=story.pk).update(updated=timezone.now() - timedelta(hours=2))
        response = self.client.get(story.get_absolute_url())
        self.assertContains(response, CORRECTIONS_HEADING)
        self.assertNotContains(response, "آخر تحديث")

    def test_corrections_cost_one_query_however_many(self):
        plain = make_article(section=self.article.section)
        once = make_article(section=self.article.section)
        once.corrections.create(text="تصحيح وحيد")
        for n in range(5):
            self.article.corrections.create(text=f"تحديث {n}", kind=Correction.Kind.UPDATE)
        # Each measured with its related news cached, as after a first view. Without any, the
        # article's labels query alone tells there are none.
        for article, queries in ((plain, 5), (once, 6), (self.article, 6)):
            self.client.get(article.get_absolute_url())
            with self.subTest(article=article.title), self.assertNumQueries(queries):
                self.client.get(article.get_absolute_url())


class CorrectionThroughTheAdminTests(TestCase):
    """An editor adds a correction in the article's change form; readers see it, dated, and the
    article's modified time moves while its publication time stays."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(EDITORS)
        # Whole seconds, as the admin's date and time boxes post them back.
        cls.pub_date = timezone.make_aware(datetime(2025, 3, 1, 10, 30))
        cls.article = make_article("قصف على هجين", pub_date=cls.pub_date)
        cls.before = timezone.now() - timedelta(days=2)
        Article.objects.filter(pk=cls.article.pk).update(updated=cls.before)

    def setUp(self):
        self.client.force_login(self.editor)

    def post_correction(self, **correction):
        local = timezone.localtime(self.pub_date)
        data = {
            "title": self.article.title,
            "slug": self.article.slug,
            "lead": self.article.lead,
            "body": self.article.body,
            "section": self.article.section_id,
            "new_tags": "",
            "featured_photo": "",
            "pub_date_0": local.strftime("%Y-%m-%d"),
            "pub_date_1": local.strftime("%H:%M:%S"),
            "_save": "حفظ",
            # The version the editor loaded, as the change form sends it back.
            "loaded_version": Article.objects.get(pk=self.article.pk).updated.isoformat(),
            **inline_management_data(),
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-kind": Correction.Kind.CORRECTION,
            "corrections-0-text": "ورد خطأً أن القصف وقع مساءً.",
            "corrections-0-created_at_0": "",
            "corrections-0-created_at_1": "",
        }
        data.update({f"corrections-0-{key}": value for key, value in correction.items()})
        return self.client.post(reverse("admin:articles_article_change", args=[self.article.pk]), data)

    def test_correction_is_saved_with_its_editor(self):
        now = timezone.localtime()
        response = self.post_correction(
            created_at_0=now.strftime("%Y-%m-%d"), created_at_1=now.strftime("%H:%M:%S")
        )
        self.assertRedirects(response, reverse("admin:articles_article_changelist"))
        correction = self.article.corrections.get()
        self.assertEqual(correction.kind, Correction.Kind.CORRECTION)
        self.assertEqual(correction.created_by, self.editor)

    def test_modified_time_moves_and_publication_time_stays(self):
        now = timezone.localtime()
        self.post_correction(created_at_0=now.strftime("%Y-%m-%d"), created_at_1=now.strftime("%H:%M:%S"))
        self.article.refresh_from_db()
        self.assertEqual(self.article.pub_date, self.pub_date)
        self.assertGreater(self.article.updated, self.before + timedelta(days=1))

        self.client.logout()
        response = self.client.get(self.article.get_absolute_url())
        self.assertContains(
            response, '<time datetime="2025-03-01T10:30:00+03:00">1 آذار 2025</time>', html=True
        )
        updated = timezone.localtime(self.article.updated)
        self.assertContains(response, f'آخر تحديث: <time datetime="{updated:%Y-%m-%dT%H:%M:%S%z}">')
        self.assertContains(response, "ورد خطأً أن القصف وقع مساءً.")


class GraphicPhotoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("المنطقة الشرقية")
        cls.graphic = make_article(
            "قصف مشفى الشعفة",
            section=cls.section,
            tags=["الشعفة"],
            photo=image_upload("graphic.jpg"),
            photo_alt=GRAPHIC_ALT,
            photo_is_graphic=True,
        )
        cls.plain = make_article(
            "وصول شاحنات إلى ريف دير الزور",
            section=cls.section,
            tags=["الشعفة"],
            photo=image_upload("plain.jpg"),
            photo_alt="شاحنات على طريق ترابي",
            pub_date=timezone.now() - timedelta(hours=3),
        )
        cls.plain.related.add(cls.graphic)

    def test_graphic_photo_is_blurred_behind_its_warning_with_its_alt_text(self):
        response = self.client.get(self.graphic.get_absolute_url())
        self.assertContains(response, '<div class="photo-frame is-graphic" data-graphic-photo tabindex="-1">')
        self.assertContains(response, "تُظهر هذه الصورة مشاهد قاسية")
        # Hidden until the script can make it work.
        self.assertContains(response, REVEAL_BUTTON, html=True)
        self.assertContains(response, f'alt="{GRAPHIC_ALT}"')
        # A screen reader meets the warning before the photo's description.
        self.assertLess(position(response, "مشاهد قاسية"), position(response, GRAPHIC_ALT))

    def test_script_is_loaded_deferred_only_on_an_article_with_a_graphic_photo(self):
        response = self.client.get(self.graphic.get_absolute_url())
        self.assertContains(response, f'<script src="/static/{SCRIPT}" defer></script>', html=True)
        self.assertEqual(scripts(response), 1)
        self.assertIsNotNone(finders.find(SCRIPT))

    def test_the_script_stays_tiny(self):
        with open(finders.find(SCRIPT), "rb") as script:
            self.assertLess(len(script.read()), 1024)

    def test_no_other_page_loads_any_script(self):
        source = make_source()
        self.plain.sources.add(source)
        author = make_author()
        self.plain.authors.add(author)
        for url in [
            reverse("home"),
            reverse("articles:latest"),
            self.plain.get_absolute_url(),
            self.section.get_absolute_url(),
            reverse("articles:tag", kwargs={"slug": "الشعفة"}),
            source.get_absolute_url(),
            author.get_absolute_url(),
        ]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(scripts(response), 0)
                self.assertNotContains(response, "is-graphic")

    def test_a_graphic_flag_without_a_photo_loads_nothing(self):
        article = make_article(photo_is_graphic=True)
        response = self.client.get(article.get_absolute_url())
        self.assertEqual(scripts(response), 0)
        self.assertNotContains(response, "graphic-reveal")

    def test_cards_never_show_a_graphic_photo(self):
        hidden = [self.graphic.photo_url("card"), self.graphic.photo_url("large")]
        shown = self.plain.photo_url("card")
        # The graphic story is the newest: the home page's lead story, where photos are largest.
        for url in [
            reverse("home"),
            reverse("articles:latest"),
            self.section.get_absolute_url(),
            reverse("articles:tag", kwargs={"slug": "الشعفة"}),
            self.plain.get_absolute_url(),  # the graphic story as a related card
        ]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, self.graphic.get_absolute_url())
                for photo in hidden:
                    self.assertNotContains(response, photo)
                if url != self.plain.get_absolute_url():
                    self.assertContains(response, shown)
                self.assertNotContains(response, GRAPHIC_ALT)


class PseudonymTests(TestCase):
    """A byline that protects a reporter: the real name is kept for staff and printed nowhere a
    reader can reach."""

    REAL_NAME = "سامر العبدالله"

    @classmethod
    def setUpTestData(cls):
        cls.desk = make_author(
            "مراسل في دير الزور",
            kind=Author.Kind.DESK,
            real_name=cls.REAL_NAME,
            bio="مراسلنا في الريف الشرقي.",
        )
        cls.pseudonym = make_author("أبو عمر الديري", kind=Author.Kind.PSEUDONYM, real_name="عمر الحسين")
        cls.parent = make_section("من سوريا")
        cls.section = make_section("المنطقة الشرقية", parent=cls.parent)
        cls.source = make_source("فرات بوست")
        cls.article = make_article(
            "اشتباكات في ريف دير الزور الشرقي",
            section=cls.section,
            tags=["دير الزور"],
            sources=[cls.source],
            authors=[cls.desk, cls.pseudonym],
            photo=image_upload(),
        )
        cls.other = make_article("خبر آخر عن دير الزور", section=cls.section, tags=["دير الزور"])
        cls.other.related.add(cls.article)
        cls.draft = make_article(status=Article.Status.DRAFT, section=cls.section, authors=[cls.desk])
        cls.comment = cls.article.comments.create(name="قارئ", text="تعليق منشور", status="approved")

    def public_pages(self) -> dict[str, str]:
        """One URL per public route: the route's name maps to a page showing the article."""
        return {
            "home": reverse("home"),
            "articles:latest": reverse("articles:latest"),
            "articles:detail": self.article.get_absolute_url(),
            "articles:tag": reverse("articles:tag", kwargs={"slug": "دير-الزور"}),
            "sections:detail": self.section.get_absolute_url(),
            "sources:detail": self.source.get_absolute_url(),
            "authors:detail": self.desk.get_absolute_url(),
            "comments:post": reverse("comments:post", kwargs={"pk": self.article.pk}),
            "comments:report": reverse("comments:report", kwargs={"pk": self.comment.pk}),
            **{
                f"reach:{kind}_{fmt}": reverse(f"reach:{kind}_{fmt}", kwargs=kwargs)
                for kind, kwargs in {
                    "latest": {},
                    "section": {"slug": self.section.slug},
                    "tag": {"slug": "دير-الزور"},
                    "source": {"slug": self.source.slug},
                    "author": {"slug": self.desk.slug},
                }.items()
                for fmt in ("rss", "atom")
            },
            "reach:sitemap_index": reverse("reach:sitemap_index"),
            "reach:sitemap": reverse("reach:sitemap", kwargs={"section": "news"}),
            "reach:robots": reverse("reach:robots"),
            "search:search": reverse("search:search") + "?q=دير الزور",
            # The public JSON API.
            "api:articles": reverse("api:articles"),
            "api:article": reverse("api:article", kwargs={"pk": self.article.pk}),
            "api:search": reverse("api:search") + "?q=دير",
            "api:sections": reverse("api:sections"),
            "api:section": reverse("api:section", kwargs={"slug": self.section.slug}),
            "api:sources": reverse("api:sources"),
            "api:source": reverse("api:source", kwargs={"slug": self.source.slug}),
            "api:authors": reverse("api:authors"),
            "api:author": reverse("api:author", kwargs={"slug": self.desk.slug}),
            "api:schema": reverse("api:schema"),
            "api:docs": reverse("api:docs"),
            "api:not_found": "/api/v1/nothing/",
        }

    # Forms: an empty one shows the article again, with its errors.
    POSTED = {"comments:post", "comments:report"}

    def test_real_names_appear_on_no_public_page(self):
        pages = {
            **self.public_pages(),
            "parent section": self.parent.get_absolute_url(),
            "pseudonym's page": self.pseudonym.get_absolute_url(),
            "related card": self.other.get_absolute_url(),
            "not found": "/news/999999/x/",
        }
        for name, url in pages.items():
            with self.subTest(page=name):
                response = self.client.post(url) if name in self.POSTED else self.client.get(url)
                self.assertIn(response.status_code, (200, 400, 404))
                html = response.content.decode()
                for real_name in (self.REAL_NAME, "عمر الحسين"):
                    self.assertNotIn(real_name, html)

    def test_the_pages_do_show_the_bylines(self):
        response = self.client.get(self.article.get_absolute_url())
        self.assertContains(response, "<bdi>مراسل في دير الزور</bdi>")
        self.assertContains(response, "<bdi>أبو عمر الديري</bdi>")
        self.assertContains(self.client.get(self.desk.get_absolute_url()), "مراسلنا في الريف الشرقي.")

    def test_preview_shows_the_byline_as_readers_would_see_it(self):
        self.client.force_login(make_user(EDITORS))
        response = self.client.get(self.draft.get_preview_url())
        self.assertContains(response, "<bdi>مراسل في دير الزور</bdi>")
        self.assertNotContains(response, self.REAL_NAME)

    def test_every_public_route_is_checked(self):
        """A new public route (a feed, a sitemap, structured data) must join the list above,
        so that it too is checked for real names."""
        routes = set()

        def walk(patterns, prefix="", namespace=""):
            for pattern in patterns:
                route = prefix + str(pattern.pattern)
                if isinstance(pattern, URLResolver):
                    inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                    walk(pattern.url_patterns, route, inner)
                elif isinstance(pattern, URLPattern) and not route.startswith(settings.ADMIN_URL):
                    routes.add(f"{namespace}{pattern.name}")

        walk(get_resolver().url_patterns)
        # The preview is for staff, and checked above as an editor sees it; /healthz/ prints "ok" only.
        self.assertEqual(routes - {"articles:preview", "healthz"}, set(self.public_pages()))

    def test_author_without_photo_or_bio_has_no_empty_card(self):
        desk = make_author("مكتب الرقة", kind=Author.Kind.DESK, real_name="سلمى")
        make_article(authors=[desk])
        response = self.client.get(desk.get_absolute_url())
        self.assertNotContains(response, "author-card")
        self.assertNotContains(response, "<img")


class AuthorAdminRealNameTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.desk = make_author("مراسل في دير الزور", kind=Author.Kind.DESK, real_name="سامر العبدالله")

    def test_editors_see_and_search_the_real_name(self):
        self.client.force_login(make_user(EDITORS))
        change = self.client.get(reverse("admin:authors_author_change", args=[self.desk.pk]))
        self.assertContains(change, 'value="سامر العبدالله"')
        self.assertContains(change, "للفريق فقط")
        listing = self.client.get(reverse("admin:authors_author_changelist"), {"q": "العبدالله"})
        self.assertContains(listing, "سامر العبدالله")
        self.assertContains(listing, "مكتب أو مراسل دون اسم")

    def test_writers_neither_see_nor_search_it(self):
        self.client.force_login(make_user(WRITERS))
        change = self.client.get(reverse("admin:authors_author_change", args=[self.desk.pk]))
        self.assertEqual(change.status_code, 200)
        self.assertNotContains(change, "سامر العبدالله")
        found = self.client.get(
            reverse("admin:autocomplete"),
            {"app_label": "articles", "model_name": "article", "field_name": "authors", "term": "العبدالله"},
        )
        self.assertEqual(found.json()["results"], [])
        found = self.client.get(
            reverse("admin:autocomplete"),
            {"app_label": "articles", "model_name": "article", "field_name": "authors", "term": "مراسل"},
        )
        self.assertEqual(found.json()["results"], [{"id": str(self.desk.pk), "text": "مراسل في دير الزور"}])


# A reader's phone, with and without JavaScript.


@pytest.fixture
def graphic_article(db):
    return make_article(
        "قصف مشفى الشعفة",
        photo=image_upload("graphic.jpg"),
        photo_alt=GRAPHIC_ALT,
        photo_is_graphic=True,
        verification=VerificationLabel.objects.create(text=UNVERIFIED),
    )


def frame_filter(page) -> str:
    return page.eval_on_selector(".photo-frame img", "img => getComputedStyle(img).filter")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reader_reveals_a_graphic_photo_with_the_keyboard(live_server, browser, graphic_article):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(live_server.url + graphic_article.get_absolute_url())
    assert re.match(r"blur\(", frame_filter(page))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    button = page.get_by_role("button", name="عرض الصورة")
    expect(button).to_be_visible()
    button.focus()
    page.keyboard.press("Enter")

    assert frame_filter(page) == "none"
    expect(page.locator(".graphic-warning")).to_have_count(0)
    # The button is gone: the reader is left on the photo, not thrown back to the page's top.
    assert page.evaluate("document.activeElement.matches('.photo-frame')")
    expect(page.get_by_alt_text(GRAPHIC_ALT)).to_be_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_without_javascript_the_photo_stays_blurred_and_the_warning_explains(
    live_server, browser, graphic_article
):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + graphic_article.get_absolute_url())
    assert re.match(r"blur\(", frame_filter(page))
    expect(page.get_by_text("تُظهر هذه الصورة مشاهد قاسية")).to_be_visible()
    # No button that would do nothing.
    expect(page.get_by_role("button", name="عرض الصورة")).to_have_count(0)
    context.close()
