"""Two editors on one article: a save never silently overwrites another's, and each sees who
else has the article open."""

import html
import json
import re
import threading
import time
from datetime import UTC, datetime

from django.contrib.auth.models import Permission, User
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.test import Client, TestCase, TransactionTestCase, skipUnlessDBFeature
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import presence
from articles.models import Article, Transition
from newsroom.dates import format_date, format_time

from .factories import make_article

ADD_URL = reverse("admin:articles_article_add")
CHANGELIST_URL = reverse("admin:articles_article_changelist")
PRESENT = "يحرر هذا الخبر الآن أيضاً"


def make_staff(username: str, *, first_name: str = "", last_name: str = "", perms=("articles",)) -> User:
    user = User.objects.create_user(
        username, password="irrelevant", is_staff=True, first_name=first_name, last_name=last_name
    )
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=perms))
    return user


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def when(moment: datetime) -> str:
    """How the refusal tells the time: the site's zone (Damascus), Levantine month names."""
    return f"{format_date(moment)} الساعة {format_time(moment)}"


def form_data(page, **overrides) -> dict:
    """What the browser would send back from `page`, with the editor's typing in `overrides`."""
    form = page.context["adminform"].form
    article = form.instance
    pub_date = timezone.localtime(article.pub_date)
    data = {
        "loaded_version": form["loaded_version"].value(),
        "title": article.title,
        "slug": article.slug,
        "lead": article.lead,
        "body": article.body,
        "section": article.section_id,
        "tags": [tag.pk for tag in article.tags.all()],
        "new_tags": "",
        "featured_photo": "",
        "pub_date_0": f"{pub_date:%Y-%m-%d}",
        "pub_date_1": f"{pub_date:%H:%M:%S}",
        "_save": "احفظ",
    }
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(name): management[name].value() for name in management.fields})
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


class TwoEditorsTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.sara = make_staff("sara", first_name="سارة", last_name="الأحمد")
        cls.omar = make_staff("omar")  # no full name: the username stands in
        cls.article = make_article(
            "قصف على هجين",
            body="<p>النص الأصلي.</p>",
            status=Article.Status.DRAFT,
            tags=["هجين"],
        )

    def setUp(self):
        self.url = reverse("admin:articles_article_change", args=[self.article.pk])
        self.presence_url = reverse("article_presence", args=[self.article.pk])
        # Article ids come back after a rolled-back test, and the cache is not rolled back.
        cache.delete(presence.cache_key(self.article.pk))
        self.addCleanup(cache.delete, presence.cache_key(self.article.pk))
        self.as_sara = client_for(self.sara)
        self.as_omar = client_for(self.omar)

    def open(self, client):
        page = client.get(self.url)
        self.assertEqual(page.status_code, 200)
        return page

    def errors(self, response) -> list[str]:
        return response.context["adminform"].form.non_field_errors()


