"""The editorial workflow: who may move an article where, scheduled publication, staff preview."""

from datetime import timedelta
from io import StringIO
from unittest import mock

import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.db.models.signals import post_save
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Transition
from articles.workflow import article_transition, publish_due
from editorial.roles import EDITORS, MODERATORS, WRITERS

from .factories import inline_management_data, make_article, make_section, make_user

ADD_URL = reverse("admin:articles_article_add")
CHANGELIST_URL = reverse("admin:articles_article_changelist")
AUTOCOMPLETE_URL = reverse("admin:autocomplete")

Status = Article.Status


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def form_data(article: Article, **overrides) -> dict:
    """What the change page posts for `article` as it stands; a workflow button replaces "save"."""
    pub_date = timezone.localtime(article.pub_date)
    data = {
        "title": article.title,
        "slug": article.slug,
        "lead": article.lead,
        "body": article.body,
        "section": article.section_id,
        "new_tags": "",
        "featured_photo": "",
        "pub_date_0": f"{pub_date:%Y-%m-%d}",
        "pub_date_1": f"{pub_date:%H:%M:%S}",
        "loaded_version": Article.objects.get(pk=article.pk).updated.isoformat(),
        "_save": "احفظ",
        **inline_management_data(),
    }
    if "_transition" in overrides:
        del data["_save"]
    data.update(overrides)
    return data


def new_article_data(section, **overrides) -> dict:
    data = {
        "title": "قصف على هجين",
        "slug": "",
        "lead": "قالت مصادر محلية إن القصف استهدف أطراف البلدة.",
        "body": "<p>نص الخبر.</p>",
        "section": section.pk,
        "new_tags": "",
        "featured_photo": "",
        "pub_date_0": f"{timezone.localtime():%Y-%m-%d}",
        "pub_date_1": f"{timezone.localtime():%H:%M:%S}",
        **inline_management_data(),
    }
    data.update(overrides)
    return data


def row(article: Article) -> dict:
    """Every column of the article's row as the database holds it."""
    return Article.objects.filter(pk=article.pk).values().get()


def workflow_buttons(response) -> list[str]:
    return [label for _value, label in response.context["transition_actions"]]


class RoleTests(TestCase):
    """The roles come from a data migration; what each may do is checked by doing it."""

    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("أخبار سوريا")

    def test_migrations_create_the_three_roles(self):
        self.assertEqual(
            set(Group.objects.filter(name__in=[WRITERS, EDITORS, MODERATORS]).values_list("name", flat=True)),
            {WRITERS, EDITORS, MODERATORS},
        )

    def test_writer_can_write_and_submit_an_article(self):
        writer = make_user(WRITERS)
        self.client.force_login(writer)
        response = self.client.get(ADD_URL)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(workflow_buttons(response), ["إرسال للمراجعة"])

        response = self.client.post(ADD_URL, new_article_data(self.section, _transition="submit"))
        self.assertRedirects(response, CHANGELIST_URL)
        article = Article.objects.get(title="قصف على هجين")
        self.assertEqual(article.status, Status.REVIEW)
        self.assertEqual(article.created_by, writer)
        self.assertEqual(article.last_edited_by, writer)

    def test_writer_cannot_publish_a_new_article(self):
        self.client.force_login(make_user(WRITERS))
        response = self.client.post(ADD_URL, new_article_data(self.section, _transition="publish"))
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Article.objects.exists())

    def test_writer_is_not_offered_the_publish_actions(self):
        make_article(status=Status.DRAFT)
        self.client.force_login(make_user(WRITERS))
        response = self.client.get(CHANGELIST_URL)
        self.assertNotContains(response, 'value="publish"')
        self.assertNotContains(response, 'value="unpublish"')

    def test_editor_can_publish_a_new_article(self):
        self.client.force_login(make_user(EDITORS))
        self.assertEqual(
            workflow_buttons(self.client.get(ADD_URL)), ["إرسال للمراجعة", "نشر الآن", "جدولة النشر"]
        )
        self.client.post(ADD_URL, new_article_data(self.section, _transition="publish"))
        article = Article.objects.get(title="قصف على هجين")
        self.assertTrue(article.is_published())
        self.assertContains(self.client.get(article.get_absolute_url()), "قصف على هجين")

    def test_editor_is_offered_the_publish_actions(self):
        make_article()
        self.client.force_login(make_user(EDITORS))
        response = self.client.get(CHANGELIST_URL)
        self.assertContains(response, "نشر الأخبار المختارة الآن")
        self.assertContains(response, "إلغاء نشر الأخبار المختارة")

    def test_moderator_can_read_articles_but_not_add_them(self):
        article = make_article("خبر للقراءة فقط")
        self.client.force_login(make_user(MODERATORS))
        self.assertContains(self.client.get(CHANGELIST_URL), "خبر للقراءة فقط")
        self.assertEqual(self.client.get(ADD_URL).status_code, 403)
        self.assertEqual(self.client.post(ADD_URL, new_article_data(self.section)).status_code, 403)
        self.assertQuerySetEqual(Article.objects.all(), [article])

    def test_user_without_a_role_cannot_reach_articles(self):
        self.client.force_login(make_user())
        self.assertEqual(self.client.get(CHANGELIST_URL).status_code, 403)


