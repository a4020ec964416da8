"""Readers' side of comments: the form under an article, what is shown, reports, and the
automatic defences (honeypot, fill time, rate limits, spam score)."""

import re
from datetime import UTC, datetime, timedelta
from unittest import mock

import time_machine
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.forms import BAD_PARENT, STALE_FORM, TOO_FAST, sign_render_time
from comments.models import BlockedWord, Comment, Decision, Report
from comments.services import comment_post, comment_spam_score, rate_key
from comments.templatetags.reader_comments import comment_text
from comments.views import TOO_MANY_FROM_YOU, TOO_MANY_ON_ARTICLE
from editorial.roles import EDITORS, WRITERS

from .factories import inline_management_data, make_article, make_author, make_source, make_user

PENDING_MESSAGE = "تعليقك بانتظار المراجعة"
REPORTED_MESSAGE = "شكراً، وصل بلاغك"
CLOSED_MESSAGE = "التعليقات مغلقة على هذا الخبر."
FORM_TITLE = "أضف تعليقاً"


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


def make_comment(article, text="تعليق", *, status=Comment.Status.APPROVED, **fields) -> Comment:
    fields.setdefault("name", "قارئ")
    return Comment.objects.create(article=article, text=text, status=status, **fields)


def stamp(article, seconds_ago: float = 30) -> str:
    """The form's render stamp, as if the page had been opened `seconds_ago`."""
    with time_machine.travel(timezone.now() - timedelta(seconds=seconds_ago), tick=False):
        return sign_render_time(article.pk)


def post_url(article) -> str:
    return reverse("comments:post", kwargs={"pk": article.pk})


def report_url(comment) -> str:
    return reverse("comments:report", kwargs={"pk": comment.pk})


class CommentTestCase(TestCase):
    def setUp(self):
        # Rate-limit counters and recently seen texts live in the cache, which no test rolls back.
        cache.clear()
        self.addCleanup(cache.clear)

    def form(self, article, **overrides) -> dict[str, str]:
        data = {
            "name": "أم خالد",
            "email": "",
            "text": "شكراً على التغطية من دير الزور.",
            "parent": "",
            "website": "",
            "started": stamp(article),
        }
        return {**data, **overrides}

    def post_comment(self, article, ip="192.0.2.10", **overrides):
        return self.client.post(post_url(article), self.form(article, **overrides), REMOTE_ADDR=ip)