class LostUpdateTests(TwoEditorsTestCase):
    def both_open_then_sara_saves(self):
        sara_page, omar_page = self.open(self.as_sara), self.open(self.as_omar)
        saved = self.as_sara.post(self.url, form_data(sara_page, title="عنوان سارة", body="<p>نص سارة.</p>"))
        self.assertRedirects(saved, CHANGELIST_URL)
        return omar_page

    def test_change_page_carries_the_loaded_version(self):
        page = self.open(self.as_sara)
        token = self.article.updated.isoformat()
        self.assertContains(page, f'<input type="hidden" name="loaded_version" value="{token}"', html=False)

    def test_second_save_is_refused_naming_the_first_editor_and_time(self):
        omar_page = self.both_open_then_sara_saves()
        response = self.as_omar.post(
            self.url,
            form_data(omar_page, title="عنوان عمر", body="<p>نص عمر.</p>", new_tags="البوكمال، الميادين"),
        )

        self.assertEqual(response.status_code, 200)
        self.article.refresh_from_db()
        message = (
            f"عدّل «سارة الأحمد» هذا الخبر في {when(self.article.updated)} بعد أن فتحته. "
            "راجع التعديلات ثم احفظ مجدداً."
        )
        self.assertEqual(self.errors(response), [message])
        self.assertContains(response, message)
        # Omar loses nothing he typed...
        self.assertContains(response, 'value="عنوان عمر"')
        self.assertContains(response, html.escape("<p>نص عمر.</p>"))
        self.assertContains(response, 'value="البوكمال، الميادين"')
        # ...and Sara loses nothing she saved.
        self.assertEqual(self.article.title, "عنوان سارة")
        self.assertEqual(self.article.body, "<p>نص سارة.</p>")
        self.assertEqual(self.article.last_edited_by, self.sara)
        self.assertEqual(set(self.article.tags.names()), {"هجين"})

    def test_refusal_tells_damascus_time_with_levantine_month(self):
        omar_page = self.both_open_then_sara_saves()
        # 09:05 UTC is 12:05 in Damascus (UTC+3 all year since 2022).
        Article.objects.filter(pk=self.article.pk).update(updated=datetime(2025, 3, 1, 9, 5, tzinfo=UTC))
        response = self.as_omar.post(self.url, form_data(omar_page, title="عنوان عمر"))
        self.assertIn("في 1 آذار 2025 الساعة 12:05 بعد أن فتحته", self.errors(response)[0])

    def test_deliberate_resave_after_the_warning_goes_through(self):
        omar_page = self.both_open_then_sara_saves()
        refused = self.as_omar.post(self.url, form_data(omar_page, title="عنوان عمر"))
        self.article.refresh_from_db()
        # The re-rendered form now carries the version Omar was warned about.
        token = self.article.updated.isoformat()
        self.assertContains(refused, f'name="loaded_version" value="{token}"')

        again = self.as_omar.post(self.url, form_data(refused, title="عنوان عمر"))

        self.assertRedirects(again, CHANGELIST_URL)
        self.article.refresh_from_db()
        self.assertEqual(self.article.title, "عنوان عمر")
        self.assertEqual(self.article.last_edited_by, self.omar)

    def test_resave_is_refused_again_if_someone_saved_meanwhile(self):
        omar_page = self.both_open_then_sara_saves()
        refused = self.as_omar.post(self.url, form_data(omar_page, title="عنوان عمر"))
        self.as_sara.post(self.url, form_data(self.open(self.as_sara), title="عنوان سارة الثاني"))

        again = self.as_omar.post(self.url, form_data(refused, title="عنوان عمر"))

        self.assertEqual(again.status_code, 200)
        self.assertIn("«سارة الأحمد»", self.errors(again)[0])
        self.article.refresh_from_db()
        self.assertEqual(self.article.title, "عنوان سارة الثاني")

    def test_editor_saving_twice_in_a_row_is_not_refused(self):
        page = self.open(self.as_sara)
        kept = self.as_sara.post(self.url, form_data(page, title="الأول", _save=None, _continue="1"))
        self.assertRedirects(kept, self.url)
        saved = self.as_sara.post(self.url, form_data(self.open(self.as_sara), title="الثاني"))
        self.assertRedirects(saved, CHANGELIST_URL)
        self.article.refresh_from_db()
        self.assertEqual(self.article.title, "الثاني")

    def test_refused_save_names_username_when_there_is_no_full_name(self):
        sara_page, omar_page = self.open(self.as_sara), self.open(self.as_omar)
        self.as_omar.post(self.url, form_data(omar_page, title="عنوان عمر"))
        response = self.as_sara.post(self.url, form_data(sara_page, title="عنوان سارة"))
        self.assertIn("عدّل «omar» هذا الخبر", self.errors(response)[0])

    def test_post_without_token_is_refused_then_can_be_saved_deliberately(self):
        page = self.open(self.as_omar)
        response = self.as_omar.post(self.url, form_data(page, title="عنوان عمر", loaded_version=None))

        self.assertEqual(response.status_code, 200)
        [error] = self.errors(response)
        self.assertIn("تعذّر التحقق من أنك تعدّل آخر نسخة من هذا الخبر", error)
        self.assertIn(when(self.article.updated), error)
        self.article.refresh_from_db()
        self.assertEqual(self.article.title, "قصف على هجين")

        again = self.as_omar.post(self.url, form_data(response, title="عنوان عمر"))
        self.assertRedirects(again, CHANGELIST_URL)

    def test_garbled_or_naive_token_is_refused(self):
        page = self.open(self.as_omar)
        naive = self.article.updated.replace(tzinfo=None).isoformat()
        for token in ["", "yesterday", naive]:
            with self.subTest(token=token):
                response = self.as_omar.post(self.url, form_data(page, title="عنوان", loaded_version=token))
                self.assertEqual(response.status_code, 200)
                self.assertIn("تعذّر التحقق", self.errors(response)[0])
        self.article.refresh_from_db()
        self.assertEqual(self.article.title, "قصف على هجين")

    def test_workflow_button_on_a_stale_form_is_refused_before_the_move(self):
        omar_page = self.both_open_then_sara_saves()
        response = self.as_omar.post(
            self.url, form_data(omar_page, title="عنوان عمر", _save=None, _transition="publish")
        )

        self.assertEqual(response.status_code, 200)
        self.assertIn("«سارة الأحمد»", self.errors(response)[0])
        self.article.refresh_from_db()
        self.assertEqual(self.article.status, Article.Status.DRAFT)
        self.assertEqual(self.article.title, "عنوان سارة")
        self.assertFalse(Transition.objects.filter(article=self.article).exists())

    def test_a_move_from_the_changelist_names_who_made_it(self):
        # The changelist action does not set last_edited_by; the refusal must not blame
        # whoever edited the text last.
        omar_page = self.open(self.as_omar)
        self.as_sara.post(CHANGELIST_URL, {"action": "publish", "_selected_action": [self.article.pk]})
        self.article.refresh_from_db()
        self.assertEqual(self.article.status, Article.Status.PUBLISHED)

        response = self.as_omar.post(self.url, form_data(omar_page, title="عنوان عمر"))

        self.assertIn("عدّل «سارة الأحمد» هذا الخبر", self.errors(response)[0])
        self.article.refresh_from_db()
        self.assertEqual(self.article.title, "قصف على هجين")

    def test_adding_an_article_needs_no_token(self):
        data = form_data(self.open(self.as_sara), title="خبر جديد", slug="", loaded_version=None)
        data.update({"corrections-INITIAL_FORMS": "0", "transitions-INITIAL_FORMS": "0"})
        response = self.as_sara.post(ADD_URL, data)
        self.assertRedirects(response, CHANGELIST_URL)
        self.assertTrue(Article.objects.filter(title="خبر جديد").exists())

    def test_restoring_an_old_version_still_works(self):
        # Reversion's restore page reuses the form with its own template, which has no token.
        first = self.open(self.as_sara)
        self.as_sara.post(self.url, form_data(first, title="النسخة الأولى", _save=None, _continue="1"))
        self.as_sara.post(self.url, form_data(self.open(self.as_sara), title="النسخة الثانية"))
        version = Version.objects.get_for_object(self.article).get(object_repr="النسخة الأولى")
        revision_url = reverse("admin:articles_article_revision", args=[self.article.pk, version.pk])

        restore_page = self.as_omar.get(revision_url)
        self.assertNotContains(restore_page, 'name="loaded_version"')
        response = self.as_omar.post(revision_url, form_data(restore_page, loaded_version=None))

        self.assertRedirects(response, CHANGELIST_URL)
        self.article.refresh_from_db()
        self.assertEqual(self.article.title, "النسخة الأولى")
        self.assertEqual(self.article.last_edited_by, self.omar)


