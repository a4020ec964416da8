"""Moderators at work: the comment queue, their decisions and the record of them, taking an
article down, forgetting readers' IP addresses, and what the admin index tells them."""

import re
from contextlib import redirect_stderr
from datetime import timedelta
from io import StringIO
from unittest import mock

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command, load_command_class
from django.db import connection, connections
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Transition
from comments.models import BlockedWord, Comment, Decision, Report
from comments.moderation import comment_moderate, comment_moderate_many
from editorial.roles import EDITORS, MODERATORS, WRITERS

from .factories import inline_management_data, make_article, make_user

Status = Comment.Status
QUEUE_URL = reverse("admin:comments_comment_changelist")
INDEX_URL = reverse("admin:index")
BLOCKED_WORDS_URL = reverse("admin:comments_blockedword_changelist")


def make_comment(article, *, ago=timedelta(minutes=5), **fields) -> Comment:
    fields.setdefault("name", "أبو خالد")
    fields.setdefault("text", "شكراً على التغطية من دير الزور.")
    return Comment.objects.create(article=article, created_at=timezone.now() - ago, **fields)


def comment_url(comment: Comment) -> str:
    return reverse("admin:comments_comment_change", args=[comment.pk])


def run_action(client, action: str, comments, *, follow=False, **extra):
    data = {"action": action, "_selected_action": [c.pk for c in comments], "index": 0, **extra}
    return client.post(QUEUE_URL, data, follow=follow)


def statuses(*comments) -> list[str]:
    return [Comment.objects.get(pk=c.pk).status for c in comments]


class QueueTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.moderator = make_user(MODERATORS)
        cls.article = make_article("قصف على بلدة هجين")
        cls.other_article = make_article("انقطاع الكهرباء في الميادين")
        cls.approved_newest = make_comment(cls.article, ago=timedelta(minutes=1), status=Status.APPROVED)
        cls.pending_recent = make_comment(cls.article, ago=timedelta(minutes=10), name="سلمى")
        cls.rejected = make_comment(cls.article, ago=timedelta(hours=1), status=Status.REJECTED)
        cls.hidden = make_comment(cls.other_article, ago=timedelta(days=2), status=Status.HIDDEN)
        cls.pending_old = make_comment(
            cls.article,
            ago=timedelta(days=3),
            name="أم محمد",
            email="umm.mohammad@example.com",
            ip_address="203.0.113.7",
            text="القصف طال المدرسة أيضاً، وأطفال الحي بلا صفوف منذ أسبوع.",
        )
        Report.objects.create(comment=cls.hidden, reason=Report.Reason.ABUSE)

    def setUp(self):
        self.client.force_login(self.moderator)

    def listed(self, **params) -> list[Comment]:
        response = self.client.get(QUEUE_URL, params)
        self.assertEqual(response.status_code, 200)
        return list(response.context["cl"].result_list)

    def test_what_awaits_a_decision_comes_first_then_the_newest(self):
        self.assertEqual(
            self.listed(),
            [self.pending_recent, self.hidden, self.pending_old, self.approved_newest, self.rejected],
        )

    def test_each_row_shows_the_article_the_text_and_the_readers_details(self):
        response = self.client.get(QUEUE_URL)
        self.assertContains(response, "القصف طال المدرسة أيضاً، وأطفال الحي بلا صفوف منذ أسبوع.")
        self.assertContains(response, "أم محمد")
        self.assertContains(response, "umm.mohammad@example.com")
        self.assertContains(response, "203.0.113.7")
        article_admin = reverse("admin:articles_article_change", args=[self.article.pk])
        self.assertContains(response, f'<a href="{article_admin}">قصف على بلدة هجين</a>', html=True)
        self.assertContains(response, "بانتظار المراجعة")

    def test_review_filter_lists_pending_and_hidden_comments(self):
        self.assertEqual(self.listed(state="review"), [self.pending_recent, self.hidden, self.pending_old])

    def test_status_filter_lists_one_state(self):
        self.assertEqual(self.listed(state="rejected"), [self.rejected])

    def test_reported_filter(self):
        self.assertEqual(self.listed(reported="yes"), [self.hidden])
        self.assertNotIn(self.hidden, self.listed(reported="no"))

    def test_article_filter_offers_only_articles_with_comments(self):
        no_comments = make_article("خبر بلا تعليقات")
        response = self.client.get(QUEUE_URL)
        self.assertContains(response, "انقطاع الكهرباء في الميادين")
        self.assertNotContains(response, no_comments.title)
        self.assertEqual(self.listed(article__id__exact=self.other_article.pk), [self.hidden])

    def test_search_finds_text_name_and_email(self):
        for term in ["صفوف", "أم محمد", "umm.mohammad@"]:
            with self.subTest(term=term):
                self.assertEqual(self.listed(q=term), [self.pending_old])

    def test_queue_offers_the_three_decisions_and_no_delete(self):
        response = self.client.get(QUEUE_URL)
        actions = [name for name, _label in response.context["action_form"].fields["action"].choices]
        self.assertEqual(actions, ["", "approve", "reject", "mark_spam"])

    def test_nobody_can_add_or_delete_a_comment_here(self):
        for user in [self.moderator, make_user(EDITORS), make_user(is_superuser=True)]:
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(reverse("admin:comments_comment_add")).status_code, 403)
                delete_url = reverse("admin:comments_comment_delete", args=[self.pending_old.pk])
                self.assertEqual(self.client.post(delete_url, {"post": "yes"}).status_code, 403)
                run_action(self.client, "delete_selected", [self.pending_old], post="yes")
                self.assertTrue(Comment.objects.filter(pk=self.pending_old.pk).exists())


