"""Fragments of pages each worker keeps rendered (serving/fragments.py): the section menu, and an
article's related news and comments. Built pages reuse them, and readers still see every change
on their next request."""

from datetime import timedelta
from unittest import mock

import time_machine
from django.core.cache import cache
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from articles.workflow import Action, article_transition
from comments.models import Comment
from comments.moderation import comment_moderate
from editorial.roles import EDITORS, MODERATORS
from serving.fragments import fragments
from serving.pagecache import pages

from .factories import make_article, make_section, make_user

SECONDS = 60


@override_settings(PAGE_CACHE_SECONDS=0, FRAGMENT_CACHE_SECONDS=SECONDS)
class FragmentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("اقتصاد")
        cls.other_section = make_section("رياضة")
        cls.article = make_article("ارتفاع سعر الخبز في دير الزور", section=cls.section, tags=["الخبز"])
        cls.neighbour = make_article("أزمة الطحين في الرقة", section=cls.section, tags=["الخبز"])
        Comment.objects.create(
            article=cls.article,
            name="أبو سامر",
            text="الربطة بألف ليرة اليوم",
            status=Comment.Status.APPROVED,
        )

    def setUp(self):
        # The stores outlive each test's rolled-back transaction.
        for clear in (cache.clear, pages.clear_local, fragments.clear):
            clear()
            self.addCleanup(clear)

    def changed(self):
        """Readers' pages change when the transaction commits; a TestCase never commits."""
        return self.captureOnCommitCallbacks(execute=True)

    def test_a_built_article_page_reuses_its_menu_related_news_and_comments(self):
        url = self.article.get_absolute_url()
        first = self.client.get(url)
        self.assertContains(first, "أزمة الطحين في الرقة")
        self.assertContains(first, "الربطة بألف ليرة اليوم")
        # The article, and its tags, sources and bylines; no menu, related or comment query.
        with self.assertNumQueries(2):
            second = self.client.get(url)
        self.assertEqual(second.content, first.content)

    def test_fragments_off_builds_every_block(self):
        url = self.article.get_absolute_url()
        self.client.get(url)
        with override_settings(FRAGMENT_CACHE_SECONDS=0), self.assertNumQueries(7):
            self.assertContains(self.client.get(url), "أزمة الطحين في الرقة")

    def test_publishing_a_story_puts_it_in_the_related_news_of_built_pages(self):
        url = self.neighbour.get_absolute_url()
        self.client.get(url)
        draft = make_article("افتتاح مخبز جديد", section=self.section, tags=["الخبز"], status="draft")
        with self.changed():
            article_transition(article=draft, user=make_user(EDITORS), action=Action.PUBLISH)
        self.assertContains(self.client.get(url), "افتتاح مخبز جديد")

    def test_a_withdrawn_story_leaves_the_related_news_at_once(self):
        url = self.neighbour.get_absolute_url()
        self.assertContains(self.client.get(url), self.article.title)
        with self.changed():
            article_transition(
                article=self.article, user=make_user(MODERATORS), action=Action.TAKEDOWN, note="شكوى"
            )
        self.assertNotContains(self.client.get(url), self.article.title)

    def test_an_approved_comment_appears(self):
        url = self.article.get_absolute_url()
        self.client.get(url)
        comment = Comment.objects.create(article=self.article, name="قارئة", text="والمازوت أيضاً")
        with self.changed():
            comment_moderate(comment=comment, user=make_user(MODERATORS), to_status=Comment.Status.APPROVED)
        self.assertContains(self.client.get(url), "والمازوت أيضاً")

    def test_a_change_no_save_announces_shows_within_the_bound(self):
        url = self.article.get_absolute_url()
        self.client.get(url)
        # Never committed, so never announced: only time retires the kept comments.
        Comment.objects.create(
            article=self.article, name="قارئة", text="تعليق بلا إشارة", status=Comment.Status.APPROVED
        )
        self.assertNotContains(self.client.get(url), "تعليق بلا إشارة")
        with time_machine.travel(timezone.now() + timedelta(seconds=SECONDS + 1)):
            self.assertContains(self.client.get(url), "تعليق بلا إشارة")

    def test_each_page_of_comments_is_kept_apart(self):
        for n in range(3):
            Comment.objects.create(
                article=self.article, name=f"قارئ {n}", text=f"تعليق رقم {n}", status=Comment.Status.APPROVED
            )
        url = self.article.get_absolute_url()
        with self.settings(COMMENTS_PER_PAGE=2):
            first, second = self.client.get(url), self.client.get(url + "?cpage=2")
        self.assertContains(first, "صفحة 1 من 2")
        self.assertContains(second, "صفحة 2 من 2")
        # Oldest first, two to a page.
        self.assertContains(first, "تعليق رقم 0")
        self.assertNotContains(first, "تعليق رقم 2")
        self.assertContains(second, "تعليق رقم 2")
        self.assertNotContains(second, "تعليق رقم 0")

    def test_a_form_sent_with_mistakes_is_shown_to_its_reader_only(self):
        url = self.article.get_absolute_url()
        self.client.get(url)
        response = self.client.post(
            reverse("comments:post", kwargs={"pk": self.article.pk}),
            {"name": "", "text": ""},
            headers={"sec-fetch-site": "same-origin"},
        )
        self.assertContains(response, "اكتب تعليقك قبل إرساله.", status_code=400)
        self.assertNotContains(self.client.get(url), "اكتب تعليقك قبل إرساله.")

    def test_the_menu_marks_the_page_it_is_on(self):
        for section in (self.section, self.other_section, self.section):
            response = self.client.get(section.get_absolute_url())
            self.assertContains(
                response, f'<a href="{section.get_absolute_url()}" aria-current="page">', html=False
            )
            self.assertContains(response, 'aria-current="page"', count=1)
        home = self.client.get(reverse("home"))
        self.assertContains(home, f'<a href="{reverse("home")}" aria-current="page">')

    def test_a_renamed_section_is_renamed_in_the_menu(self):
        self.client.get(reverse("home"))
        with self.changed():
            self.other_section.name = "الرياضة والشباب"
            self.other_section.save()
        self.assertContains(self.client.get(reverse("home")), "الرياضة والشباب")

    def test_without_the_shared_cache_every_block_is_built(self):
        url = self.article.get_absolute_url()
        with mock.patch("serving.pagecache.cache.get", side_effect=ConnectionError("redis down")):
            with self.assertLogs("serving.fragments", "WARNING"):
                response = self.client.get(url)
        self.assertContains(response, "أزمة الطحين في الرقة")
        self.assertContains(response, "الربطة بألف ليرة اليوم")
