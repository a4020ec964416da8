"""The desk's calendar of scheduled and planned articles, and the admin index's dashboard."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine
from django.contrib.auth.models import Group, Permission, User
from django.contrib.messages import ERROR, SUCCESS
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Transition
from editorial.roles import EDITORS, MODERATORS, WRITERS
from editorial.services import article_replan, article_reschedule

from .factories import make_article, make_section

DAMASCUS = ZoneInfo("Asia/Damascus")
# A Thursday. May 2026 starts on a Friday and ends on a Sunday, so its Saturday-first grid
# runs from Saturday 25 April to Friday 5 June.
NOW = datetime(2026, 5, 14, 10, 0, tzinfo=DAMASCUS)
CALENDAR_URL = reverse("editorial:calendar")
INDEX_URL = reverse("admin:index")
CHANGELIST_URL = reverse("admin:articles_article_changelist")

Status = Article.Status


def damascus(*args) -> datetime:
    return datetime(*args, tzinfo=DAMASCUS)


def make_user(username: str, role: str | None = None, **fields) -> User:
    user = User.objects.create_user(username, password="irrelevant", is_staff=True, **fields)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def day_titles(response, iso_day: str) -> list[str]:
    """The titles the calendar shows on one day, in order."""
    for week in response.context["weeks"]:
        for day in week:
            if day.day.isoformat() == iso_day:
                return [entry.article.title for entry in day.entries]
    raise AssertionError(f"{iso_day} is not on the page")


def cell_html(response, iso_day: str) -> str:
    """The HTML of one day's cell (month) or column (week)."""
    match = re.search(
        rf'<(td|li) class="day[^"]*" data-date="{iso_day}".*?</\1>\s*(?=<(?:td|li) class="day|</tr>|</ol>)',
        response.content.decode(),
        re.S,
    )
    assert match, f"no cell for {iso_day}"
    return match.group(0)


def messages_of(response, level: int) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level == level]


@time_machine.travel(NOW, tick=False)
class CalendarTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor", EDITORS)
        cls.writer = make_user("writer", WRITERS)
        cls.other_writer = make_user("other_writer", WRITERS)
        cls.section = make_section("أخبار سوريا")
        cls.session = make_article(
            "جلسة مجلس الشعب",
            section=cls.section,
            status=Status.SCHEDULED,
            pub_date=damascus(2026, 5, 20, 9, 15),
            created_by=cls.other_writer,
        )
        # 23:30 in Damascus is 20:30 UTC the same day; 00:30 on the 1st is 21:30 UTC the day
        # before. Either would land on the wrong day if the calendar grouped by UTC dates.
        cls.late = make_article(
            "حصاد آخر الشهر",
            section=cls.section,
            status=Status.SCHEDULED,
            pub_date=damascus(2026, 5, 31, 23, 30),
        )
        cls.early = make_article(
            "نشرة الفجر",
            section=cls.section,
            status=Status.SCHEDULED,
            pub_date=damascus(2026, 6, 1, 0, 30),
        )
        cls.draft = make_article(
            "تحقيق عن أسعار الخبز",
            section=cls.section,
            status=Status.DRAFT,
            planned_for=date(2026, 5, 15),
            created_by=cls.writer,
        )
        cls.in_review = make_article(
            "مقابلة مع محافظ حلب",
            section=cls.section,
            status=Status.REVIEW,
            planned_for=date(2026, 5, 15),
            created_by=cls.other_writer,
        )
        cls.unplanned = make_article("مسودة بلا موعد", section=cls.section, status=Status.DRAFT)
        cls.published = make_article("خبر منشور", section=cls.section, pub_date=damascus(2026, 5, 13, 12, 0))
        cls.planned_but_published = make_article(
            "منشور وكان مخططاً",
            section=cls.section,
            pub_date=damascus(2026, 5, 12, 12, 0),
            planned_for=date(2026, 5, 16),
        )

    def setUp(self):
        self.client.force_login(self.editor)