class PostingTests(CommentTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article("قصف على ريف دير الزور الشرقي")

    def test_valid_comment_is_saved_pending_and_the_reader_is_told(self):
        response = self.post_comment(self.article, email="reader@example.com")
        self.assertRedirects(
            response,
            f"{self.article.get_absolute_url()}?comment=pending#comments",
            status_code=303,
            fetch_redirect_response=False,
        )
        comment = Comment.objects.get()
        self.assertEqual(comment.status, Comment.Status.PENDING)
        self.assertEqual(comment.article, self.article)
        self.assertEqual(comment.name, "أم خالد")
        self.assertEqual(comment.email, "reader@example.com")
        self.assertEqual(comment.ip_address, "192.0.2.10")
        self.assertIsNone(comment.parent)
        self.assertFalse(comment.decisions.exists())

        page = self.client.get(response["Location"])
        self.assertContains(page, PENDING_MESSAGE)
        self.assertNotContains(page, "شكراً على التغطية من دير الزور.")
        self.assertNotContains(page, "reader@example.com")

    def test_pending_message_needs_the_flag(self):
        self.post_comment(self.article)
        self.assertNotContains(self.client.get(self.article.get_absolute_url()), PENDING_MESSAGE)
        self.assertNotContains(
            self.client.get(self.article.get_absolute_url(), {"comment": "closed"}), "لم يُحفظ"
        )

    def test_article_page_with_the_form_sets_no_cookie(self):
        # A cookie (CSRF's, or a session for the message) would keep caches from sharing the page.
        for query in ({}, {"comment": "pending"}, {"reply": "1"}):
            with self.subTest(query=query):
                response = self.client.get(self.article.get_absolute_url(), query)
                self.assertContains(response, FORM_TITLE)
                self.assertEqual(response.cookies, {})
                self.assertNotIn("Cookie", response.get("Vary", ""))

    def test_form_is_labelled_arabic_and_hides_the_honeypot(self):
        response = self.client.get(self.article.get_absolute_url())
        self.assertRegex(
            response.content.decode(), r'<label\s+for="id_name"[^>]*>\s*الاسم<span class="asteriskField">'
        )
        self.assertContains(response, "البريد الإلكتروني (اختياري)")
        self.assertContains(response, "لن يُنشر.")
        self.assertContains(response, "نص عادي حتى 3000 حرف.")
        self.assertContains(response, 'class="comment-extra"  aria-hidden="true"')
        self.assertContains(
            response, '<input type="text" name="website" tabindex="-1" autocomplete="off"', html=False
        )
        self.assertContains(response, f'action="{post_url(self.article)}#comment-form"')

    def test_missing_name_and_text_give_arabic_errors_beside_the_fields(self):
        response = self.post_comment(self.article, name="", text="  ", email="reader@example.com")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "اكتب اسمك، أو اسماً مستعاراً.", status_code=400)
        self.assertContains(response, "اكتب تعليقك قبل إرساله.", status_code=400)
        # Announced with the field it belongs to, not only painted red next to it.
        self.assertContains(response, 'aria-invalid="true"', count=2, status_code=400)
        self.assertContains(response, 'id="id_name_error"', status_code=400)
        self.assertRegex(response.content.decode(), r'aria-describedby="[^"]*id_name_error')
        # What the reader typed is still there.
        self.assertContains(response, 'value="reader@example.com"', status_code=400)
        self.assertContains(response, "<h1", status_code=400)
        self.assertFalse(Comment.objects.exists())

    def test_bad_email_is_refused_in_arabic(self):
        for email in ("ليس بريداً", "a" * 250 + "@example.com"):
            with self.subTest(email=email[:20]):
                response = self.post_comment(self.article, email=email)
                self.assertContains(response, "عنوان", status_code=400)
                self.assertContains(response, 'id="id_email_error"', status_code=400)
        self.assertFalse(Comment.objects.exists())

    def test_html_is_kept_as_text_and_shown_escaped(self):
        self.post_comment(self.article, text='<script>alert("x")</script><b>عريض</b>')
        comment = Comment.objects.get()
        self.assertEqual(comment.text, '<script>alert("x")</script><b>عريض</b>')
        comment.status = Comment.Status.APPROVED
        comment.save()
        response = self.client.get(self.article.get_absolute_url())
        self.assertContains(
            response, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;عريض&lt;/b&gt;"
        )
        self.assertNotContains(response, "<script>alert")

    @override_settings(COMMENTS_MAX_LENGTH=50)
    def test_very_long_text_is_refused_with_the_limit_and_kept(self):
        text = "ا" * 51
        response = self.post_comment(self.article, text=text)
        self.assertContains(response, "التعليق أطول من المسموح: 50 حرف على الأكثر، وفيه 51.", status_code=400)
        self.assertContains(response, text, status_code=400)
        self.assertFalse(Comment.objects.exists())

    @override_settings(COMMENTS_MAX_LENGTH=50)
    def test_text_at_the_limit_is_taken_counting_a_line_break_as_one(self):
        # Browsers send a line break as CRLF; the reader saw one character.
        text = "ا" * 24 + "\r\n" + "ب" * 25
        self.assertEqual(self.post_comment(self.article, text=text).status_code, 303)
        self.assertEqual(Comment.objects.get().text, "ا" * 24 + "\n" + "ب" * 25)

    def test_name_longer_than_80_is_refused(self):
        response = self.post_comment(self.article, name="ن" * 81)
        self.assertContains(response, "الاسم أطول من المسموح: 80 حرفاً على الأكثر.", status_code=400)

    def test_the_address_stored_is_the_connection_not_a_forwarded_header(self):
        self.client.post(
            post_url(self.article),
            self.form(self.article),
            REMOTE_ADDR="192.0.2.10",
            HTTP_X_FORWARDED_FOR="203.0.113.99",
        )
        self.assertEqual(Comment.objects.get().ip_address, "192.0.2.10")

    def test_drafts_and_unknown_articles_are_404(self):
        draft = make_article(status=Article.Status.DRAFT)
        for article in (draft, Article(pk=987654)):
            with self.subTest(article=article.pk):
                response = self.client.post(post_url(article), {"name": "س", "text": "ت"})
                self.assertEqual(response.status_code, 404)
        self.assertFalse(Comment.objects.exists())

    def test_get_on_the_posting_address_is_the_article_as_before(self):
        # /news/<pk>/comments/ is also the article's address with the slug "comments".
        response = self.client.get(post_url(self.article))
        self.assertRedirects(response, self.article.get_absolute_url(), status_code=301)
        titled = make_article("comments")
        self.assertContains(self.client.get(post_url(titled)), FORM_TITLE)

    def test_a_form_sent_from_another_site_is_refused(self):
        for headers in (
            {"HTTP_ORIGIN": "https://evil.example"},
            {"HTTP_ORIGIN": "null"},
            {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "http://testserver"},
        ):
            with self.subTest(headers=headers):
                response = self.client.post(post_url(self.article), self.form(self.article), **headers)
                self.assertContains(response, "أُرسل من موقع آخر", status_code=403)
        self.assertFalse(Comment.objects.exists())

    def test_a_form_sent_from_the_site_itself_is_taken(self):
        for headers in ({"HTTP_ORIGIN": "http://testserver"}, {"HTTP_SEC_FETCH_SITE": "same-origin"}):
            with self.subTest(headers=headers):
                response = self.client.post(post_url(self.article), self.form(self.article), **headers)
                self.assertEqual(response.status_code, 303)
        self.assertEqual(Comment.objects.count(), 2)