class ReaderHistoryTests(TestCase):
    """How many of a reader's earlier comments were approved or turned down."""

    @classmethod
    def setUpTestData(cls):
        cls.moderator = make_user(MODERATORS)
        cls.article = make_article()

    def setUp(self):
        self.client.force_login(self.moderator)

    def row(self, comment) -> Comment:
        response = self.client.get(QUEUE_URL)
        return next(c for c in response.context["cl"].result_list if c.pk == comment.pk)

    def history(self, comment) -> tuple[int, int]:
        row = self.row(comment)
        return row.earlier_approved_count, row.earlier_turned_down_count

    def test_a_reader_with_an_email_is_known_by_it(self):
        reader = {"email": "reader@example.com"}
        for days, status in [
            (9, Status.APPROVED),
            (8, Status.APPROVED),
            (7, Status.REJECTED),
            (6, Status.SPAM),
        ]:
            make_comment(self.article, ago=timedelta(days=days), status=status, **reader)
        make_comment(self.article, ago=timedelta(days=5), status=Status.PENDING, **reader)
        # Another reader on the same connection (a shared café or a VPN exit) is not them.
        make_comment(
            self.article,
            ago=timedelta(days=4),
            status=Status.APPROVED,
            email="other@example.com",
            ip_address="10.0.0.1",
        )
        current = make_comment(self.article, ago=timedelta(days=1), ip_address="10.0.0.1", **reader)
        # What came after the comment under review is not its history.
        make_comment(self.article, ago=timedelta(hours=1), status=Status.REJECTED, **reader)
        self.assertEqual(self.history(current), (2, 2))

    def test_a_reader_without_an_email_is_known_by_the_ip_address(self):
        make_comment(self.article, ago=timedelta(days=3), status=Status.APPROVED, ip_address="198.51.100.4")
        make_comment(
            self.article,
            ago=timedelta(days=2),
            status=Status.REJECTED,
            ip_address="198.51.100.4",
            email="x@example.com",
        )
        make_comment(self.article, ago=timedelta(days=2), status=Status.APPROVED, ip_address="198.51.100.5")
        current = make_comment(self.article, ip_address="198.51.100.4")
        self.assertEqual(self.history(current), (1, 1))

    def test_without_an_email_or_an_address_there_is_no_history(self):
        # Purged addresses are NULL, and NULL matches nothing: anonymous readers are not lumped together.
        make_comment(self.article, ago=timedelta(days=3), status=Status.REJECTED)
        current = make_comment(self.article)
        self.assertEqual(self.history(current), (0, 0))

    def test_the_row_shows_the_counts_and_the_reports(self):
        make_comment(self.article, ago=timedelta(days=3), status=Status.APPROVED, email="r@example.com")
        current = make_comment(self.article, email="r@example.com", status=Status.HIDDEN)
        for _ in range(3):
            Report.objects.create(comment=current, reason=Report.Reason.SPAM)
        response = self.client.get(QUEUE_URL)
        row = re.search(rf'<tr>(?:(?!</tr>).)*?value="{current.pk}".*?</tr>', response.content.decode(), re.S)
        self.assertInHTML(
            '<td class="field-history"><span class="reader-history">نُشر: 1</span>'
            '<span class="reader-history">رُفض: 0</span></td>',
            row.group(0),
        )
        self.assertInHTML('<td class="field-report_count">3</td>', row.group(0))

    def test_the_queue_costs_the_same_queries_for_3_and_30_comments(self):
        def add_comments(count):
            for n in range(count):
                comment = make_comment(
                    make_article() if n % 5 == 0 else self.article,
                    ago=timedelta(hours=n),
                    email=f"reader{n % 4}@example.com" if n % 2 else "",
                    ip_address=f"192.0.2.{n % 7}",
                    status=list(Status)[n % len(Status)],
                )
                if n % 3 == 0:
                    Report.objects.create(comment=comment, reason=Report.Reason.ABUSE)

        add_comments(3)
        with CaptureQueriesContext(connection) as few:
            self.client.get(QUEUE_URL)
        add_comments(27)
        with self.assertNumQueries(len(few)):
            response = self.client.get(QUEUE_URL)
        self.assertEqual(len(response.context["cl"].result_list), 30)


class BulkActionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.moderator = make_user(MODERATORS, first_name="رنا", last_name="الحسن")
        cls.article = make_article()

    def setUp(self):
        self.client.force_login(self.moderator)
        self.pending = make_comment(self.article, ago=timedelta(minutes=2))
        self.hidden = make_comment(self.article, ago=timedelta(minutes=1), status=Status.HIDDEN)

    def assert_decided(self, comment, from_status, to_status):
        decision = Decision.objects.get(comment=comment)
        self.assertEqual(
            (decision.by, decision.from_status, decision.to_status), (self.moderator, from_status, to_status)
        )
        self.assertLess(timezone.now() - decision.at, timedelta(minutes=1))

    def test_approve_publishes_and_records_who_from_and_to(self):
        response = run_action(self.client, "approve", [self.pending, self.hidden], follow=True)
        self.assertEqual(statuses(self.pending, self.hidden), [Status.APPROVED, Status.APPROVED])
        self.assert_decided(self.pending, Status.PENDING, Status.APPROVED)
        self.assert_decided(self.hidden, Status.HIDDEN, Status.APPROVED)
        self.assertContains(response, "صار 2 من التعليقات «منشور».")

    def test_reject_keeps_the_comments_out_of_view_and_records_it(self):
        run_action(self.client, "reject", [self.pending, self.hidden])
        self.assertEqual(statuses(self.pending, self.hidden), [Status.REJECTED, Status.REJECTED])
        self.assert_decided(self.pending, Status.PENDING, Status.REJECTED)
        self.assert_decided(self.hidden, Status.HIDDEN, Status.REJECTED)
        self.assertFalse(Comment.objects.public().exists())

    def test_mark_spam_records_it(self):
        run_action(self.client, "mark_spam", [self.pending])
        self.assertEqual(statuses(self.pending, self.hidden), [Status.SPAM, Status.HIDDEN])
        self.assert_decided(self.pending, Status.PENDING, Status.SPAM)
        self.assertFalse(Decision.objects.filter(comment=self.hidden).exists())

    def test_nothing_a_moderator_decides_is_deleted(self):
        run_action(self.client, "reject", [self.pending])
        run_action(self.client, "mark_spam", [self.hidden])
        run_action(self.client, "approve", [self.pending])
        self.assertEqual(Comment.objects.count(), 2)
        self.assertEqual(
            list(Decision.objects.order_by("id").values_list("comment", "from_status", "to_status")),
            [
                (self.pending.pk, Status.PENDING, Status.REJECTED),
                (self.hidden.pk, Status.HIDDEN, Status.SPAM),
                (self.pending.pk, Status.REJECTED, Status.APPROVED),
            ],
        )

    def test_a_comment_already_in_that_state_gets_no_new_decision(self):
        approved = make_comment(self.article, status=Status.APPROVED)
        response = run_action(self.client, "approve", [approved, self.pending], follow=True)
        self.assertEqual(list(Decision.objects.values_list("comment", flat=True)), [self.pending.pk])
        self.assertContains(response, "صار تعليق واحد «منشور».")
        response = run_action(self.client, "approve", [approved], follow=True)
        self.assertContains(response, "لم يتغير شيء")
        self.assertEqual(Decision.objects.count(), 1)

    def test_approving_a_reply_to_an_unapproved_comment_warns_it_stays_out_of_view(self):
        reply = make_comment(self.article, parent=self.hidden)
        response = run_action(self.client, "approve", [reply], follow=True)
        self.assertEqual(statuses(reply), [Status.APPROVED])
        self.assertContains(response, "ردّ واحد لن يظهر للقرّاء حتى يُنشر التعليق الذي يرد عليه.")
        # Approving the parent along with it: nothing left to warn about.
        other_reply = make_comment(self.article, parent=self.pending)
        response = run_action(self.client, "approve", [other_reply, self.pending], follow=True)
        self.assertNotContains(response, "لن يظهر")


class CommentPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.moderator = make_user(MODERATORS, first_name="رنا", last_name="الحسن")
        cls.article = make_article()

    def setUp(self):
        self.client.force_login(self.moderator)
        self.comment = make_comment(self.article, text="نص القارئ كما كتبه", name="أبو خالد")

    def test_decisions_are_listed_on_the_comment_page(self):
        Decision.objects.create(
            comment=self.comment,
            by=None,
            from_status=Status.APPROVED,
            to_status=Status.HIDDEN,
            at=timezone.now() - timedelta(hours=1),
        )
        comment_moderate(comment=self.comment, user=self.moderator, to_status=Status.REJECTED, note="تحريض")
        response = self.client.get(comment_url(self.comment))
        inline = response.content.decode().split('id="decisions-group"')[1].split("</fieldset>")[0]
        self.assertIn("رنا الحسن", inline)
        self.assertIn("تحريض", inline)
        self.assertIn("تلقائياً", inline)
        self.assertIn("مخفي بعد بلاغات", inline)
        self.assertIn("مرفوض", inline)

    def test_reports_are_listed_on_the_comment_page(self):
        Report.objects.create(comment=self.comment, reason=Report.Reason.ABUSE)
        response = self.client.get(comment_url(self.comment))
        self.assertContains(response, 'id="reports-group"')
        self.assertContains(response, "إساءة أو تحريض")

    def test_the_readers_words_cannot_be_edited(self):
        response = self.client.get(comment_url(self.comment))
        self.assertContains(response, "نص القارئ كما كتبه")
        self.assertNotContains(response, 'name="text"')
        self.assertNotContains(response, 'name="name"')
        self.assertNotContains(response, 'name="_save"')
        response = self.client.post(
            comment_url(self.comment), {"text": "نص معدّل", "name": "غيره", "_save": "1"}
        )
        self.assertEqual(response.status_code, 403)
        self.comment.refresh_from_db()
        self.assertEqual((self.comment.text, self.comment.name), ("نص القارئ كما كتبه", "أبو خالد"))

    def test_a_button_on_the_page_decides_and_records_the_note(self):
        response = self.client.get(comment_url(self.comment))
        self.assertContains(response, "مراجعة تعليق")
        self.assertContains(response, '<button type="submit" name="_moderate" value="approved"')
        response = self.client.post(
            comment_url(self.comment), {"_moderate": Status.SPAM, "_moderate_note": " رابط إعلاني "}
        )
        self.assertRedirects(response, QUEUE_URL)
        decision = Decision.objects.get(comment=self.comment)
        self.assertEqual(
            (decision.by, decision.from_status, decision.to_status, decision.note),
            (self.moderator, Status.PENDING, Status.SPAM, "رابط إعلاني"),
        )

    def test_the_page_offers_only_decisions_that_change_something(self):
        comment_moderate(comment=self.comment, user=self.moderator, to_status=Status.APPROVED)
        response = self.client.get(comment_url(self.comment))
        self.assertNotContains(response, 'name="_moderate" value="approved"')
        self.assertContains(response, 'name="_moderate" value="rejected"')
        self.assertContains(response, 'name="_moderate" value="spam"')

    def test_a_crafted_state_is_refused(self):
        for state in ["pending", "hidden", "deleted"]:
            with self.subTest(state=state):
                response = self.client.post(comment_url(self.comment), {"_moderate": state})
                self.assertEqual(response.status_code, 403)
        self.assertEqual(statuses(self.comment), [Status.PENDING])
        self.assertFalse(Decision.objects.exists())

    def test_a_note_too_long_is_refused_with_a_message_and_nothing_changes(self):
        response = self.client.post(
            comment_url(self.comment),
            {"_moderate": Status.REJECTED, "_moderate_note": "س" * 251},
            follow=True,
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual([m.level_tag for m in response.context["messages"]], ["error"])
        self.assertEqual(statuses(self.comment), [Status.PENDING])
        self.assertFalse(Decision.objects.exists())


class PermissionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article()
        cls.comment = make_comment(cls.article)

    def test_anonymous_is_sent_to_the_login_page(self):
        response = self.client.get(QUEUE_URL)
        self.assertRedirects(response, f"{reverse('admin:login')}?next={QUEUE_URL}")
        response = self.client.post(comment_url(self.comment), {"_moderate": Status.APPROVED})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(statuses(self.comment), [Status.PENDING])

    def test_writer_cannot_reach_the_queue_or_decide(self):
        self.client.force_login(make_user(WRITERS))
        self.assertEqual(self.client.get(QUEUE_URL).status_code, 403)
        self.assertEqual(self.client.get(comment_url(self.comment)).status_code, 403)
        self.assertEqual(run_action(self.client, "approve", [self.comment]).status_code, 403)
        response = self.client.post(comment_url(self.comment), {"_moderate": Status.APPROVED})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(statuses(self.comment), [Status.PENDING])
        self.assertFalse(Decision.objects.exists())

    def test_moderators_and_editors_reach_the_queue(self):
        for role in [MODERATORS, EDITORS]:
            with self.subTest(role=role):
                self.client.force_login(make_user(role))
                self.assertContains(self.client.get(QUEUE_URL), "شكراً على التغطية")

    def test_the_service_refuses_a_writer_itself(self):
        with self.assertRaises(PermissionDenied):
            comment_moderate(comment=self.comment, user=make_user(WRITERS), to_status=Status.APPROVED)
        with self.assertRaises(PermissionDenied):
            comment_moderate_many(comments=[self.comment], user=make_user(WRITERS), to_status=Status.APPROVED)
        self.assertEqual(statuses(self.comment), [Status.PENDING])


class CommentModerateTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.moderator = make_user(MODERATORS)
        cls.article = make_article()

    def setUp(self):
        self.comment = make_comment(self.article)

    def test_refuses_an_unknown_state(self):
        with self.assertRaises(ValidationError):
            comment_moderate(comment=self.comment, user=self.moderator, to_status="deleted")
        self.assertFalse(Decision.objects.exists())

    def test_the_same_state_records_nothing(self):
        self.assertIsNone(
            comment_moderate(comment=self.comment, user=self.moderator, to_status=Status.PENDING)
        )
        self.assertFalse(Decision.objects.exists())

    def test_records_the_state_the_comment_was_really_in(self):
        stale = Comment.objects.get(pk=self.comment.pk)
        # Hidden by readers' reports after the moderator opened the queue.
        Comment.objects.filter(pk=self.comment.pk).update(status=Status.HIDDEN)
        decision = comment_moderate(comment=stale, user=self.moderator, to_status=Status.APPROVED)
        self.assertEqual((decision.from_status, decision.to_status), (Status.HIDDEN, Status.APPROVED))

    def test_writes_only_the_state(self):
        self.comment.text = "نص لم يُحفظ قط"
        comment_moderate(comment=self.comment, user=self.moderator, to_status=Status.APPROVED)
        self.assertEqual(
            Comment.objects.values_list("text", "status").get(pk=self.comment.pk),
            ("شكراً على التغطية من دير الزور.", Status.APPROVED),
        )

    def test_a_refused_note_leaves_the_state_as_it_was(self):
        with self.assertRaises(ValidationError):
            comment_moderate(
                comment=self.comment, user=self.moderator, to_status=Status.REJECTED, note="س" * 251
            )
        self.assertEqual(statuses(self.comment), [Status.PENDING])

    def test_many_returns_only_the_decisions_made(self):
        approved = make_comment(self.article, status=Status.APPROVED)
        decisions = comment_moderate_many(
            comments=[self.comment, approved], user=self.moderator, to_status=Status.APPROVED
        )
        self.assertEqual([d.comment for d in decisions], [self.comment])


class BlockedWordAdminTests(TestCase):
    def test_moderator_adds_finds_and_deletes_a_blocked_word(self):
        self.client.force_login(make_user(MODERATORS))
        response = self.client.post(reverse("admin:comments_blockedword_add"), {"phrase": "ربح سريع"})
        self.assertRedirects(response, BLOCKED_WORDS_URL)
        word = BlockedWord.objects.get(phrase="ربح سريع")
        self.assertContains(self.client.get(BLOCKED_WORDS_URL, {"q": "سريع"}), "ربح سريع")
        delete_url = reverse("admin:comments_blockedword_delete", args=[word.pk])
        self.client.post(delete_url, {"post": "yes"})
        self.assertFalse(BlockedWord.objects.exists())
        # Managing the list decides nothing about any comment.
        self.assertFalse(Decision.objects.exists())

    def test_writer_cannot_manage_the_list(self):
        self.client.force_login(make_user(WRITERS))
        self.assertEqual(self.client.get(BLOCKED_WORDS_URL).status_code, 403)
        self.client.post(reverse("admin:comments_blockedword_add"), {"phrase": "ربح سريع"})
        self.assertFalse(BlockedWord.objects.exists())


def takedown_url(article: Article) -> str:
    return reverse("admin:articles_article_takedown", args=[article.pk])


class TakedownTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.moderator = make_user(MODERATORS)
        cls.writer = make_user(WRITERS)

    def setUp(self):
        self.article = make_article("خبر يذكر اسم شاهد", created_by=self.writer)
        self.client.force_login(self.moderator)

    def row(self) -> dict:
        return Article.objects.filter(pk=self.article.pk).values().get()

    def test_moderator_takes_down_a_published_article_with_a_reason(self):
        response = self.client.get(takedown_url(self.article))
        self.assertContains(response, "سبب السحب")
        response = self.client.post(takedown_url(self.article), {"reason": "يكشف هوية شاهد يخشى على حياته"})
        self.assertRedirects(response, reverse("admin:articles_article_change", args=[self.article.pk]))
        self.article.refresh_from_db()
        self.assertEqual(self.article.status, Article.Status.DRAFT)
        self.client.logout()
        self.assertEqual(self.client.get(self.article.get_absolute_url()).status_code, 404)
        transition = Transition.objects.get(article=self.article)
        self.assertEqual(
            (transition.by, transition.from_status, transition.to_status),
            (self.moderator, Article.Status.PUBLISHED, Article.Status.DRAFT),
        )
        self.assertEqual(transition.note, "سحب: يكشف هوية شاهد يخشى على حياته")

    def test_a_scheduled_article_can_be_taken_down_too(self):
        Article.objects.filter(pk=self.article.pk).update(
            status=Article.Status.SCHEDULED, pub_date=timezone.now() + timedelta(hours=2)
        )
        self.client.post(takedown_url(self.article), {"reason": "خطأ في الوقائع"})
        self.assertEqual(self.row()["status"], Article.Status.DRAFT)

    def test_an_empty_reason_is_a_form_error_and_the_article_stays_up(self):
        before = self.row()
        for reason in ["", "   \n "]:
            with self.subTest(reason=reason):
                response = self.client.post(takedown_url(self.article), {"reason": reason})
                self.assertEqual(response.status_code, 200)
                self.assertFormError(response.context["form"], "reason", "هذا الحقل مطلوب.")
        self.assertEqual(self.row(), before)
        self.assertFalse(Transition.objects.exists())
        self.client.logout()
        self.assertEqual(self.client.get(self.article.get_absolute_url()).status_code, 200)

    def test_writer_gets_403(self):
        self.client.force_login(self.writer)
        before = self.row()
        self.assertEqual(self.client.get(takedown_url(self.article)).status_code, 403)
        response = self.client.post(takedown_url(self.article), {"reason": "لا أريده منشوراً"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.row(), before)

    def test_anonymous_is_sent_to_the_login_page(self):
        self.client.logout()
        response = self.client.post(takedown_url(self.article), {"reason": "سبب"})
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("admin:login"), response["Location"])
        self.assertEqual(self.row()["status"], Article.Status.PUBLISHED)

    def test_a_draft_cannot_be_taken_down(self):
        Article.objects.filter(pk=self.article.pk).update(status=Article.Status.DRAFT)
        self.assertContains(self.client.get(takedown_url(self.article)), "لا يُسحب إلا خبر منشور أو مجدول")
        self.client.post(takedown_url(self.article), {"reason": "سبب"})
        self.assertFalse(Transition.objects.exists())

    def test_the_change_page_links_to_it_but_stays_read_only(self):
        change_url = reverse("admin:articles_article_change", args=[self.article.pk])
        response = self.client.get(change_url)
        self.assertContains(response, f'href="{takedown_url(self.article)}"')
        self.assertNotContains(response, 'name="_save"')
        self.assertNotContains(response, 'name="_transition"')
        Article.objects.filter(pk=self.article.pk).update(status=Article.Status.DRAFT)
        self.assertNotContains(self.client.get(change_url), takedown_url(self.article))

    def test_moderator_still_cannot_edit_the_article(self):
        before = self.row()
        change_url = reverse("admin:articles_article_change", args=[self.article.pk])
        data = {
            "title": "عنوان آخر",
            "lead": self.article.lead,
            "body": self.article.body,
            "section": self.article.section_id,
            "loaded_version": self.article.updated.isoformat(),
            **inline_management_data(),
        }
        for extra in [{"_save": "1"}, {"_transition": "takedown", "_transition_note": "سبب"}]:
            with self.subTest(extra=extra):
                self.assertEqual(self.client.post(change_url, {**data, **extra}).status_code, 403)
        self.assertEqual(self.row(), before)
        self.assertFalse(Transition.objects.exists())


@override_settings(COMMENTS_IP_RETENTION_DAYS=30)
class PurgeCommentIpsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        article = make_article()
        cls.old_comment = make_comment(article, ago=timedelta(days=31), ip_address="203.0.113.1")
        cls.recent_comment = make_comment(article, ago=timedelta(days=29), ip_address="203.0.113.2")
        cls.old_report = Report.objects.create(
            comment=cls.recent_comment,
            reason=Report.Reason.SPAM,
            ip_address="2001:db8::1",
            created_at=timezone.now() - timedelta(days=40),
        )
        cls.recent_report = Report.objects.create(
            comment=cls.old_comment, reason=Report.Reason.SPAM, ip_address="2001:db8::2"
        )

    def purge(self, *args) -> str:
        out = StringIO()
        call_command("purge_comment_ips", *args, stdout=out)
        return out.getvalue()

    def addresses(self) -> list:
        return [
            Comment.objects.get(pk=self.old_comment.pk).ip_address,
            Comment.objects.get(pk=self.recent_comment.pk).ip_address,
            Report.objects.get(pk=self.old_report.pk).ip_address,
            Report.objects.get(pk=self.recent_report.pk).ip_address,
        ]

    def test_forgets_addresses_older_than_the_retention_period(self):
        output = self.purge()
        self.assertEqual(self.addresses(), [None, "203.0.113.2", None, "2001:db8::2"])
        self.assertEqual(output, "forgot the IP addresses of 1 comments and 1 reports older than 30 days\n")
        # The comments themselves stay.
        self.assertEqual(Comment.objects.count(), 2)

    def test_a_second_run_finds_nothing_to_forget(self):
        self.purge()
        self.assertIn("of 0 comments and 0 reports", self.purge())
        self.assertEqual(self.addresses(), [None, "203.0.113.2", None, "2001:db8::2"])

    def test_days_overrides_the_setting(self):
        self.purge("--days", "35")
        self.assertEqual(self.addresses(), ["203.0.113.1", "203.0.113.2", None, "2001:db8::2"])
        self.purge("--days=0")
        self.assertEqual(self.addresses(), [None, None, None, None])

    @override_settings(COMMENTS_IP_RETENTION_DAYS=60)
    def test_the_setting_decides_without_days(self):
        self.assertIn("of 0 comments and 0 reports older than 60 days", self.purge())
        self.assertEqual(self.addresses(), ["203.0.113.1", "203.0.113.2", "2001:db8::1", "2001:db8::2"])

    def test_a_negative_number_of_days_is_refused_and_nothing_is_purged(self):
        for days in ["-1", "abc", "99999999999"]:
            with self.subTest(days=days), self.assertRaises(CommandError):
                self.purge(f"--days={days}")
        self.assertEqual(self.addresses(), ["203.0.113.1", "203.0.113.2", "2001:db8::1", "2001:db8::2"])

    def test_from_the_command_line_a_negative_number_is_one_line_without_a_traceback(self):
        stderr = StringIO()
        # run_from_argv closes the database connections as it ends, which on PostgreSQL would
        # take the test case's open transaction with them.
        keep_connections = mock.patch.object(connections, "close_all")
        with keep_connections, redirect_stderr(stderr), self.assertRaises(SystemExit) as exit:
            # Made here: a command holds on to the sys.stderr of the moment it is made.
            command = load_command_class("comments", "purge_comment_ips")
            command.run_from_argv(["manage.py", "purge_comment_ips", "--days", "-3"])
        self.assertEqual(exit.exception.code, 1)
        self.assertEqual(stderr.getvalue(), "CommandError: --days must be 0 or more, not -3\n")


class DashboardTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        article = make_article()
        cls.waiting = [
            make_comment(article, ago=timedelta(minutes=3)),
            make_comment(article, ago=timedelta(minutes=2)),
            make_comment(article, ago=timedelta(minutes=1), status=Status.HIDDEN),
        ]
        for status in [Status.APPROVED, Status.REJECTED, Status.SPAM]:
            make_comment(article, status=status)

    def block(self, response) -> str:
        match = re.search(
            r'<div class="module dashboard-block" id="dashboard-comments">.*?</table>',
            response.content.decode(),
            re.S,
        )
        return match.group(0) if match else ""

    def test_moderator_sees_how_many_wait_with_a_link_to_them(self):
        self.client.force_login(make_user(MODERATORS))
        block = self.block(self.client.get(INDEX_URL))
        self.assertIn("تعليقات بانتظار الإشراف (3)", block)
        self.assertIn(f'href="{QUEUE_URL}?state=review"', block)
        listed = self.client.get(QUEUE_URL, {"state": "review"}).context["cl"].result_list
        self.assertCountEqual(listed, self.waiting)

    def test_editors_see_it_too(self):
        self.client.force_login(make_user(EDITORS))
        self.assertIn("تعليقات بانتظار الإشراف (3)", self.block(self.client.get(INDEX_URL)))

    def test_nothing_waiting_says_so(self):
        Comment.objects.filter(status__in=Comment.NEEDS_REVIEW).update(status=Status.APPROVED)
        self.client.force_login(make_user(MODERATORS))
        block = self.block(self.client.get(INDEX_URL))
        self.assertIn("تعليقات بانتظار الإشراف (0)", block)
        self.assertIn("لا شيء الآن.", block)

    def test_writers_do_not_see_it(self):
        self.client.force_login(make_user(WRITERS))
        response = self.client.get(INDEX_URL)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.block(response), "")

    def test_the_count_costs_one_query_however_many_wait(self):
        self.client.force_login(make_user(MODERATORS))
        with CaptureQueriesContext(connection) as few:
            self.client.get(INDEX_URL)
        for _ in range(20):
            make_comment(self.waiting[0].article)
        with self.assertNumQueries(len(few)):
            response = self.client.get(INDEX_URL)
        self.assertIn("(23)", self.block(response))
        self.assertEqual(len([q for q in few.captured_queries if "comments_comment" in q["sql"]]), 1)