class PresenceNoticeTests(TwoEditorsTestCase):
    def notice(self, page) -> list[str]:
        self.assertContains(page, f'data-url="{self.presence_url}"')
        return page.context["presence_others"]

    def notice_is_hidden(self, page) -> bool:
        opening = re.search(r'<div id="article-presence"[^>]*>', page.content.decode())
        self.assertIsNotNone(opening, "the page has no presence notice for the script to fill")
        return opening.group(0).endswith(" hidden>")

    def test_editor_alone_sees_no_notice(self):
        self.open(self.as_sara)
        page = self.open(self.as_sara)  # her own earlier visit does not count
        self.assertEqual(self.notice(page), [])
        self.assertTrue(self.notice_is_hidden(page))

    def test_second_editor_sees_the_first(self):
        self.open(self.as_sara)
        page = self.open(self.as_omar)
        self.assertEqual(self.notice(page), ["سارة الأحمد"])
        self.assertContains(page, f"{PRESENT}: <span data-names>سارة الأحمد</span>")
        self.assertFalse(self.notice_is_hidden(page))

    def test_first_editor_sees_the_second_after_reloading(self):
        self.open(self.as_sara)
        self.open(self.as_omar)
        self.assertEqual(self.notice(self.open(self.as_sara)), ["omar"])

    def test_someone_not_seen_for_the_expiry_is_gone(self):
        long_ago = time.time() - presence.PRESENCE_SECONDS - 1
        presence.touch(article_pk=self.article.pk, user=self.sara, now=long_ago)
        self.assertEqual(self.notice(self.open(self.as_omar)), [])

    def test_someone_seen_just_within_the_expiry_is_still_there(self):
        recently = time.time() - presence.PRESENCE_SECONDS + 5
        presence.touch(article_pk=self.article.pk, user=self.sara, now=recently)
        self.assertEqual(self.notice(self.open(self.as_omar)), ["سارة الأحمد"])

    def test_notice_loads_the_heartbeat_script(self):
        self.assertContains(self.open(self.as_sara), "articles/presence.js")

    def test_add_page_has_no_notice(self):
        self.assertNotContains(self.as_sara.get(ADD_URL), "article-presence")

    def test_refused_save_page_still_shows_who_is_there(self):
        self.open(self.as_sara)
        page = self.open(self.as_omar)
        response = self.as_omar.post(self.url, form_data(page, loaded_version=None))
        self.assertEqual(self.notice(response), ["سارة الأحمد"])