class BotDefenceTests(CommentTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article("نزوح من هجين")

    def test_filled_honeypot_goes_to_spam_with_a_decision_and_looks_like_success(self):
        response = self.post_comment(self.article, website="http://casino.example")
        # The script is told what everyone is told.
        self.assertRedirects(
            response,
            f"{self.article.get_absolute_url()}?comment=pending#comments",
            status_code=303,
            fetch_redirect_response=False,
        )
        comment = Comment.objects.get()
        self.assertEqual(comment.status, Comment.Status.SPAM)
        decision = Decision.objects.get(comment=comment)
        self.assertIsNone(decision.by)
        self.assertEqual((decision.from_status, decision.to_status), ("pending", "spam"))
        self.assertIn("الحقل المخفي", decision.note)

    def test_form_sent_faster_than_a_person_types_is_refused(self):
        response = self.post_comment(self.article, started=stamp(self.article, seconds_ago=1))
        self.assertContains(response, TOO_FAST, status_code=400)
        self.assertContains(response, "شكراً على التغطية من دير الزور.", status_code=400)
        self.assertFalse(Comment.objects.exists())

    def test_form_at_exactly_the_minimum_time_is_taken(self):
        with override_settings(COMMENTS_MIN_FILL_SECONDS=3):
            response = self.post_comment(self.article, started=stamp(self.article, seconds_ago=3))
        self.assertEqual(response.status_code, 303)

    def test_missing_forged_foreign_or_stale_stamp_is_refused(self):
        good = stamp(self.article)
        other = make_article()
        stamps = {
            "missing": "",
            "garbage": "not-a-stamp",
            "forged signature": good[:-3] + "abc",
            "forged time": good.replace(good.split(":")[1], "1000000000.000", 1),
            "another article's": stamp(other),
            "a day and more old": stamp(self.article, seconds_ago=25 * 60 * 60),
        }
        for name, value in stamps.items():
            with self.subTest(stamp=name):
                response = self.post_comment(self.article, started=value)
                self.assertContains(response, STALE_FORM, status_code=400)
        self.assertFalse(Comment.objects.exists())

    def test_a_refused_form_comes_back_with_a_fresh_stamp_that_works(self):
        response = self.post_comment(self.article, started="forged")
        fresh = re.search(r'name="started" value="([^"]+)"', response.content.decode())[1]
        self.assertNotEqual(fresh, "forged")
        with time_machine.travel(timezone.now() + timedelta(seconds=10)):
            response = self.post_comment(self.article, started=fresh)
        self.assertEqual(response.status_code, 303)


@override_settings(COMMENTS_RATE_LIMIT_IP=(2, 600), COMMENTS_RATE_LIMIT_ARTICLE=(3, 600))
class RateLimitTests(CommentTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article("انقطاع الكهرباء في الرقة")
        cls.other = make_article("خبر آخر")

    def test_one_address_over_its_limit_gets_429_with_its_text_kept(self):
        for n in range(2):
            self.assertEqual(self.post_comment(self.article, text=f"تعليق رقم {n}").status_code, 303)
        response = self.post_comment(self.article, text="التعليق الثالث")
        self.assertContains(response, TOO_MANY_FROM_YOU, status_code=429)
        self.assertContains(response, "التعليق الثالث", status_code=429)
        self.assertGreater(int(response["Retry-After"]), 0)
        self.assertEqual(Comment.objects.count(), 2)
        # Someone else is not held back, even on the same article.
        self.assertEqual(self.post_comment(self.article, ip="192.0.2.77").status_code, 303)

    def test_limit_counts_comments_not_mistakes(self):
        for _ in range(3):
            self.assertEqual(self.post_comment(self.article, name="").status_code, 400)
        self.assertEqual(self.post_comment(self.article).status_code, 303)

    def test_limit_lifts_after_its_window(self):
        with time_machine.travel(timezone.now(), tick=False) as clock:
            for _ in range(2):
                self.post_comment(self.article, text="نص")
            self.assertEqual(self.post_comment(self.article).status_code, 429)
            clock.shift(timedelta(seconds=601))
            self.assertEqual(self.post_comment(self.article).status_code, 303)

    def test_addresses_in_one_ipv6_64_share_a_limit(self):
        for n in range(2):
            self.post_comment(self.article, ip=f"2001:db8:1:2::{n + 1}", text=f"نص {n}")
        response = self.post_comment(self.article, ip="2001:db8:1:2:ffff::9")
        self.assertContains(response, TOO_MANY_FROM_YOU, status_code=429)
        self.assertEqual(self.post_comment(self.article, ip="2001:db8:1:3::1").status_code, 303)

    def test_an_article_over_its_limit_gets_429_whoever_posts(self):
        for n in range(3):
            self.assertEqual(
                self.post_comment(self.article, ip=f"192.0.2.{n}", text=f"نص {n}").status_code, 303
            )
        response = self.post_comment(self.article, ip="192.0.2.50")
        self.assertContains(response, TOO_MANY_ON_ARTICLE, status_code=429)
        self.assertEqual(self.post_comment(self.other, ip="192.0.2.50").status_code, 303)


class RateKeyTests(TestCase):
    def test_rate_key_is_the_address_or_its_ipv6_64(self):
        self.assertEqual(rate_key("192.0.2.1"), "192.0.2.1")
        self.assertEqual(rate_key("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::")
        self.assertEqual(rate_key("::ffff:192.0.2.1"), "192.0.2.1")
        self.assertEqual(rate_key(None), "unknown")
        self.assertEqual(rate_key("not an address"), "unknown")


class ClosedCommentsTests(CommentTestCase):
    def test_editor_closed_article_has_no_form_and_refuses_posts(self):
        article = make_article(comments_open=False)
        make_comment(article, "تعليق قديم منشور")
        page = self.client.get(article.get_absolute_url())
        self.assertContains(page, CLOSED_MESSAGE)
        self.assertContains(page, "تعليق قديم منشور")
        self.assertNotContains(page, FORM_TITLE)
        self.assertNotContains(page, "ردّ<")

        response = self.post_comment(article)
        self.assertContains(response, "لم يُحفظ تعليقك: التعليقات مغلقة على هذا الخبر.", status_code=403)
        self.assertEqual(Comment.objects.count(), 1)

    @override_settings(COMMENTS_OPEN_DAYS=30)
    def test_comments_close_by_themselves_after_the_set_days(self):
        old = make_article(pub_date=ago(days=30, minutes=1))
        recent = make_article(pub_date=ago(days=29, hours=23))
        self.assertContains(self.client.get(old.get_absolute_url()), CLOSED_MESSAGE)
        self.assertEqual(self.post_comment(old).status_code, 403)
        self.assertContains(self.client.get(recent.get_absolute_url()), FORM_TITLE)
        self.assertEqual(self.post_comment(recent).status_code, 303)
        self.assertQuerySetEqual(Comment.objects.all(), [recent], transform=lambda c: c.article)


class RepliesTests(CommentTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article("حصار مخيم الركبان")
        cls.approved = make_comment(cls.article, "تعليق منشور", name="سامر")
        cls.reply = make_comment(cls.article, "رد منشور", parent=cls.approved)
        cls.pending = make_comment(cls.article, "بانتظار", status=Comment.Status.PENDING)
        cls.elsewhere = make_comment(make_article(), "في خبر آخر")

    def test_reply_to_an_approved_comment_is_saved_under_it(self):
        response = self.post_comment(self.article, parent=str(self.approved.pk), text="أوافقك")
        self.assertEqual(response.status_code, 303)
        self.assertEqual(Comment.objects.get(text="أوافقك").parent, self.approved)

    def test_reply_to_a_reply_pending_foreign_or_made_up_comment_is_refused(self):
        parents = {
            "a reply": self.reply.pk,
            "pending": self.pending.pk,
            "another article's": self.elsewhere.pk,
            "unknown": 987654,
            "not a number": "abc",
            "past the column's range": "9" * 30,
            "arabic-indic digits": "١٢",
        }
        for name, parent in parents.items():
            with self.subTest(parent=name):
                response = self.post_comment(self.article, parent=str(parent), text="رد مرفوض")
                self.assertContains(response, BAD_PARENT, status_code=400)
        self.assertFalse(Comment.objects.filter(text="رد مرفوض").exists())

    def test_the_service_itself_refuses_a_reply_to_a_reply(self):
        with self.assertRaises(ValidationError):
            comment_post(article=self.article, name="س", text="رد على رد", parent=self.reply)
        self.assertFalse(Comment.objects.filter(text="رد على رد").exists())

    def test_a_parent_hidden_after_the_form_was_checked_is_an_error_not_a_500(self):
        def hide_then_post(**kwargs):
            Comment.objects.filter(pk=self.approved.pk).update(status=Comment.Status.HIDDEN)
            return comment_post(**kwargs)

        with mock.patch("comments.views.comment_post", side_effect=hide_then_post):
            response = self.post_comment(self.article, parent=str(self.approved.pk), text="رد متأخر")
        self.assertContains(response, "الرد ممكن على تعليق منشور", status_code=400)
        self.assertContains(response, "رد متأخر", status_code=400)
        self.assertFalse(Comment.objects.filter(text="رد متأخر").exists())

    def test_reply_link_opens_the_form_addressed_to_the_comment(self):
        page = self.client.get(self.article.get_absolute_url())
        link = f"?reply={self.approved.pk}#comment-form"
        self.assertContains(page, f'href="{link}"')
        # Replies have no reply link of their own: one level only.
        self.assertNotContains(page, f"reply={self.reply.pk}")

        form = self.client.get(self.article.get_absolute_url(), {"reply": self.approved.pk})
        self.assertContains(form, "رداً على <bdi>سامر</bdi>")
        self.assertContains(form, f'name="parent" value="{self.approved.pk}"')
        self.assertContains(form, "إلغاء الرد")

    def test_reply_link_to_a_comment_not_on_the_page_gives_the_plain_form(self):
        for value in (self.reply.pk, self.pending.pk, "abc", ""):
            with self.subTest(reply=value):
                page = self.client.get(self.article.get_absolute_url(), {"reply": value})
                self.assertContains(page, FORM_TITLE)
                self.assertNotContains(page, "رداً على")

    def test_refused_reply_keeps_its_addressee_on_the_form(self):
        response = self.post_comment(self.article, parent=str(self.approved.pk), name="")
        self.assertContains(response, "رداً على <bdi>سامر</bdi>", status_code=400)
        self.assertContains(response, f'name="parent" value="{self.approved.pk}"', status_code=400)


class DisplayTests(CommentTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article("أسعار الخبز في حلب")
        cls.first = make_comment(
            cls.article,
            "أول تعليق\nبسطرين",
            name="ليلى",
            created_at=datetime(2025, 3, 1, 21, 30, tzinfo=UTC),
        )
        cls.second = make_comment(
            cls.article, "ثاني تعليق", created_at=datetime(2025, 3, 2, 8, 0, tzinfo=UTC)
        )
        # Made after, dated before: the page orders by date, not by id.
        cls.earliest = make_comment(
            cls.article, "أقدم تعليق", created_at=datetime(2025, 2, 28, 8, 0, tzinfo=UTC)
        )
        cls.reply = make_comment(cls.article, "رد منشور على ليلى", parent=cls.first)
        for status in ("pending", "hidden", "rejected", "spam"):
            make_comment(cls.article, f"تعليق {status} لا يظهر", status=status)
            make_comment(cls.article, f"رد {status} لا يظهر", status=status, parent=cls.first)
        cls.under_pending = make_comment(
            cls.article,
            "رد منشور تحت تعليق لم يُنشر",
            parent=make_comment(cls.article, "أصل لم يُنشر", status=Comment.Status.PENDING),
        )

    def get_page(self, **params):
        response = self.client.get(self.article.get_absolute_url(), params)
        self.assertEqual(response.status_code, 200)
        return response

    def test_only_approved_comments_and_their_approved_replies_are_shown(self):
        response = self.get_page()
        for text in ("أول تعليق", "ثاني تعليق", "أقدم تعليق", "رد منشور على ليلى"):
            self.assertContains(response, text)
        for status in ("pending", "hidden", "rejected", "spam"):
            self.assertNotContains(response, f"تعليق {status} لا يظهر")
            self.assertNotContains(response, f"رد {status} لا يظهر")
        # A reply shows only under its parent, so not while the parent is unpublished.
        self.assertNotContains(response, "رد منشور تحت تعليق لم يُنشر")
        self.assertNotContains(response, "أصل لم يُنشر")

    def test_comments_are_oldest_first_with_replies_beneath_their_comment(self):
        html = self.get_page().content.decode()
        order = [html.find(text) for text in ("أقدم تعليق", "أول تعليق", "رد منشور على ليلى", "ثاني تعليق")]
        self.assertEqual(order, sorted(order))
        self.assertGreater(order[0], html.find('id="comments-title"'))
        reply_list = html.find('<ol class="comment-replies"')
        self.assertLess(order[1], reply_list)
        self.assertLess(reply_list, order[2])

    def test_name_date_in_levantine_months_and_time_in_damascus(self):
        response = self.get_page()
        self.assertContains(response, '<h3 class="comment-name"><bdi>ليلى</bdi></h3>', html=True)
        # 21:30 UTC on 1 March is 00:30 on 2 March in Damascus.
        self.assertContains(
            response, '<time datetime="2025-03-02T00:30:00+0300">2 آذار 2025، 00:30</time>', html=True
        )
        self.assertContains(response, '<h4 class="comment-name"><bdi>قارئ</bdi></h4>', html=True)

    def test_text_is_laid_out_by_its_main_script_not_its_first_letter(self):
        make_comment(
            self.article, "BBC قالت إن الطريق مقطوع منذ يومين https://example.com/a-long-english-path"
        )
        make_comment(self.article, "Thanks for the report from Hajin")
        response = self.get_page()
        self.assertContains(response, '<p class="comment-text" dir="rtl">BBC قالت')
        self.assertContains(response, '<p class="comment-text" dir="ltr">Thanks for')
        self.assertContains(response, '<p class="comment-text" dir="rtl">أول تعليق')

    def test_line_breaks_are_kept(self):
        self.assertContains(self.get_page(), "أول تعليق<br>بسطرين")

    def test_email_and_address_are_never_shown(self):
        make_comment(self.article, "تعليق ببريد", email="secret@example.com", ip_address="198.51.100.7")
        response = self.get_page()
        self.assertContains(response, "تعليق ببريد")
        self.assertNotContains(response, "secret@example.com")
        self.assertNotContains(response, "198.51.100.7")

    def test_links_in_approved_comments_are_clickable_with_nofollow_ugc(self):
        make_comment(self.article, "المصدر: https://example.com/report?id=1&x=2 للمزيد")
        self.assertContains(
            self.get_page(),
            '<a href="https://example.com/report?id=1&amp;x=2" rel="nofollow ugc">'
            "https://example.com/report?id=1&amp;x=2</a>",
        )

    def test_links_are_not_clickable_before_approval(self):
        for status in ("pending", "hidden", "spam", "rejected"):
            with self.subTest(status=status):
                comment = Comment(text='انظر https://example.com\n<i>"هنا"</i>', status=status)
                self.assertEqual(
                    comment_text(comment), "انظر https://example.com<br>&lt;i&gt;&quot;هنا&quot;&lt;/i&gt;"
                )

    def test_a_link_cannot_smuggle_attributes(self):
        make_comment(self.article, 'https://example.com/"onmouseover="alert(1) و www.example.org')
        html = self.get_page().content.decode()
        self.assertNotIn('"onmouseover="', html)
        self.assertIn('<a href="http://www.example.org" rel="nofollow ugc">www.example.org</a>', html)

    def test_no_comments_yet_says_so(self):
        response = self.client.get(make_article().get_absolute_url())
        self.assertContains(response, "لا تعليقات منشورة بعد.")
        self.assertNotContains(response, 'class="comment-list"')

    def test_headings_go_in_order(self):
        html = self.get_page().content.decode()
        levels = [int(level) for level in re.findall(r"<h([1-6])", html)]
        for before, after in zip(levels, levels[1:], strict=False):
            self.assertLessEqual(after, before + 1, levels)


@override_settings(COMMENTS_PER_PAGE=2)
class PaginationTests(CommentTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article("خبر كثير التعليقات")
        cls.comments = [
            make_comment(cls.article, f"تعليق رقم {n}", created_at=ago(hours=10 - n)) for n in range(5)
        ]

    def test_comments_are_split_into_pages_oldest_first(self):
        first = self.client.get(self.article.get_absolute_url())
        self.assertContains(first, "تعليق رقم 0")
        self.assertContains(first, "تعليق رقم 1")
        self.assertNotContains(first, "تعليق رقم 2")
        self.assertContains(first, "صفحة 1 من 3")
        self.assertContains(first, 'href="?cpage=2#comments" rel="next"')

        last = self.client.get(self.article.get_absolute_url(), {"cpage": 3})
        self.assertContains(last, "تعليق رقم 4")
        self.assertNotContains(last, "تعليق رقم 0")
        self.assertContains(last, 'href="?cpage=2#comments" rel="prev"')
        # The reply link keeps the page, so the comment is found there.
        self.assertContains(last, f'href="?cpage=3&amp;reply={self.comments[4].pk}#comment-form"')

    def test_bad_page_numbers_show_a_page_never_an_error(self):
        for value, expected in (("abc", 1), ("0", 3), ("-1", 3), ("999", 3), ("2.5", 1), ("9" * 40, 3)):
            with self.subTest(cpage=value):
                response = self.client.get(self.article.get_absolute_url(), {"cpage": value})
                self.assertContains(response, f"صفحة {expected} من 3")

    def test_reply_on_a_later_page_is_addressed(self):
        response = self.client.get(
            self.article.get_absolute_url(), {"cpage": 3, "reply": self.comments[4].pk}
        )
        self.assertContains(response, "رداً على")
        self.assertContains(response, f'name="parent" value="{self.comments[4].pk}"')


class QueryCountTests(CommentTestCase):
    """The article page costs the same whatever the number of comments."""

    # With the article's related news cached, as after its first view (tests/test_related.py
    # counts the first view).
    QUERIES = 7

    def test_one_comment_or_two_hundred_with_replies_cost_the_same(self):
        few = make_article(tags=["وسم"], sources=[make_source()], authors=[make_author()])
        many = make_article(tags=["وسم"], sources=[make_source()], authors=[make_author()])
        make_comment(few, "وحيد")
        self.client.get(few.get_absolute_url())
        with self.assertNumQueries(self.QUERIES):
            self.assertContains(self.client.get(few.get_absolute_url()), "وحيد")

        comments = Comment.objects.bulk_create(
            Comment(
                article=many, name=f"قارئ {n}", text=f"تعليق {n}", status="approved", created_at=ago(hours=n)
            )
            for n in range(200)
        )
        Comment.objects.bulk_create(
            Comment(article=many, parent=parent, name="راد", text=f"رد {n}", status=status)
            for parent in comments
            for n, status in enumerate(("approved", "approved", "pending"))
        )
        self.client.get(many.get_absolute_url())
        for params in ({}, {"cpage": 4}, {"cpage": 2, "reply": comments[-60].pk}):
            with self.subTest(params=params), self.assertNumQueries(self.QUERIES):
                response = self.client.get(many.get_absolute_url(), params)
            self.assertContains(response, 'class="comment-name"', count=50 + 100)


class SpamScoreTests(TestCase):
    def score(self, text, blocked=(), repeated=False):
        return comment_spam_score(text=text, blocked_phrases=blocked, repeated=repeated)

    def test_each_link_beyond_the_first_adds_two(self):
        self.assertEqual(self.score("بلا روابط").total, 0)
        self.assertEqual(self.score("المصدر https://example.com").total, 0)
        self.assertEqual(self.score("http://a.example www.b.example HTTPS://c.example").total, 4)
        # One address written with both a scheme and www. is one link.
        self.assertEqual(self.score("https://www.example.com").links, 1)

    def test_repeated_text_adds_three(self):
        self.assertEqual(self.score("نص", repeated=True).total, 3)

    def test_each_blocked_phrase_adds_five_matched_folded_and_as_whole_words(self):
        blocked = ["كازينو", "ربح سريع", "سانا"]
        score = self.score("كازينـو أونلاين: رِبح  سريع!", blocked)
        self.assertEqual(score.blocked, ("كازينو",))
        score = self.score("كازينـو أونلاين: رِبح سريع!", blocked)
        self.assertEqual(score.blocked, ("كازينو", "ربح سريع"))
        self.assertEqual(score.total, 10)
        # Inside another word, it is another word.
        self.assertEqual(self.score("قالت وكالة إنسانا", blocked).total, 0)

    def test_explanation_names_what_counted(self):
        note = self.score("a http://a.example http://b.example", ["a"], repeated=True).explain()
        self.assertIn("درجة الإزعاج 10", note)
        self.assertIn("2 روابط", note)
        self.assertIn("24 ساعة", note)
        self.assertIn("كلمات محظورة: a", note)


class SpamRoutingTests(CommentTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article("خبر عن الانتخابات")
        cls.other = make_article("خبر آخر")

    def assertSpam(self, comment, *, score, note_contains):
        self.assertEqual(comment.status, Comment.Status.SPAM)
        self.assertEqual(comment.spam_score, score)
        decision = comment.decisions.get()
        self.assertIsNone(decision.by)
        self.assertEqual((decision.from_status, decision.to_status), ("pending", "spam"))
        self.assertIn(note_contains, decision.note)

    @override_settings(COMMENTS_SPAM_THRESHOLD=5)
    def test_many_links_go_to_spam_and_a_few_stay_pending(self):
        self.post_comment(self.article, text="http://a.example http://b.example http://c.example")
        self.post_comment(
            self.article, text="http://a.example http://b.example http://c.example http://d.example"
        )
        few, many = Comment.objects.order_by("id")
        self.assertEqual((few.status, few.spam_score), ("pending", 4))
        self.assertFalse(few.decisions.exists())
        self.assertSpam(many, score=6, note_contains="4 روابط")

    @override_settings(COMMENTS_SPAM_THRESHOLD=3)
    def test_same_text_again_within_a_day_on_any_article_scores_three(self):
        self.post_comment(self.article, text="اشترك في قناتي الآن")
        self.post_comment(self.other, text="  اشترِك في   قناتي الآن ", ip="192.0.2.20")
        first, again = Comment.objects.order_by("id")
        self.assertEqual((first.status, first.spam_score), ("pending", 0))
        self.assertSpam(again, score=3, note_contains="24 ساعة")

    @override_settings(COMMENTS_SPAM_THRESHOLD=3)
    def test_same_text_a_day_later_is_not_a_repeat(self):
        with time_machine.travel(timezone.now(), tick=False) as clock:
            self.post_comment(self.article, text="نص يتكرر")
            clock.shift(timedelta(hours=24, minutes=1))
            self.post_comment(self.article, text="نص يتكرر", started=stamp(self.article))
        self.assertEqual(list(Comment.objects.values_list("status", flat=True)), ["pending", "pending"])

    def test_blocked_word_goes_to_spam(self):
        BlockedWord.objects.create(phrase="كازينو")
        response = self.post_comment(self.article, text="أفضل كازينـو على الإنترنت")
        self.assertEqual(response.status_code, 303)
        self.assertSpam(Comment.objects.get(), score=5, note_contains="كازينو")

    def test_spam_is_never_shown_even_if_it_holds_links(self):
        BlockedWord.objects.create(phrase="كازينو")
        self.post_comment(self.article, text="كازينو https://casino.example")
        self.assertNotContains(self.client.get(self.article.get_absolute_url()), "casino.example")


@override_settings(COMMENTS_REPORT_THRESHOLD=3)
class ReportTests(CommentTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article("اعتقالات في درعا")
        cls.comment = make_comment(cls.article, "تعليق مسيء", name="مجهول")

    def report(self, comment=None, reason="abuse", ip="192.0.2.30", **data):
        return self.client.post(
            report_url(comment or self.comment), {"reason": reason, **data}, REMOTE_ADDR=ip
        )

    def test_each_approved_comment_has_a_report_form(self):
        response = self.client.get(self.article.get_absolute_url())
        self.assertContains(response, f'action="{report_url(self.comment)}"')
        self.assertContains(
            response, f'<label class="form-label" for="report-{self.comment.pk}">سبب الإبلاغ</label>'
        )
        self.assertContains(response, '<option value="abuse">إساءة أو تحريض</option>')
        self.assertContains(
            response, '<button type="submit" class="btn btn-outline-secondary btn-sm">إبلاغ</button>'
        )

    def test_report_is_saved_and_the_reader_thanked(self):
        response = self.report(cpage="2")
        self.assertRedirects(
            response,
            f"{self.article.get_absolute_url()}?cpage=2&comment=reported#comments",
            status_code=303,
            fetch_redirect_response=False,
        )
        report = Report.objects.get()
        self.assertEqual(
            (report.comment, report.reason, report.ip_address), (self.comment, "abuse", "192.0.2.30")
        )
        self.assertContains(self.client.get(response["Location"]), REPORTED_MESSAGE)
        self.comment.refresh_from_db()
        self.assertEqual(self.comment.status, Comment.Status.APPROVED)

    def test_a_second_report_from_one_address_is_thanked_but_not_counted(self):
        self.report(reason="spam")
        response = self.report(reason="other")
        self.assertEqual(response.status_code, 303)
        self.assertIn("comment=reported", response["Location"])
        self.report(reason="abuse", ip="2001:db8::1")
        self.report(reason="abuse", ip="2001:db8::2")  # the same /64: the same reader
        self.assertEqual(Report.objects.count(), 2)
        self.comment.refresh_from_db()
        self.assertEqual(self.comment.status, Comment.Status.APPROVED)

    def test_enough_reports_hide_the_comment_with_a_decision(self):
        for n in range(3):
            self.assertEqual(self.report(ip=f"192.0.2.{n}").status_code, 303)
        self.comment.refresh_from_db()
        self.assertEqual(self.comment.status, Comment.Status.HIDDEN)
        decision = self.comment.decisions.get()
        self.assertIsNone(decision.by)
        self.assertEqual((decision.from_status, decision.to_status), ("approved", "hidden"))
        self.assertEqual(decision.note, "أُخفي تلقائياً بعد 3 بلاغات")
        self.assertNotContains(self.client.get(self.article.get_absolute_url()), "تعليق مسيء")

    def test_reports_from_before_a_moderator_reinstated_it_do_not_count_again(self):
        for n in range(3):
            self.report(ip=f"192.0.2.{n}")
        # A moderator looks and puts it back.
        Comment.objects.filter(pk=self.comment.pk).update(status=Comment.Status.APPROVED)
        Decision.objects.create(comment=self.comment, from_status="hidden", to_status="approved")
        self.report(ip="192.0.2.100")
        self.comment.refresh_from_db()
        self.assertEqual(self.comment.status, Comment.Status.APPROVED)
        for n in range(101, 103):
            self.report(ip=f"192.0.2.{n}")
        self.comment.refresh_from_db()
        self.assertEqual(self.comment.status, Comment.Status.HIDDEN)

    def test_comments_not_approved_or_under_unpublished_articles_cannot_be_reported(self):
        draft = make_article(status=Article.Status.DRAFT)
        comments = [
            *(
                make_comment(self.article, status=status)
                for status in ("pending", "hidden", "rejected", "spam")
            ),
            make_comment(draft),
            Comment(pk=987654),
        ]
        for comment in comments:
            with self.subTest(status=comment.status, article=comment.article_id):
                self.assertEqual(self.report(comment).status_code, 404)
        self.assertFalse(Report.objects.exists())

    def test_an_unknown_reason_is_refused_beside_that_comment(self):
        for reason in ("", "hate"):
            with self.subTest(reason=reason):
                response = self.report(reason=reason)
                self.assertContains(response, "اختر سبب الإبلاغ من القائمة.", status_code=400)
                self.assertContains(
                    response, f'aria-describedby="report-{self.comment.pk}-error"', status_code=400
                )
                self.assertContains(response, '<details class="comment-report" open>', status_code=400)
        self.assertFalse(Report.objects.exists())

    @override_settings(COMMENTS_RATE_LIMIT_IP=(2, 600))
    def test_reports_from_one_address_are_rate_limited(self):
        others = [make_comment(self.article, f"تعليق {n}") for n in range(3)]
        for comment in others[:2]:
            self.assertEqual(self.report(comment).status_code, 303)
        response = self.report(others[2])
        self.assertContains(response, "أرسلت بلاغات كثيرة في وقت قصير", status_code=429)
        self.assertEqual(Report.objects.count(), 2)

    def test_numbers_past_the_database_range_are_404_not_500(self):
        huge = "9" * 25
        self.assertEqual(self.client.post(f"/comments/{huge}/report/", {"reason": "spam"}).status_code, 404)
        self.assertEqual(self.client.post(f"/news/{huge}/comments/", {"name": "س"}).status_code, 404)

    def test_get_on_the_report_address_is_not_allowed(self):
        self.assertEqual(self.client.get(report_url(self.comment)).status_code, 405)

    def test_a_report_sent_from_another_site_is_refused(self):
        response = self.client.post(
            report_url(self.comment), {"reason": "spam"}, HTTP_ORIGIN="https://evil.example"
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Report.objects.exists())


class EditorClosesCommentsTests(CommentTestCase):
    def test_editor_closes_comments_from_the_article_form(self):
        article = make_article("خبر يغلق المحرر تعليقاته", pub_date=ago(hours=2))
        self.client.force_login(make_user(EDITORS))
        url = reverse("admin:articles_article_change", args=[article.pk])
        self.assertContains(self.client.get(url), 'name="comments_open"')
        published = timezone.localtime(article.pub_date)
        response = self.client.post(
            url,
            {
                "title": article.title,
                "slug": article.slug,
                "lead": article.lead,
                "body": article.body,
                "section": article.section_id,
                "new_tags": "",
                "pub_date_0": published.strftime("%Y-%m-%d"),
                "pub_date_1": published.strftime("%H:%M:%S"),
                # An unticked box is simply not sent.
                "_save": "حفظ",
                "loaded_version": article.updated.isoformat(),
                **inline_management_data(),
            },
        )
        self.assertEqual(
            response.status_code, 302, response.context and response.context["adminform"].form.errors
        )
        article.refresh_from_db()
        self.assertFalse(article.comments_open)
        self.client.logout()
        self.assertContains(self.client.get(article.get_absolute_url()), CLOSED_MESSAGE)

    def test_writer_cannot_reopen_or_close_comments(self):
        writer = make_user(WRITERS)
        article = make_article("مسودة كاتب", status=Article.Status.DRAFT, created_by=writer)
        self.client.force_login(writer)
        url = reverse("admin:articles_article_change", args=[article.pk])
        self.assertNotContains(self.client.get(url), 'name="comments_open"')


class ReaderLinkTests(CommentTestCase):
    def test_wrong_slug_redirect_keeps_the_comment_query(self):
        article = make_article("خبر بتعليقات")
        response = self.client.get(
            reverse("articles:detail", kwargs={"pk": article.pk, "slug": "قديم"}), {"cpage": "2"}
        )
        self.assertRedirects(
            response, f"{article.get_absolute_url()}?cpage=2", status_code=301, fetch_redirect_response=False
        )

    def test_email_is_stored_lower_case(self):
        article = make_article()
        self.post_comment(article, email="Reader@Example.COM")
        self.assertEqual(Comment.objects.get().email, "reader@example.com")

    @override_settings(COMMENTS_OPEN_DAYS=0)
    def test_zero_open_days_never_closes_by_age(self):
        article = make_article(pub_date=ago(days=3000))
        self.assertContains(self.client.get(article.get_absolute_url()), FORM_TITLE)

    def test_article_with_comments_cannot_be_deleted(self):
        article = make_article()
        make_comment(article, "تعليق قارئ")
        with self.assertRaises(ProtectedError):
            article.delete()
        self.assertTrue(Comment.objects.filter(article=article).exists())