class WriterTests(TestCase):
    """A writer drafts and submits their own articles; every other move is refused, and a
    refused request leaves the article's row exactly as it was."""

    @classmethod
    def setUpTestData(cls):
        cls.writer = make_user(WRITERS)
        cls.other_writer = make_user(WRITERS)
        section = make_section()
        cls.draft = make_article("مسودتي", section=section, status=Status.DRAFT, created_by=cls.writer)
        cls.in_review = make_article(
            "خبري قيد المراجعة", section=section, status=Status.REVIEW, created_by=cls.writer
        )
        cls.published = make_article("خبري المنشور", section=section, created_by=cls.writer)
        cls.others_draft = make_article(
            "مسودة زميل", section=section, status=Status.DRAFT, created_by=cls.other_writer
        )

    def setUp(self):
        self.client.force_login(self.writer)

    def assertRefused(self, response, article, allowed_statuses=(403,)):
        before = self.rows[article.pk]
        self.assertIn(response.status_code, allowed_statuses)
        self.assertEqual(row(article), before)
        self.assertFalse(Transition.objects.filter(article=article).exists())

    def post(self, article, **overrides):
        self.rows = {article.pk: row(article)}
        return self.client.post(change_url(article), form_data(article, title="عنوان مُبدّل", **overrides))

    def test_writer_submits_own_draft(self):
        response = self.client.post(change_url(self.draft), form_data(self.draft, _transition="submit"))
        self.assertRedirects(response, CHANGELIST_URL)
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.status, Status.REVIEW)
        transition = Transition.objects.get(article=self.draft)
        self.assertEqual(
            (transition.from_status, transition.to_status, transition.by),
            (Status.DRAFT, Status.REVIEW, self.writer),
        )

    def test_writer_edits_own_draft(self):
        response = self.client.post(change_url(self.draft), form_data(self.draft, title="عنوان أدق"))
        self.assertRedirects(response, CHANGELIST_URL)
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.title, "عنوان أدق")
        self.assertEqual(self.draft.status, Status.DRAFT)

    def test_writer_cannot_publish_own_draft(self):
        self.assertRefused(self.post(self.draft, _transition="publish"), self.draft)

    def test_writer_cannot_schedule_own_draft(self):
        tomorrow = timezone.localtime() + timedelta(days=1)
        response = self.post(
            self.draft,
            _transition="schedule",
            pub_date_0=f"{tomorrow:%Y-%m-%d}",
            pub_date_1=f"{tomorrow:%H:%M:%S}",
        )
        self.assertRefused(response, self.draft)

    def test_writer_cannot_set_the_publication_date(self):
        # The field is not on a writer's form: a posted date is ignored, the save goes through.
        self.rows = {self.draft.pk: row(self.draft)}
        self.client.post(change_url(self.draft), form_data(self.draft, pub_date_0="2030-01-01"))
        self.assertEqual(row(self.draft)["pub_date"], self.rows[self.draft.pk]["pub_date"])

    def test_writer_cannot_unpublish_own_article(self):
        self.assertRefused(self.post(self.published, _transition="unpublish"), self.published)

    def test_writer_cannot_archive_own_article(self):
        self.assertRefused(self.post(self.published, _transition="archive"), self.published)

    def test_writer_cannot_send_back_own_article(self):
        self.assertRefused(
            self.post(self.in_review, _transition="send_back", _transition_note="لا"), self.in_review
        )

    def test_writer_cannot_edit_own_article_once_in_review(self):
        self.assertRefused(self.post(self.in_review), self.in_review)

    def test_writer_sees_own_article_in_review_read_only(self):
        response = self.client.get(change_url(self.in_review))
        self.assertContains(response, "خبري قيد المراجعة")
        self.assertNotContains(response, 'name="_save"')
        self.assertEqual(workflow_buttons(response), [])

    def test_writer_cannot_edit_someone_elses_article(self):
        self.assertRefused(self.post(self.others_draft), self.others_draft)

    def test_writer_cannot_submit_someone_elses_article(self):
        self.assertRefused(self.post(self.others_draft, _transition="submit"), self.others_draft)

    def test_writer_cannot_delete_own_published_article(self):
        self.rows = {self.published.pk: row(self.published)}
        url = reverse("admin:articles_article_delete", args=[self.published.pk])
        self.assertRefused(self.client.post(url, {"post": "yes"}), self.published)

    def test_writer_cannot_delete_own_published_article_from_the_list(self):
        self.rows = {self.published.pk: row(self.published)}
        response = self.client.post(
            CHANGELIST_URL,
            {"action": "delete_selected", "_selected_action": [self.published.pk], "post": "yes"},
        )
        self.assertRefused(response, self.published)

    def test_writer_deletes_own_draft(self):
        url = reverse("admin:articles_article_delete", args=[self.draft.pk])
        self.assertRedirects(self.client.post(url, {"post": "yes"}), CHANGELIST_URL)
        self.assertFalse(Article.objects.filter(pk=self.draft.pk).exists())

    def test_writer_cannot_use_the_publish_action(self):
        self.rows = {self.draft.pk: row(self.draft)}
        response = self.client.post(
            CHANGELIST_URL, {"action": "publish", "_selected_action": [self.draft.pk], "index": 0}
        )
        # The admin treats an action it does not offer as no action at all.
        self.assertRefused(response, self.draft, allowed_statuses=(200, 302, 403))

    def test_writers_changelist_shows_only_their_own_articles(self):
        response = self.client.get(CHANGELIST_URL)
        self.assertEqual(
            set(response.context["cl"].result_list), {self.draft, self.in_review, self.published}
        )
        self.assertNotContains(response, "مسودة زميل")

    def test_related_articles_autocomplete_offers_published_articles_of_others(self):
        others_published = make_article("خبر منشور لزميل", created_by=self.other_writer)
        imported = make_article("خبر منشور مستورد")
        response = self.client.get(
            AUTOCOMPLETE_URL,
            {"app_label": "articles", "model_name": "article", "field_name": "related", "term": "خبر"},
        )
        self.assertEqual(response.status_code, 200)
        offered = {result["text"] for result in response.json()["results"]}
        self.assertLessEqual({others_published.title, imported.title, self.published.title}, offered)
        # Nobody else's unpublished work leaks through the search.
        self.assertNotIn(self.others_draft.title, offered)


class EditorTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(EDITORS, username="rania")
        cls.writer = make_user(WRITERS)
        cls.section = make_section()

    def setUp(self):
        self.client.force_login(self.editor)

    def article(self, status, **fields):
        return make_article(section=self.section, status=status, created_by=self.writer, **fields)

    def test_editor_makes_every_move_through_the_change_page(self):
        tomorrow = timezone.localtime() + timedelta(days=1)
        moves = [
            (Status.DRAFT, "submit", Status.REVIEW, {}),
            (Status.REVIEW, "publish", Status.PUBLISHED, {}),
            (
                Status.REVIEW,
                "schedule",
                Status.SCHEDULED,
                {"pub_date_0": f"{tomorrow:%Y-%m-%d}", "pub_date_1": f"{tomorrow:%H:%M:%S}"},
            ),
            (Status.REVIEW, "send_back", Status.DRAFT, {"_transition_note": "المصدر غير واضح."}),
            (Status.SCHEDULED, "send_back", Status.DRAFT, {"_transition_note": "تأجيل."}),
            (Status.SCHEDULED, "publish", Status.PUBLISHED, {}),
            (Status.SCHEDULED, "unpublish", Status.DRAFT, {}),
            (Status.PUBLISHED, "unpublish", Status.DRAFT, {}),
            (Status.PUBLISHED, "archive", Status.ARCHIVED, {}),
            (Status.ARCHIVED, "unpublish", Status.DRAFT, {}),
        ]
        for start, action, end, extra in moves:
            with self.subTest(start=start, action=action):
                pub_date = timezone.now() + timedelta(days=1) if start == Status.SCHEDULED else None
                article = self.article(start, pub_date=pub_date)
                response = self.client.post(
                    change_url(article), form_data(article, _transition=action, **extra)
                )
                self.assertRedirects(response, CHANGELIST_URL)
                article.refresh_from_db()
                self.assertEqual(article.status, end)
                transition = Transition.objects.get(article=article)
                self.assertEqual((transition.from_status, transition.to_status), (start, end))
                self.assertEqual(transition.by, self.editor)

    def test_change_page_offers_the_moves_each_status_allows(self):
        expected = {
            Status.DRAFT: ["إرسال للمراجعة", "نشر الآن", "جدولة النشر"],
            Status.REVIEW: ["إعادة إلى الكاتب", "نشر الآن", "جدولة النشر"],
            Status.SCHEDULED: ["إعادة إلى الكاتب", "نشر الآن", "إلغاء النشر"],
            Status.PUBLISHED: ["إلغاء النشر", "أرشفة"],
            Status.ARCHIVED: ["إلغاء النشر"],
        }
        for status, buttons in expected.items():
            with self.subTest(status=status):
                response = self.client.get(change_url(self.article(status)))
                self.assertEqual(workflow_buttons(response), buttons)
                for label in buttons:
                    self.assertContains(response, f">{label}</button>")

    def test_editor_edits_a_writers_article_in_review(self):
        article = self.article(Status.REVIEW)
        response = self.client.post(change_url(article), form_data(article, title="عنوان حرّره المحرر"))
        self.assertRedirects(response, CHANGELIST_URL)
        article.refresh_from_db()
        self.assertEqual(article.title, "عنوان حرّره المحرر")
        self.assertEqual(article.last_edited_by, self.editor)
        self.assertEqual(article.created_by, self.writer)

    def test_send_back_without_a_note_is_refused_with_a_message(self):
        article = self.article(Status.REVIEW)
        response = self.client.post(
            change_url(article),
            form_data(article, _transition="send_back", _transition_note="  "),
            follow=True,
        )
        self.assertContains(response, "اكتب للكاتب ملاحظة تشرح سبب الإعادة.")
        article.refresh_from_db()
        self.assertEqual(article.status, Status.REVIEW)
        self.assertFalse(Transition.objects.filter(article=article).exists())

    def test_send_back_records_the_note_who_and_when_and_shows_them(self):
        article = self.article(Status.REVIEW)
        moment = timezone.now().replace(microsecond=0) + timedelta(minutes=5)
        with time_machine.travel(moment, tick=False):
            self.client.post(
                change_url(article),
                form_data(article, _transition="send_back", _transition_note="أضف مصدراً ثانياً للرقم."),
            )
        transition = Transition.objects.get(article=article)
        self.assertEqual(transition.note, "أضف مصدراً ثانياً للرقم.")
        self.assertEqual(transition.by, self.editor)
        self.assertEqual(transition.at, moment)
        self.assertEqual((transition.from_status, transition.to_status), (Status.REVIEW, Status.DRAFT))

        # The writer reads why on their article's page.
        self.client.force_login(self.writer)
        response = self.client.get(change_url(article))
        self.assertContains(response, "سجل سير العمل")
        self.assertContains(response, "أضف مصدراً ثانياً للرقم.")
        self.assertContains(response, "rania")
        self.assertContains(response, "بانتظار المراجعة")

    def test_schedule_needs_a_future_date(self):
        article = self.article(Status.REVIEW, pub_date=timezone.now() - timedelta(hours=1))
        response = self.client.post(
            change_url(article), form_data(article, _transition="schedule"), follow=True
        )
        self.assertContains(response, "اختر لتاريخ النشر موعداً في المستقبل")
        article.refresh_from_db()
        self.assertEqual(article.status, Status.REVIEW)

    def test_publish_action_publishes_drafts_now(self):
        started = self.article(Status.DRAFT, pub_date=timezone.now() - timedelta(days=4))
        moment = timezone.now().replace(microsecond=0) + timedelta(minutes=5)
        with time_machine.travel(moment, tick=False):
            self.client.post(
                CHANGELIST_URL, {"action": "publish", "_selected_action": [started.pk], "index": 0}
            )
        started.refresh_from_db()
        self.assertEqual(started.status, Status.PUBLISHED)
        self.assertEqual(started.pub_date, moment)
        self.assertEqual(Transition.objects.get(article=started).by, self.editor)


class PublicationDateTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(EDITORS)
        cls.moment = timezone.now().replace(microsecond=0) + timedelta(minutes=10)

    def setUp(self):
        self.client.force_login(self.editor)

    def publish_in_admin(self, article):
        with time_machine.travel(self.moment, tick=False):
            response = self.client.post(change_url(article), form_data(article, _transition="publish"))
        self.assertRedirects(response, CHANGELIST_URL)
        article.refresh_from_db()

    def test_publishing_a_draft_started_days_ago_dates_it_now(self):
        article = make_article(status=Status.DRAFT, pub_date=self.moment - timedelta(days=3))
        self.publish_in_admin(article)
        self.assertEqual(article.status, Status.PUBLISHED)
        self.assertEqual(article.pub_date, self.moment)

    def test_publish_now_on_an_article_dated_in_the_future_publishes_it_now(self):
        article = make_article("خبر عاجل", status=Status.REVIEW, pub_date=self.moment + timedelta(days=2))
        self.publish_in_admin(article)
        self.assertEqual(article.pub_date, self.moment)
        with time_machine.travel(self.moment + timedelta(seconds=1), tick=False):
            self.assertContains(self.client.get(article.get_absolute_url()), "خبر عاجل")

    def test_republishing_keeps_the_original_date(self):
        first = self.moment - timedelta(days=30)
        article = make_article(status=Status.DRAFT, pub_date=first)
        article_transition(article=article, user=self.editor, action="publish", now=lambda: first)
        article_transition(article=article, user=self.editor, action="unpublish", now=lambda: self.moment)
        article_transition(article=article, user=self.editor, action="publish", now=lambda: self.moment)
        self.assertEqual(article.pub_date, first)

    def test_republishing_a_story_published_before_the_workflow_keeps_its_date(self):
        # Stories already live when the workflow arrived have no Transition into a public
        # status; correcting one (unpublish, republish) must not redate it to today.
        first = self.moment - timedelta(days=300)
        article = make_article(pub_date=first)
        article_transition(article=article, user=self.editor, action="unpublish", now=lambda: self.moment)
        article_transition(article=article, user=self.editor, action="publish", now=lambda: self.moment)
        article.refresh_from_db()
        self.assertEqual(article.pub_date, first)
        self.assertEqual(article.status, Status.PUBLISHED)