class CalendarMonthTests(CalendarTestCase):
    def test_month_shows_scheduled_and_planned_articles_on_their_days(self):
        response = self.client.get(CALENDAR_URL, {"month": "2026-05"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(day_titles(response, "2026-05-20"), ["جلسة مجلس الشعب"])
        self.assertEqual(day_titles(response, "2026-05-15"), ["تحقيق عن أسعار الخبز", "مقابلة مع محافظ حلب"])
        self.assertNotContains(response, "مسودة بلا موعد")
        self.assertNotContains(response, "خبر منشور")
        self.assertNotContains(response, "منشور وكان مخططاً")

    def test_late_evening_article_stays_on_the_last_day_of_its_month(self):
        may = self.client.get(CALENDAR_URL, {"month": "2026-05"})
        self.assertEqual(day_titles(may, "2026-05-31"), ["حصاد آخر الشهر"])
        self.assertIn("23:30", cell_html(may, "2026-05-31"))
        # June's grid starts on Saturday 30 May: the article is in May's cell there too.
        june = self.client.get(CALENDAR_URL, {"month": "2026-06"})
        self.assertEqual(day_titles(june, "2026-05-31"), ["حصاد آخر الشهر"])
        self.assertEqual(day_titles(june, "2026-06-01"), ["نشرة الفجر"])
        self.assertIn("other-month", cell_html(june, "2026-05-31").split(">")[0])

    def test_after_midnight_article_is_on_the_first_of_the_next_month(self):
        response = self.client.get(CALENDAR_URL, {"month": "2026-06"})
        cell = cell_html(response, "2026-06-01")
        self.assertIn("نشرة الفجر", cell)
        self.assertIn("00:30", cell)

    def test_grid_is_seven_columns_starting_on_saturday(self):
        response = self.client.get(CALENDAR_URL, {"month": "2026-05"})
        weeks = response.context["weeks"]
        self.assertEqual([len(week) for week in weeks], [7] * 6)
        self.assertEqual(weeks[0][0].day, date(2026, 4, 25))
        self.assertEqual(weeks[-1][-1].day, date(2026, 6, 5))
        self.assertTrue(all(week[0].day.weekday() == 5 for week in weeks))  # Saturday
        grid = response.content.decode().split('<table class="calendar-month">')[1]
        headers = re.findall(r'<th scope="col">([^<]+)</th>', grid.split("</thead>")[0])
        self.assertEqual(headers, ["السبت", "الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة"])

    def test_heading_uses_the_levantine_month_name(self):
        response = self.client.get(CALENDAR_URL, {"month": "2026-05"})
        self.assertContains(response, '<h2 id="calendar-heading">أيار 2026</h2>', html=True)
        february = self.client.get(CALENDAR_URL, {"month": "2027-02"})
        self.assertContains(february, "شباط 2027")

    def test_today_is_highlighted(self):
        response = self.client.get(CALENDAR_URL)
        cell = cell_html(response, "2026-05-14")
        self.assertIn("today", cell.split(">")[0])
        self.assertIn('aria-current="date"', cell)
        self.assertContains(response, 'aria-current="date"', count=1)

    def test_previous_and_next_months_are_linked(self):
        response = self.client.get(CALENDAR_URL, {"month": "2026-01"})
        self.assertContains(response, "كانون الثاني 2026")
        self.assertContains(response, f"{CALENDAR_URL}?view=month&amp;month=2025-12")
        self.assertContains(response, f"{CALENDAR_URL}?view=month&amp;month=2026-02")

    def test_entries_say_their_status_in_words(self):
        response = self.client.get(CALENDAR_URL, {"month": "2026-05"})
        scheduled = cell_html(response, "2026-05-20")
        self.assertIn('<time datetime="2026-05-20T09:15:00+03:00">09:15</time>', scheduled)
        self.assertIn("مجدول", scheduled)
        planned = cell_html(response, "2026-05-15")
        self.assertIn("مخطط · مسودة", planned)
        self.assertIn("مخطط · بانتظار المراجعة", planned)
        self.assertNotIn("<time", planned)

    def test_entries_link_to_their_change_pages_for_editors(self):
        response = self.client.get(CALENDAR_URL, {"month": "2026-05"})
        for article in (self.session, self.late, self.draft, self.in_review):
            self.assertContains(response, reverse("admin:articles_article_change", args=[article.pk]))

    def test_page_is_the_arabic_admin_with_breadcrumbs(self):
        response = self.client.get(CALENDAR_URL)
        self.assertContains(response, '<html lang="ar" dir="rtl">')
        self.assertContains(response, '<div class="breadcrumbs">')
        self.assertContains(response, f'<a href="{INDEX_URL}">الرئيسية</a>')
        self.assertContains(response, "تقويم التحرير")
        self.assertContains(response, "editorial/admin.css")

    def test_malformed_parameters_fall_back_to_today(self):
        for params in [
            {"date": "2026-13-45"},
            {"view": "foo"},
            {"month": "abc"},
            {"month": "2026-13"},
            {"month": "99999-01"},
            {"date": "0001-01-01"},
            {"date": "9999-12-31"},
            {"month": "2026-05-01"},
            {"view": ["week", "month"], "date": "\x00"},
        ]:
            with self.subTest(params=params):
                response = self.client.get(CALENDAR_URL, params)
                self.assertEqual(response.status_code, 200)
                self.assertIn(
                    "2026-05-14", {day.day.isoformat() for week in response.context["weeks"] for day in week}
                )

    def test_articles_are_read_in_one_query_however_many_days_hold_them(self):
        with CaptureQueriesContext(connection) as few:
            self.client.get(CALENDAR_URL, {"month": "2026-05"})
        for day in range(1, 29):
            make_article(status=Status.SCHEDULED, section=self.section, pub_date=damascus(2026, 5, day, 8, 0))
            make_article(status=Status.DRAFT, section=self.section, planned_for=date(2026, 5, day))
        with self.assertNumQueries(len(few)):
            response = self.client.get(CALENDAR_URL, {"month": "2026-05"})
        self.assertEqual(len(day_titles(response, "2026-05-20")), 3)
        article_queries = [q for q in few.captured_queries if "articles_article" in q["sql"]]
        self.assertEqual(len(article_queries), 1)


class CalendarWeekTests(CalendarTestCase):
    def test_week_runs_saturday_to_friday_around_the_date(self):
        response = self.client.get(CALENDAR_URL, {"view": "week", "date": "2026-05-20"})
        days = response.context["weeks"][0]
        self.assertEqual([d.day for d in days][0], date(2026, 5, 16))
        self.assertEqual([d.day for d in days][-1], date(2026, 5, 22))
        self.assertEqual(len(response.context["weeks"]), 1)
        self.assertContains(response, "الأسبوع من 16 أيار 2026 إلى 22 أيار 2026")
        self.assertIn("السبت", cell_html(response, "2026-05-16"))
        self.assertIn("09:15", cell_html(response, "2026-05-20"))
        self.assertIn("جلسة مجلس الشعب", cell_html(response, "2026-05-20"))

    def test_week_across_two_months_keeps_each_article_on_its_local_day(self):
        response = self.client.get(CALENDAR_URL, {"view": "week", "date": "2026-06-01"})
        self.assertEqual(day_titles(response, "2026-05-31"), ["حصاد آخر الشهر"])
        self.assertEqual(day_titles(response, "2026-06-01"), ["نشرة الفجر"])

    def test_week_links_to_previous_and_next_weeks_and_its_month(self):
        response = self.client.get(CALENDAR_URL, {"view": "week", "date": "2026-05-20"})
        self.assertContains(response, f"{CALENDAR_URL}?view=week&amp;date=2026-05-09")
        self.assertContains(response, f"{CALENDAR_URL}?view=week&amp;date=2026-05-23")
        self.assertContains(response, f"{CALENDAR_URL}?view=month&amp;month=2026-05")

    def test_malformed_week_date_shows_this_week(self):
        for value in ["abc", "2026-02-30", "20260520", ""]:
            with self.subTest(date=value):
                response = self.client.get(CALENDAR_URL, {"view": "week", "date": value})
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.context["weeks"][0][0].day, date(2026, 5, 9))
                self.assertIn("today", cell_html(response, "2026-05-14").split(">")[0])


class CalendarPermissionTests(CalendarTestCase):
    def test_anonymous_and_non_staff_are_sent_to_the_admin_login(self):
        self.client.logout()
        response = self.client.get(CALENDAR_URL)
        self.assertRedirects(response, f"{reverse('admin:login')}?next={CALENDAR_URL}")
        reader = User.objects.create_user("reader", password="irrelevant")
        self.client.force_login(reader)
        response = self.client.get(CALENDAR_URL)
        self.assertRedirects(response, f"{reverse('admin:login')}?next={CALENDAR_URL}")

    def test_staff_who_may_not_view_articles_are_refused(self):
        self.client.force_login(make_user("accountant"))
        self.assertEqual(self.client.get(CALENDAR_URL).status_code, 403)

    def test_writers_see_the_whole_desk_but_open_only_their_own(self):
        self.client.force_login(self.writer)
        response = self.client.get(CALENDAR_URL, {"month": "2026-05"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "جلسة مجلس الشعب")
        self.assertContains(response, "مقابلة مع محافظ حلب")
        self.assertContains(response, reverse("admin:articles_article_change", args=[self.draft.pk]))
        for article in (self.session, self.in_review, self.late):
            self.assertNotContains(response, reverse("admin:articles_article_change", args=[article.pk]))
        self.assertNotContains(response, f'<form method="post" action="{reverse("admin:index")}editorial/')
        self.assertNotContains(response, "تغيير الموعد")

    def test_every_link_a_writer_gets_opens(self):
        # Their own scheduled article is no longer theirs to change, but the admin still shows
        # it to them read-only, so the calendar links it.
        own_scheduled = make_article(
            "خبر الكاتب المجدول",
            section=self.section,
            status=Status.SCHEDULED,
            pub_date=damascus(2026, 5, 18, 9, 0),
            created_by=self.writer,
        )
        self.client.force_login(self.writer)
        calendar = self.client.get(CALENDAR_URL, {"month": "2026-05"})
        links = re.findall(r'href="([^"]+/articles/article/\d+/change/)"', calendar.content.decode())
        self.assertCountEqual(
            links,
            [reverse("admin:articles_article_change", args=[a.pk]) for a in (self.draft, own_scheduled)],
        )
        for link in links:
            with self.subTest(link=link):
                self.assertEqual(self.client.get(link).status_code, 200)

    def test_moderators_see_the_calendar_read_only(self):
        self.client.force_login(make_user("moderator", MODERATORS))
        response = self.client.get(CALENDAR_URL, {"month": "2026-05"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "جلسة مجلس الشعب")
        self.assertNotContains(response, "تغيير الموعد")

    def test_editors_get_a_move_form_per_entry(self):
        response = self.client.get(CALENDAR_URL, {"month": "2026-05"})
        cell = cell_html(response, "2026-05-20")
        self.assertIn(reverse("editorial:reschedule", args=[self.session.pk]), cell)
        self.assertIn('type="datetime-local"', cell)
        self.assertIn('value="2026-05-20T09:15"', cell)
        self.assertIn("csrfmiddlewaretoken", cell)
        self.assertIn(">نقل</button>", cell)
        planned = cell_html(response, "2026-05-15")
        self.assertIn(reverse("editorial:replan", args=[self.draft.pk]), planned)
        self.assertIn('type="date"', planned)
        self.assertIn('value="2026-05-15"', planned)


class RescheduleTests(CalendarTestCase):
    back = f"{CALENDAR_URL}?view=week&date=2026-05-20"

    def reschedule(self, article, when, **extra):
        url = reverse("editorial:reschedule", args=[article.pk])
        return self.client.post(url, {"when": when, "next": self.back, **extra}, follow=True)

    def test_editor_moves_a_scheduled_article_and_the_move_is_recorded(self):
        response = self.reschedule(self.session, "2026-05-21T08:00")
        self.assertRedirects(response, self.back)
        self.session.refresh_from_db()
        self.assertEqual(self.session.pub_date, damascus(2026, 5, 21, 8, 0))
        self.assertEqual(self.session.status, Status.SCHEDULED)
        transition = Transition.objects.get(article=self.session)
        self.assertEqual(
            (transition.from_status, transition.to_status, transition.by),
            (Status.SCHEDULED, Status.SCHEDULED, self.editor),
        )
        self.assertEqual(transition.note, "نُقل الموعد من 20 أيار 2026 09:15 إلى 21 أيار 2026 08:00")
        self.assertEqual(
            messages_of(response, SUCCESS), ["«جلسة مجلس الشعب»: موعد نشره الآن 21 أيار 2026 الساعة 08:00."]
        )
        self.assertEqual(day_titles(response, "2026-05-21"), ["جلسة مجلس الشعب"])
        self.assertEqual(day_titles(response, "2026-05-20"), [])

    def test_history_on_the_change_page_shows_who_moved_it(self):
        self.reschedule(self.session, "2026-05-21T08:00")
        response = self.client.get(reverse("admin:articles_article_change", args=[self.session.pk]))
        self.assertContains(response, "نُقل الموعد من 20 أيار 2026 09:15 إلى 21 أيار 2026 08:00")

    def test_a_past_time_is_refused_with_a_message(self):
        response = self.reschedule(self.session, "2026-05-14T09:59")
        self.assertRedirects(response, self.back)
        self.assertEqual(messages_of(response, ERROR), ["اختر موعداً في المستقبل: لا يُجدول خبر لوقت مضى."])
        self.session.refresh_from_db()
        self.assertEqual(self.session.pub_date, damascus(2026, 5, 20, 9, 15))
        self.assertFalse(Transition.objects.exists())

    def test_a_malformed_time_is_refused_with_a_message(self):
        for value in ["", "tomorrow", "2026-05-32T10:00"]:
            with self.subTest(when=value):
                response = self.reschedule(self.session, value)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(len(messages_of(response, ERROR)), 1)
        self.session.refresh_from_db()
        self.assertEqual(self.session.pub_date, damascus(2026, 5, 20, 9, 15))

    def test_an_article_no_longer_scheduled_is_not_moved(self):
        response = self.reschedule(self.published, "2026-05-21T08:00")
        self.assertEqual(len(messages_of(response, ERROR)), 1)
        self.published.refresh_from_db()
        self.assertEqual(self.published.pub_date, damascus(2026, 5, 13, 12, 0))

    def test_writer_crafting_a_post_is_refused_and_nothing_changes(self):
        own = make_article(
            "خبر الكاتب المجدول",
            section=self.section,
            status=Status.SCHEDULED,
            pub_date=damascus(2026, 5, 18, 9, 0),
            created_by=self.writer,
        )
        self.client.force_login(self.writer)
        for article in (own, self.session):
            with self.subTest(article=article.title):
                url = reverse("editorial:reschedule", args=[article.pk])
                response = self.client.post(url, {"when": "2026-05-25T08:00"})
                self.assertEqual(response.status_code, 403)
        own.refresh_from_db()
        self.session.refresh_from_db()
        self.assertEqual(own.pub_date, damascus(2026, 5, 18, 9, 0))
        self.assertEqual(self.session.pub_date, damascus(2026, 5, 20, 9, 15))
        response = self.client.post(reverse("editorial:replan", args=[self.draft.pk]), {"day": "2026-05-25"})
        self.assertEqual(response.status_code, 403)
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.planned_for, date(2026, 5, 15))
        self.assertFalse(Transition.objects.exists())

    def test_only_post_is_accepted(self):
        response = self.client.get(reverse("editorial:reschedule", args=[self.session.pk]))
        self.assertEqual(response.status_code, 405)

    def test_a_post_without_the_csrf_token_is_refused(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.editor)
        url = reverse("editorial:reschedule", args=[self.session.pk])
        self.assertEqual(client.post(url, {"when": "2026-05-21T08:00"}).status_code, 403)
        self.session.refresh_from_db()
        self.assertEqual(self.session.pub_date, damascus(2026, 5, 20, 9, 15))

    def test_an_unknown_article_is_404(self):
        self.assertEqual(self.client.post(reverse("editorial:reschedule", args=[999999])).status_code, 404)

    def test_next_pointing_elsewhere_returns_to_the_calendar(self):
        url = reverse("editorial:reschedule", args=[self.session.pk])
        response = self.client.post(url, {"when": "2026-05-21T08:00", "next": "https://evil.example/"})
        self.assertRedirects(response, CALENDAR_URL)


class ReplanTests(CalendarTestCase):
    def replan(self, article, day):
        url = reverse("editorial:replan", args=[article.pk])
        return self.client.post(url, {"day": day, "next": f"{CALENDAR_URL}?month=2026-05"}, follow=True)

    def test_editor_moves_a_planned_draft_and_the_move_is_recorded(self):
        response = self.replan(self.draft, "2026-05-18")
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.planned_for, date(2026, 5, 18))
        self.assertEqual(self.draft.status, Status.DRAFT)
        transition = Transition.objects.get(article=self.draft)
        self.assertEqual((transition.from_status, transition.to_status), (Status.DRAFT, Status.DRAFT))
        self.assertEqual(transition.by, self.editor)
        self.assertEqual(transition.note, "نُقل الموعد المخطط من 15 أيار 2026 إلى 18 أيار 2026")
        self.assertEqual(day_titles(response, "2026-05-18"), ["تحقيق عن أسعار الخبز"])
        self.assertEqual(len(messages_of(response, SUCCESS)), 1)

    def test_an_article_in_review_keeps_its_status(self):
        self.replan(self.in_review, "2026-05-14")
        self.in_review.refresh_from_db()
        self.assertEqual(
            (self.in_review.planned_for, self.in_review.status), (date(2026, 5, 14), Status.REVIEW)
        )

    def test_a_past_day_is_refused_with_a_message(self):
        response = self.replan(self.draft, "2026-05-13")
        self.assertEqual(messages_of(response, ERROR), ["اختر يوماً من اليوم فصاعداً: لا يُخطط خبر ليوم مضى."])
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.planned_for, date(2026, 5, 15))
        self.assertFalse(Transition.objects.exists())

    def test_a_scheduled_article_is_not_replanned(self):
        response = self.replan(self.session, "2026-05-25")
        self.assertEqual(len(messages_of(response, ERROR)), 1)
        self.session.refresh_from_db()
        self.assertIsNone(self.session.planned_for)