class PresenceClockTests(TwoEditorsTestCase):
    def test_heartbeat_keeps_an_editor_present(self):
        start = time.time()
        presence.touch(article_pk=self.article.pk, user=self.sara, now=start)
        presence.touch(article_pk=self.article.pk, user=self.sara, now=start + 60)
        others = presence.others_present(article_pk=self.article.pk, user=self.omar, now=start + 120)
        self.assertEqual(others, ["سارة الأحمد"])
        later = start + 60 + presence.PRESENCE_SECONDS
        self.assertEqual(presence.others_present(article_pk=self.article.pk, user=self.omar, now=later), [])

    def test_expired_entries_are_dropped_from_the_cache(self):
        start = time.time()
        presence.touch(article_pk=self.article.pk, user=self.sara, now=start - presence.PRESENCE_SECONDS)
        presence.touch(article_pk=self.article.pk, user=self.omar, now=start)
        self.assertEqual(list(cache.get(presence.cache_key(self.article.pk))), [self.omar.pk])

    def test_others_are_listed_in_order_of_arrival(self):
        third = make_staff("huda", first_name="هدى")
        presence.touch(article_pk=self.article.pk, user=self.omar)
        presence.touch(article_pk=self.article.pk, user=self.sara)
        presence.touch(article_pk=self.article.pk, user=self.omar)
        self.assertEqual(presence.touch(article_pk=self.article.pk, user=third), ["omar", "سارة الأحمد"])