class ArticleTransitionTests(TestCase):
    """The service under the admin, with its clock injected."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(EDITORS)
        cls.writer = make_user(WRITERS)
        cls.moment = timezone.now().replace(second=0, microsecond=0) + timedelta(hours=2)

    def test_schedule_is_refused_for_a_date_not_after_now(self):
        article = make_article(status=Status.REVIEW, pub_date=self.moment)
        with self.assertRaises(ValidationError):
            article_transition(article=article, user=self.editor, action="schedule", now=lambda: self.moment)
        article.refresh_from_db()
        self.assertEqual(article.status, Status.REVIEW)

    def test_schedule_is_accepted_a_minute_ahead(self):
        article = make_article(status=Status.REVIEW, pub_date=self.moment + timedelta(minutes=1))
        article_transition(article=article, user=self.editor, action="schedule", now=lambda: self.moment)
        article.refresh_from_db()
        self.assertEqual(article.status, Status.SCHEDULED)
        self.assertEqual(article.pub_date, self.moment + timedelta(minutes=1))

    def test_writer_is_refused_by_the_service_itself(self):
        article = make_article(status=Status.DRAFT, created_by=self.writer)
        for action in ["publish", "schedule", "archive", "send_back", "unpublish", "no-such-move"]:
            with self.subTest(action=action), self.assertRaises(PermissionDenied):
                article_transition(article=article, user=self.writer, action=action, note="x")
        self.assertEqual(row(article)["status"], Status.DRAFT)

    def test_only_the_writer_or_an_editor_may_submit_a_draft(self):
        article = make_article(status=Status.DRAFT, created_by=self.writer)
        for role in [WRITERS, MODERATORS]:
            with self.subTest(role=role), self.assertRaises(PermissionDenied):
                article_transition(article=article, user=make_user(role), action="submit")
        self.assertEqual(row(article)["status"], Status.DRAFT)
        article_transition(article=article, user=self.editor, action="submit")
        self.assertEqual(row(article)["status"], Status.REVIEW)

    def test_a_move_from_the_wrong_status_is_refused(self):
        article = make_article(status=Status.DRAFT)
        with self.assertRaises(ValidationError):
            article_transition(article=article, user=self.editor, action="archive")
        self.assertEqual(row(article)["status"], Status.DRAFT)


class ScheduledVisibilityTests(TestCase):
    """Readers see a scheduled article at its minute, whether or not publish_due has run."""

    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("اقتصاد")
        cls.pub_date = timezone.now().replace(second=0, microsecond=0) + timedelta(days=1)
        cls.article = make_article(
            "موازنة العام الجديد", section=cls.section, status=Status.SCHEDULED, pub_date=cls.pub_date
        )

    def pages(self):
        return {
            "home": reverse("home"),
            "latest": reverse("articles:latest"),
            "section": self.section.get_absolute_url(),
        }

    def test_invisible_one_second_before_its_time(self):
        with time_machine.travel(self.pub_date - timedelta(seconds=1), tick=False):
            self.assertEqual(self.client.get(self.article.get_absolute_url()).status_code, 404)
            for name, url in self.pages().items():
                with self.subTest(page=name):
                    self.assertNotContains(self.client.get(url), "موازنة العام الجديد")

    def test_visible_at_its_time_without_publish_due(self):
        with time_machine.travel(self.pub_date, tick=False):
            self.assertContains(self.client.get(self.article.get_absolute_url()), "موازنة العام الجديد")
            for name, url in self.pages().items():
                with self.subTest(page=name):
                    self.assertContains(self.client.get(url), "موازنة العام الجديد")
        self.assertEqual(row(self.article)["status"], Status.SCHEDULED)


class PublishDueTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.moment = timezone.now().replace(second=0, microsecond=0) + timedelta(days=1)
        cls.due = make_article("خبر حان موعده", status=Status.SCHEDULED, pub_date=cls.moment)
        cls.future = make_article(
            "خبر لم يحن موعده", status=Status.SCHEDULED, pub_date=cls.moment + timedelta(minutes=1)
        )

    def test_flips_due_articles_and_records_a_transition_by_nobody(self):
        self.assertEqual(publish_due(now=lambda: self.moment), [self.due])
        self.assertEqual(row(self.due)["status"], Status.PUBLISHED)
        self.assertEqual(row(self.due)["pub_date"], self.moment)
        transition = Transition.objects.get(article=self.due)
        self.assertEqual((transition.from_status, transition.to_status), (Status.SCHEDULED, Status.PUBLISHED))
        self.assertIsNone(transition.by)
        self.assertEqual(transition.at, self.moment)

    def test_leaves_future_articles_alone(self):
        publish_due(now=lambda: self.moment)
        self.assertEqual(row(self.future)["status"], Status.SCHEDULED)
        self.assertFalse(Transition.objects.filter(article=self.future).exists())

    def test_nothing_is_due_a_second_early(self):
        self.assertEqual(publish_due(now=lambda: self.moment - timedelta(seconds=1)), [])
        self.assertEqual(row(self.due)["status"], Status.SCHEDULED)

    def test_a_second_run_changes_nothing(self):
        publish_due(now=lambda: self.moment)
        after_first = row(self.due)
        self.assertEqual(publish_due(now=lambda: self.moment + timedelta(seconds=30)), [])
        self.assertEqual(row(self.due), after_first)
        self.assertEqual(Transition.objects.filter(article=self.due).count(), 1)

    def interfere(self, change):
        """Run `change` just after this run records its first flip (self.due, the latest of
        the due articles, so the first), as a concurrent editor or run would."""

        def receiver(sender, instance, created, **kwargs):
            if created and instance.article_id == self.due.pk:
                change()

        post_save.connect(receiver, sender=Transition, weak=False)
        self.addCleanup(post_save.disconnect, receiver, sender=Transition)

    def test_an_article_rescheduled_during_a_run_waits_for_its_new_time(self):
        earlier = make_article(status=Status.SCHEDULED, pub_date=self.moment - timedelta(minutes=1))
        later = self.moment + timedelta(days=1)
        self.interfere(lambda: Article.objects.filter(pk=earlier.pk).update(pub_date=later))
        self.assertEqual(publish_due(now=lambda: self.moment), [self.due])
        self.assertEqual(row(earlier)["status"], Status.SCHEDULED)
        self.assertFalse(Transition.objects.filter(article=earlier).exists())

    def test_an_article_another_run_published_is_recorded_once(self):
        earlier = make_article(status=Status.SCHEDULED, pub_date=self.moment - timedelta(minutes=1))

        def other_run():
            Article.objects.filter(pk=earlier.pk).update(status=Status.PUBLISHED)
            Transition.objects.create(
                article=earlier, from_status=Status.SCHEDULED, to_status=Status.PUBLISHED
            )

        self.interfere(other_run)
        self.assertEqual(publish_due(now=lambda: self.moment), [self.due])
        self.assertEqual(Transition.objects.filter(article=earlier).count(), 1)

    def test_command_says_what_it_published_then_that_nothing_is_due(self):
        out = StringIO()
        with time_machine.travel(self.moment + timedelta(seconds=5), tick=False):
            call_command("publish_due", stdout=out)
            call_command("publish_due", stdout=out)
        due = timezone.localtime(self.moment)
        self.assertEqual(
            out.getvalue().splitlines(),
            [
                f"published article {self.due.pk} «خبر حان موعده» (due {due:%Y-%m-%d %H:%M})",
                "no scheduled articles are due",
            ],
        )

    def test_command_is_silent_at_verbosity_zero_when_nothing_is_due(self):
        out = StringIO()
        call_command("publish_due", verbosity=0, stdout=out)
        self.assertEqual(out.getvalue(), "")

    def test_command_reports_a_database_failure_without_a_traceback(self):
        failing = mock.patch(
            "articles.management.commands.publish_due.publish_due",
            side_effect=DatabaseError("no such table: articles_article"),
        )
        with failing, self.assertRaisesMessage(CommandError, "no such table: articles_article"):
            call_command("publish_due", stdout=StringIO())


class PreviewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer = make_user(WRITERS)
        cls.draft = make_article("مسودة سرية", status=Status.DRAFT, created_by=cls.writer)

    def preview(self, user=None):
        if user is not None:
            self.client.force_login(user)
        return self.client.get(self.draft.get_preview_url())

    def test_editor_previews_a_draft_with_the_banner(self):
        response = self.preview(make_user(EDITORS))
        self.assertContains(response, "مسودة سرية")
        self.assertContains(response, "معاينة")
        self.assertContains(response, '<meta name="robots" content="noindex, nofollow">')

    def test_writer_previews_own_draft_with_the_banner(self):
        response = self.preview(self.writer)
        self.assertContains(response, "مسودة سرية")
        self.assertContains(response, "معاينة")

    def test_other_writer_gets_404(self):
        self.assertEqual(self.preview(make_user(WRITERS)).status_code, 404)

    def test_moderator_gets_404(self):
        self.assertEqual(self.preview(make_user(MODERATORS)).status_code, 404)

    def test_anonymous_reader_gets_404(self):
        self.assertEqual(self.preview().status_code, 404)

    def test_draft_itself_is_404_for_readers(self):
        self.assertEqual(self.client.get(self.draft.get_absolute_url()).status_code, 404)

    def test_previewing_a_published_article_shows_the_public_page(self):
        live = make_article(created_by=self.writer)
        self.client.force_login(self.writer)
        response = self.client.get(live.get_preview_url())
        self.assertRedirects(response, live.get_absolute_url())

    def test_change_page_links_to_the_preview_of_an_unpublished_article(self):
        self.client.force_login(self.writer)
        self.assertContains(self.client.get(change_url(self.draft)), f'href="{self.draft.get_preview_url()}"')


class ModeratorTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.moderator = make_user(MODERATORS)
        cls.article = make_article("خبر قيد الإعداد", status=Status.DRAFT)

    def setUp(self):
        self.client.force_login(self.moderator)

    def test_moderator_views_the_change_page_read_only(self):
        response = self.client.get(change_url(self.article))
        self.assertContains(response, "خبر قيد الإعداد")
        self.assertNotContains(response, 'name="_save"')
        self.assertNotContains(response, 'name="_transition"')

    def test_moderator_cannot_save(self):
        before = row(self.article)
        response = self.client.post(change_url(self.article), form_data(self.article, title="تعديل"))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(row(self.article), before)

    def test_moderator_cannot_make_a_move(self):
        before = row(self.article)
        for action in ["submit", "publish"]:
            with self.subTest(action=action):
                response = self.client.post(
                    change_url(self.article), form_data(self.article, _transition=action)
                )
                self.assertEqual(response.status_code, 403)
                self.assertEqual(row(self.article), before)
                self.assertFalse(Transition.objects.exists())

    def test_moderator_has_no_actions(self):
        before = row(self.article)
        response = self.client.get(CHANGELIST_URL)
        self.assertNotContains(response, 'name="action"')
        self.client.post(
            CHANGELIST_URL, {"action": "publish", "_selected_action": [self.article.pk], "index": 0}
        )
        self.assertEqual(row(self.article), before)