class RescheduleServiceTests(CalendarTestCase):
    def test_the_service_itself_refuses_users_without_the_publish_permission(self):
        with self.assertRaises(PermissionDenied):
            article_reschedule(article=self.session, user=self.writer, when=damascus(2026, 5, 25, 8, 0))
        with self.assertRaises(PermissionDenied):
            article_replan(article=self.draft, user=self.writer, day=date(2026, 5, 25))
        self.assertFalse(Transition.objects.exists())

    def test_an_article_published_since_the_calendar_was_drawn_is_not_moved(self):
        stale = Article.objects.get(pk=self.session.pk)
        Article.objects.filter(pk=self.session.pk).update(status=Status.PUBLISHED)
        with self.assertRaises(ValidationError):
            article_reschedule(article=stale, user=self.editor, when=damascus(2026, 5, 25, 8, 0))
        self.assertEqual(Article.objects.get(pk=self.session.pk).pub_date, damascus(2026, 5, 20, 9, 15))

    def test_only_the_date_is_saved_not_a_stale_copy_of_the_text(self):
        stale = Article.objects.get(pk=self.session.pk)
        Article.objects.filter(pk=self.session.pk).update(title="عنوان عدّله محرر آخر")
        article_reschedule(article=stale, user=self.editor, when=damascus(2026, 5, 25, 8, 0))
        fresh = Article.objects.get(pk=self.session.pk)
        self.assertEqual((fresh.title, fresh.pub_date), ("عنوان عدّله محرر آخر", damascus(2026, 5, 25, 8, 0)))


