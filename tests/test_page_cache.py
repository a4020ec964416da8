"""The page cache: what anonymous readers get from it, what never comes from it, and how soon
a change to the news reaches them."""

import re
from datetime import timedelta
from unittest import mock

import time_machine
from django.core.cache import cache
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Correction
from articles.workflow import Action, article_transition, publish_due
from comments.models import Comment
from comments.moderation import comment_moderate
from editorial.roles import EDITORS, MODERATORS
from serving.pagecache import GENERATION_KEY, pages

from .factories import make_article, make_author, make_section, make_source, make_user

SECONDS = 60


@override_settings(PAGE_CACHE_SECONDS=SECONDS)
class PageCacheTestCase(TestCase):
    def setUp(self):
        # The caches outlive each test's rolled-back transaction.
        cache.clear()
        pages.clear_local()
        self.addCleanup(cache.clear)
        self.addCleanup(pages.clear_local)

    def changed(self):
        """What readers see changes when the transaction commits; a TestCase never commits, so
        run the commit callbacks by hand."""
        return self.captureOnCommitCallbacks(execute=True)

    def assertFromCache(self, url, **headers):
        with self.assertNumQueries(0):
            response = self.client.get(url, headers=headers)
        self.assertEqual(response.status_code, 200)
        return response


class CachedPagesTests(PageCacheTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("اقتصاد")
        cls.source = make_source("رويترز")
        cls.author = make_author("سلمى")
        cls.article = make_article(
            "ارتفاع سعر الخبز في دير الزور",
            section=cls.section,
            tags=["الخبز"],
            sources=[cls.source],
            authors=[cls.author],
        )

    def public_urls(self):
        return [
            reverse("home"),
            self.article.get_absolute_url(),
            reverse("articles:latest"),
            reverse("articles:tag", kwargs={"slug": "الخبز"}),
            self.section.get_absolute_url(),
            self.source.get_absolute_url(),
            self.author.get_absolute_url(),
        ]

    def test_second_reader_gets_every_public_page_without_a_query(self):
        for url in self.public_urls():
            with self.subTest(url=url):
                first = self.client.get(url)
                self.assertContains(first, "ارتفاع سعر الخبز في دير الزور")
                second = self.assertFromCache(url)
                self.assertEqual(second.content, first.content)
                self.assertIn("Age", second)

    def test_cached_pages_tell_shared_caches_how_long_and_on_what_they_vary(self):
        url = self.article.get_absolute_url()
        for response in (self.client.get(url), self.assertFromCache(url)):
            cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
            self.assertLessEqual({"public", f"max-age={SECONDS}", f"s-maxage={SECONDS}"}, cache_control)
            vary = {part.strip() for part in response["Vary"].split(",")}
            self.assertLessEqual({"Cookie", "Accept-Encoding"}, vary)
            self.assertTrue(response.has_header("ETag"))
            self.assertTrue(response.has_header("Last-Modified"))
            self.assertFalse(response.cookies)

    def test_a_hit_carries_the_headers_of_the_page_as_built(self):
        url = self.article.get_absolute_url()
        built = self.client.get(url)
        hit = self.assertFromCache(url)
        for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Vary"):
            with self.subTest(header=header):
                self.assertTrue(built.has_header(header))
                self.assertEqual(hit[header], built[header])

    def test_compressed_and_plain_copies_are_kept_apart(self):
        url = self.article.get_absolute_url()
        plain = self.client.get(url)
        self.client.get(url, headers={"accept-encoding": "gzip"})
        compressed = self.assertFromCache(url, **{"accept-encoding": "gzip"})
        self.assertEqual(compressed["Content-Encoding"], "gzip")
        again = self.assertFromCache(url)
        self.assertFalse(again.has_header("Content-Encoding"))
        self.assertEqual(again.content, plain.content)

    def test_conditional_get_with_the_etag_or_the_date_gets_304(self):
        url = self.article.get_absolute_url()
        first = self.client.get(url)
        for headers in ({"if-none-match": first["ETag"]}, {"if-modified-since": first["Last-Modified"]}):
            with self.subTest(headers=headers), self.assertNumQueries(0):
                response = self.client.get(url, headers=headers)
            self.assertEqual(response.status_code, 304)
            self.assertEqual(response.content, b"")
        self.assertEqual(self.client.get(url, headers={"if-none-match": '"other"'}).status_code, 200)

    def test_signed_in_staff_never_get_the_cached_page_and_nothing_keeps_theirs(self):
        url = self.article.get_absolute_url()
        self.client.get(url)
        editor = make_user(EDITORS)
        self.client.force_login(editor)
        with self.changed():
            Article.objects.filter(pk=self.article.pk).update(title="عنوان عدّله محرر للتو")
        response = self.client.get(url)
        self.assertContains(response, "عنوان عدّله محرر للتو")
        self.assertIn("private", response["Cache-Control"])
        self.assertIn("no-store", response["Cache-Control"])
        self.client.logout()
        # The editor's page was not stored for readers either: they still get the cached copy.
        self.assertContains(self.assertFromCache(url), "ارتفاع سعر الخبز في دير الزور")

    def test_a_reader_with_a_message_waiting_gets_a_page_built_for_them(self):
        url = self.article.get_absolute_url()
        self.client.get(url)
        self.client.cookies["messages"] = "anything"
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("Age", response)

    def test_pages_outside_the_list_are_never_cached(self):
        self.client.get(reverse("healthz"))
        response = self.client.get(reverse("healthz"))
        self.assertNotIn("public", response.get("Cache-Control", ""))
        self.assertEqual(response.content, b"ok")

    def test_without_a_cache_the_pages_are_built_every_time(self):
        url = self.article.get_absolute_url()
        with mock.patch("serving.pagecache.cache.get_many", side_effect=ConnectionError("redis down")):
            with self.assertLogs("serving.middleware", "WARNING"):
                response = self.client.get(url)
        self.assertContains(response, "ارتفاع سعر الخبز في دير الزور")

    @override_settings(PAGE_CACHE_SECONDS=0)
    def test_page_cache_can_be_turned_off(self):
        url = self.article.get_absolute_url()
        self.client.get(url)
        response = self.client.get(url)
        self.assertNotIn("Age", response)
        self.assertNotIn("public", response.get("Cache-Control", ""))


class LocalTierTests(PageCacheTestCase):
    """Each worker keeps recent pages in its own memory in front of the shared cache."""

    @classmethod
    def setUpTestData(cls):
        cls.article = make_article("ارتفاع سعر الخبز")

    def test_a_repeated_hit_does_not_ask_the_shared_cache(self):
        url = self.article.get_absolute_url()
        self.client.get(url)
        with mock.patch("serving.pagecache.cache.get_many") as get_many:
            self.assertContains(self.assertFromCache(url), "ارتفاع سعر الخبز")
        get_many.assert_not_called()

    def test_a_change_made_on_another_server_arrives_within_the_local_bound(self):
        url = self.article.get_absolute_url()
        self.client.get(url)
        with self.changed():
            Article.objects.filter(pk=self.article.pk).update(title="عنوان عدّله خادم آخر")
        # What another server's pages_changed() does: this worker's memory is not told.
        cache.set(GENERATION_KEY, (cache.get(GENERATION_KEY) or 0) + 1)
        self.assertFromCache(url)
        with time_machine.travel(timedelta(seconds=2)):
            self.assertContains(self.client.get(url), "عنوان عدّله خادم آخر")


class InvalidationTests(PageCacheTestCase):
    """Whatever readers should see differently reaches them on their next request."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(EDITORS)
        cls.section = make_section("اقتصاد")
        cls.article = make_article("ارتفاع سعر الخبز", section=cls.section, tags=["الخبز"])
        cls.neighbour = make_article("أزمة الطحين في الرقة", section=cls.section, tags=["الخبز"])

    def prime(self, *urls):
        for url in urls:
            self.client.get(url)
            self.assertFromCache(url)

    def test_publishing_a_draft_shows_it_on_home_section_and_related_blocks(self):
        draft = make_article("افتتاح مخبز جديد", section=self.section, tags=["الخبز"], status="draft")
        neighbour_url = self.neighbour.get_absolute_url()
        self.prime(reverse("home"), self.section.get_absolute_url(), neighbour_url)
        with self.changed():
            article_transition(article=draft, user=self.editor, action=Action.PUBLISH)
        for url in (reverse("home"), self.section.get_absolute_url(), neighbour_url):
            with self.subTest(url=url):
                self.assertContains(self.client.get(url), "افتتاح مخبز جديد")

    def test_editing_a_published_article_shows_the_new_title_everywhere(self):
        self.prime(reverse("home"), self.article.get_absolute_url())
        with self.changed():
            self.article.title = "ارتفاع سعر ربطة الخبز"
            self.article.save()
        for url in (reverse("home"), self.article.get_absolute_url()):
            self.assertContains(self.client.get(url, follow=True), "ارتفاع سعر ربطة الخبز")

    def test_unpublishing_and_taking_down_remove_the_story_at_once(self):
        for action in (Action.UNPUBLISH, Action.TAKEDOWN):
            with self.subTest(action=action):
                article = make_article(f"خبر سيُسحب ({action})", section=self.section)
                url = article.get_absolute_url()
                self.prime(url, self.section.get_absolute_url())
                user = make_user(MODERATORS) if action == Action.TAKEDOWN else self.editor
                with self.changed():
                    article_transition(article=article, user=user, action=action, note="شكوى قانونية")
                self.assertEqual(self.client.get(url).status_code, 404)
                self.assertNotContains(self.client.get(self.section.get_absolute_url()), article.title)

    def test_feeds_and_sitemaps_are_cached_until_a_story_is_taken_down(self):
        article = make_article("خبر في الخلاصات", section=self.section)
        urls = [
            reverse("reach:latest_rss"),
            reverse("reach:section_atom", kwargs={"slug": self.section.slug}),
            reverse("reach:sitemap", kwargs={"section": "articles"}),
            reverse("reach:sitemap", kwargs={"section": "news"}),
        ]
        self.prime(*urls)
        with self.changed():
            article_transition(
                article=article, user=make_user(MODERATORS), action=Action.TAKEDOWN, note="خطأ"
            )
        for url in urls:
            with self.subTest(url=url):
                self.assertNotContains(self.client.get(url), article.get_absolute_url())

    def test_a_correction_appears_on_the_cached_article(self):
        url = self.article.get_absolute_url()
        self.prime(url)
        with self.changed():
            Correction.objects.create(article=self.article, text="صُحّح سعر الربطة إلى ألف ليرة.")
        self.assertContains(self.client.get(url), "صُحّح سعر الربطة إلى ألف ليرة.")

    def test_an_approved_comment_appears_and_a_pending_one_costs_no_rebuild(self):
        url = self.article.get_absolute_url()
        self.prime(url)
        with self.changed():
            comment = Comment.objects.create(article=self.article, name="قارئ", text="تعليق ينتظر المراجعة")
        self.assertFromCache(url)
        with self.changed():
            comment_moderate(comment=comment, user=make_user(MODERATORS), to_status=Comment.Status.APPROVED)
        self.assertContains(self.client.get(url), "تعليق ينتظر المراجعة")

    def test_saving_a_draft_keeps_the_cache(self):
        draft = make_article("مسودة لا يراها أحد", section=self.section, status="draft")
        self.prime(reverse("home"))
        with self.changed():
            draft.title = "مسودة عُدّلت"
            draft.save()
        self.assertFromCache(reverse("home"))

    def test_many_changes_in_one_transaction_wait_as_one_callback(self):
        # An import saves thousands of articles in one transaction: one pending bump, not one each.
        with self.captureOnCommitCallbacks() as callbacks:
            for n in range(5):
                make_article(f"خبر مستورد {n}", section=self.section, tags=["الخبز"])
        self.assertEqual(callbacks.count(pages.next_generation), 1)

    def test_publish_due_shows_the_scheduled_story(self):
        scheduled = make_article(
            "خبر مجدول للظهيرة",
            section=self.section,
            status=Article.Status.SCHEDULED,
            pub_date=timezone.now() + timedelta(seconds=20),
        )
        self.prime(reverse("home"))
        # Within PAGE_CACHE_SECONDS: the page is not rebuilt for having expired.
        with time_machine.travel(timedelta(seconds=21)):
            with self.changed():
                publish_due()
            self.assertContains(self.client.get(reverse("home")), scheduled.title)

    def test_a_scheduled_story_falls_due_within_the_page_cache_bound(self):
        """No save announces the minute a scheduled story becomes public (published() shows it
        before publish_due runs): PAGE_CACHE_SECONDS bounds how late readers see it."""
        scheduled = make_article(
            "خبر مجدول بعد ثلاثين ثانية",
            section=self.section,
            status=Article.Status.SCHEDULED,
            pub_date=timezone.now() + timedelta(seconds=30),
        )
        self.prime(reverse("home"))
        with time_machine.travel(timedelta(seconds=31)):
            self.assertNotContains(self.assertFromCache(reverse("home")), scheduled.title)
        with time_machine.travel(timedelta(seconds=SECONDS + 1)):
            self.assertContains(self.client.get(reverse("home")), scheduled.title)


class CommentsOnCachedPagesTests(PageCacheTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article("قصف على ريف دير الزور الشرقي")

    def test_reader_posts_a_comment_from_a_page_served_by_the_cache(self):
        url = self.article.get_absolute_url()
        with time_machine.travel(timezone.now() - timedelta(seconds=40)):
            self.client.get(url)
        page = self.assertFromCache(url)
        # No CSRF cookie to carry: the form is checked by origin (comments/views.py cross_site).
        self.assertFalse(page.cookies)
        started = re.search(r'name="started" value="([^"]+)"', page.content.decode())[1]
        response = self.client.post(
            reverse("comments:post", kwargs={"pk": self.article.pk}),
            {
                "name": "أم خالد",
                "email": "",
                "text": "شكراً على التغطية.",
                "parent": "",
                "website": "",
                "started": started,
            },
            headers={"sec-fetch-site": "same-origin"},
        )
        self.assertEqual(response.status_code, 303)
        self.assertTrue(Comment.objects.filter(article=self.article, text="شكراً على التغطية.").exists())
        # The notice is in the URL the reader is sent to, the same for everyone who posts.
        self.assertContains(self.client.get(response["Location"]), "تعليقك بانتظار المراجعة")

    def test_a_post_is_never_answered_from_the_cache(self):
        url = self.article.get_absolute_url()
        self.client.get(url)
        response = self.client.post(
            reverse("comments:post", kwargs={"pk": self.article.pk}),
            {"name": "", "text": ""},
            headers={"sec-fetch-site": "same-origin"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertNotIn("Age", response)
        self.assertContains(response, "اكتب تعليقك قبل إرساله.", status_code=400)