class HeartbeatEndpointTests(TwoEditorsTestCase):
    def test_returns_the_others_present(self):
        self.open(self.as_sara)
        response = self.as_omar.post(self.presence_url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(json.loads(response.content), {"others": ["سارة الأحمد"]})
        # ...and counts Omar in for Sara.
        self.assertEqual(json.loads(self.as_sara.post(self.presence_url).content), {"others": ["omar"]})

    def test_leaving_takes_the_editor_off_the_list(self):
        self.open(self.as_sara)
        self.as_sara.post(self.presence_url, {"leave": "1"})
        self.assertEqual(json.loads(self.as_omar.post(self.presence_url).content), {"others": []})

    def test_get_is_not_allowed(self):
        self.assertEqual(self.as_omar.get(self.presence_url).status_code, 405)

    def test_anonymous_is_refused(self):
        self.assertEqual(Client().post(self.presence_url).status_code, 403)

    def test_logged_in_reader_who_is_not_staff_is_refused(self):
        reader = User.objects.create_user("reader", password="irrelevant")
        self.assertEqual(client_for(reader).post(self.presence_url).status_code, 403)

    def test_staff_without_article_permissions_is_refused(self):
        outsider = make_staff("outsider", perms=("sections",))
        self.assertEqual(client_for(outsider).post(self.presence_url).status_code, 403)

    def test_writer_cannot_see_someone_elses_article(self):
        writer = make_staff("writer")
        writer.user_permissions.remove(Permission.objects.get(codename="edit_any_article"))
        self.assertEqual(client_for(writer).post(self.presence_url).status_code, 404)
        self.assertIsNone(cache.get(presence.cache_key(self.article.pk)))

    def test_unknown_article_is_404(self):
        url = reverse("article_presence", args=[self.article.pk + 1000])
        self.assertEqual(self.as_omar.post(url).status_code, 404)

    def test_csrf_token_is_required(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.omar)
        self.assertEqual(client.post(self.presence_url).status_code, 403)
        client.get(self.url)  # sets the CSRF cookie, as opening the page does
        token = client.cookies["csrftoken"].value
        self.assertEqual(client.post(self.presence_url, HTTP_X_CSRFTOKEN=token).status_code, 200)


@skipUnlessDBFeature("has_select_for_update")
class RacingSavesTests(TransactionTestCase):
    """Two saves at the same moment: the check and the write must not interleave."""

    def test_save_arriving_while_another_is_being_written_is_refused(self):
        sara = make_staff("sara", first_name="سارة", last_name="الأحمد")
        omar = make_staff("omar")
        article = make_article("قصف على هجين", status=Article.Status.DRAFT)
        self.addCleanup(cache.delete, presence.cache_key(article.pk))
        url = reverse("admin:articles_article_change", args=[article.pk])
        as_omar = client_for(omar)
        data = form_data(as_omar.get(url), title="عنوان عمر")
        responses = []

        def omar_saves():
            try:
                responses.append(as_omar.post(url, data))
            finally:
                connections.close_all()

        # Sara's save is under way (row written, not yet committed) when Omar's arrives.
        with transaction.atomic():
            Article.objects.select_for_update().get(pk=article.pk)
            Article.objects.filter(pk=article.pk).update(
                title="عنوان سارة", last_edited_by=sara, updated=timezone.now()
            )
            omar_thread = threading.Thread(target=omar_saves)
            omar_thread.start()
            self.wait_until_someone_waits_for_a_lock()
        omar_thread.join(timeout=30)

        [response] = responses
        self.assertEqual(response.status_code, 200)
        self.assertIn("عدّل «سارة الأحمد» هذا الخبر", response.context["adminform"].form.non_field_errors()[0])
        article.refresh_from_db()
        self.assertEqual(article.title, "عنوان سارة")

    def wait_until_someone_waits_for_a_lock(self):
        # Polls PostgreSQL's lock table rather than sleeping a guessed while: is any session
        # waiting for a lock this one holds? (pg_locks is read live; pg_stat_activity would be
        # frozen for the rest of this transaction at its first read.)
        deadline = time.monotonic() + 10
        with connection.cursor() as cursor:
            while time.monotonic() < deadline:
                cursor.execute(
                    "SELECT count(*) FROM pg_locks"
                    " WHERE NOT granted AND pg_backend_pid() = ANY(pg_blocking_pids(pid))"
                )
                if cursor.fetchone()[0]:
                    return
                time.sleep(0.01)
        self.fail("Omar's save never waited for Sara's: the check does not lock the row")