@time_machine.travel(NOW, tick=False)
class DashboardTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor", EDITORS)
        cls.writer = make_user("writer", WRITERS)
        cls.other_writer = make_user("other_writer", WRITERS)
        section = make_section()
        cls.my_draft = make_article(
            "مسودتي الأولى", section=section, status=Status.DRAFT, created_by=cls.writer
        )
        cls.others_draft = make_article(
            "مسودة زميل", section=section, status=Status.DRAFT, created_by=cls.other_writer
        )
        cls.my_review = make_article(
            "تقريري بانتظار المراجعة", section=section, status=Status.REVIEW, created_by=cls.writer
        )
        cls.others_review = make_article(
            "تقرير زميل بانتظار المراجعة", section=section, status=Status.REVIEW, created_by=cls.other_writer
        )
        cls.scheduled = make_article(
            "خبر مجدول للغد",
            section=section,
            status=Status.SCHEDULED,
            pub_date=damascus(2026, 5, 15, 7, 45),
            created_by=cls.writer,
        )
        cls.published = make_article(
            "خبر نُشر صباحاً",
            section=section,
            pub_date=damascus(2026, 5, 14, 8, 0),
            created_by=cls.other_writer,
        )

    def block(self, response, key: str) -> str:
        match = re.search(
            rf'<div class="module dashboard-block" id="dashboard-{key}">.*?</table>',
            response.content.decode(),
            re.S,
        )
        return match.group(0) if match else ""

    def test_editor_sees_the_desk(self):
        self.client.force_login(self.editor)
        response = self.client.get(INDEX_URL)
        self.assertEqual(response.status_code, 200)
        review = self.block(response, "review")
        self.assertIn("بانتظار المراجعة (2)", review)
        self.assertIn("تقريري بانتظار المراجعة", review)
        self.assertIn("تقرير زميل بانتظار المراجعة", review)
        self.assertIn(f'href="{CHANGELIST_URL}?status__exact=review"', review)
        scheduled = self.block(response, "scheduled")
        self.assertIn("مجدولة (1)", scheduled)
        self.assertIn("15 أيار 2026، 07:45", scheduled)
        self.assertIn(f'href="{CHANGELIST_URL}?status__exact=scheduled"', scheduled)
        published = self.block(response, "published")
        self.assertIn("نُشرت مؤخراً", published)
        self.assertIn("خبر نُشر صباحاً", published)
        self.assertIn(f'href="{CHANGELIST_URL}?status__exact=published"', published)
        self.assertIn("مسوداتي (0)", self.block(response, "my-drafts"))
        self.assertContains(response, f'href="{CALENDAR_URL}"')
        # Django's list of apps is still there, below the dashboard.
        self.assertContains(response, 'class="app-articles module')

    def test_writer_sees_only_their_own_work(self):
        self.client.force_login(self.writer)
        response = self.client.get(INDEX_URL)
        drafts = self.block(response, "my-drafts")
        self.assertIn("مسوداتي (1)", drafts)
        self.assertIn("مسودتي الأولى", drafts)
        self.assertIn(
            f'href="{CHANGELIST_URL}?status__exact=draft&amp;created_by__id__exact={self.writer.pk}"', drafts
        )
        review = self.block(response, "review")
        self.assertIn("بانتظار المراجعة (1)", review)
        self.assertIn("تقريري بانتظار المراجعة", review)
        self.assertIn(f"created_by__id__exact={self.writer.pk}", review)
        self.assertIn("خبر مجدول للغد", self.block(response, "scheduled"))
        self.assertEqual(self.block(response, "published"), "")
        self.assertNotContains(response, "مسودة زميل")
        self.assertNotContains(response, "تقرير زميل")
        self.assertContains(response, f'href="{CALENDAR_URL}"')

    def test_moderator_sees_the_calendar_link_and_only_the_comments_block(self):
        # The comments block itself is tested in test_comments_moderation.py.
        self.client.force_login(make_user("moderator", MODERATORS))
        response = self.client.get(INDEX_URL)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, f'href="{CALENDAR_URL}"')
        self.assertContains(response, "dashboard-block", count=1)
        self.assertContains(response, 'id="dashboard-comments"')

    def test_staff_without_articles_see_the_plain_index(self):
        self.client.force_login(make_user("accountant"))
        response = self.client.get(INDEX_URL)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "editorial-dashboard")

    def test_the_block_links_list_the_right_rows(self):
        cases = [
            (
                self.writer,
                {"status__exact": "draft", "created_by__id__exact": self.writer.pk},
                [self.my_draft],
            ),
            (
                self.writer,
                {"status__exact": "review", "created_by__id__exact": self.writer.pk},
                [self.my_review],
            ),
            (self.editor, {"status__exact": "review"}, [self.my_review, self.others_review]),
            (self.editor, {"status__exact": "scheduled"}, [self.scheduled]),
            (
                self.editor,
                {"status__exact": "draft", "created_by__id__exact": self.other_writer.pk},
                [self.others_draft],
            ),
        ]
        for user, query, expected in cases:
            with self.subTest(user=user.username, query=query):
                self.client.force_login(user)
                response = self.client.get(CHANGELIST_URL, query)
                # Django answers a filter it does not accept with a redirect to ?e=1.
                self.assertEqual(response.status_code, 200)
                self.assertCountEqual(response.context["cl"].result_list, expected)

    def test_the_index_costs_the_same_queries_however_many_articles(self):
        self.client.force_login(self.editor)
        with CaptureQueriesContext(connection) as few:
            self.client.get(INDEX_URL)
        section = make_section()
        for n in range(12):
            for status in (Status.DRAFT, Status.REVIEW, Status.SCHEDULED, Status.PUBLISHED):
                make_article(f"خبر {status} {n}", section=section, status=status, created_by=self.editor)
        with self.assertNumQueries(len(few)):
            response = self.client.get(INDEX_URL)
        self.assertIn("بانتظار المراجعة (14)", self.block(response, "review"))
        self.assertIn("عرض الكل (14)", self.block(response, "review"))
        dashboard_queries = [q for q in few.captured_queries if "articles_article" in q["sql"]]
        self.assertEqual(len(dashboard_queries), 5)  # one for the counts, one per list

    def test_writer_dashboard_queries_are_fixed_too(self):
        self.client.force_login(self.writer)
        with CaptureQueriesContext(connection) as queries:
            self.client.get(INDEX_URL)
        self.assertEqual(len([q for q in queries.captured_queries if "articles_article" in q["sql"]]), 4)


class CalendarPermissionsWithoutRolesTests(TestCase):
    """A user given view permission directly, not through a role, reaches the calendar."""

    def test_view_permission_alone_is_enough(self):
        user = make_user("viewer")
        user.user_permissions.add(Permission.objects.get(codename="view_article"))
        self.client.force_login(user)
        self.assertEqual(self.client.get(CALENDAR_URL).status_code, 200)
