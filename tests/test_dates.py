from datetime import UTC, date, datetime

from django.core.checks import run_checks
from django.template import Context, Template
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse

from newsroom.dates import format_date, format_month

from .factories import make_article

LEVANTINE = [
    "كانون الثاني",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "تشرين الأول",
    "تشرين الثاني",
    "كانون الأول",
]
STANDARD = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
]
# 22:30 UTC on 30 November 2018 is already 00:30 on 1 December in Damascus (UTC+2 then).
LATE_EVENING_UTC = datetime(2018, 11, 30, 22, 30, tzinfo=UTC)


def render(value, arg: str | None = None) -> str:
    expression = "when|news_date" + (f':"{arg}"' if arg else "")
    return Template("{% load news %}{{ " + expression + " }}").render(Context({"when": value}))


class NewsDateFilterTests(SimpleTestCase):
    def test_levantine_month_names_by_default(self):
        for month, name in enumerate(LEVANTINE, start=1):
            with self.subTest(month=month):
                self.assertEqual(render(date(2018, month, 1)), f"1 {name} 2018")

    @override_settings(NEWSROOM_MONTH_NAMES="standard")
    def test_standard_month_names_when_set(self):
        for month, name in enumerate(STANDARD, start=1):
            with self.subTest(month=month):
                self.assertEqual(render(date(2018, month, 1)), f"1 {name} 2018")

    @override_settings(NEWSROOM_DIGITS="arabic")
    def test_arabic_indic_digits_when_set(self):
        self.assertEqual(render(date(2024, 3, 15)), "١٥ آذار ٢٠٢٤")

    @override_settings(NEWSROOM_MONTH_NAMES="standard", NEWSROOM_DIGITS="arabic")
    def test_standard_months_with_arabic_indic_digits(self):
        self.assertEqual(render(date(2018, 12, 1)), "١ ديسمبر ٢٠١٨")

    def test_day_has_no_leading_zero(self):
        self.assertEqual(render(date(2024, 3, 5)), "5 آذار 2024")

    def test_late_evening_utc_is_the_next_day_in_damascus(self):
        self.assertEqual(render(LATE_EVENING_UTC), "1 كانون الأول 2018")

    def test_earlier_the_same_utc_day_keeps_its_date(self):
        self.assertEqual(render(datetime(2018, 11, 30, 12, 0, tzinfo=UTC)), "30 تشرين الثاني 2018")

    def test_time_argument_adds_the_local_time(self):
        self.assertEqual(render(LATE_EVENING_UTC, "time"), "1 كانون الأول 2018، 00:30")

    @override_settings(NEWSROOM_DIGITS="arabic")
    def test_time_follows_the_digit_setting(self):
        self.assertEqual(render(LATE_EVENING_UTC, "time"), "١ كانون الأول ٢٠١٨، ٠٠:٣٠")

    def test_a_plain_date_has_no_time_to_add(self):
        self.assertEqual(render(date(2018, 12, 1), "time"), "1 كانون الأول 2018")

    def test_no_date_prints_nothing(self):
        self.assertEqual(render(None), "")
        self.assertEqual(render(""), "")

    @override_settings(NEWSROOM_MONTH_NAMES="standard", NEWSROOM_DIGITS="arabic")
    def test_calendar_heading_follows_both_settings(self):
        self.assertEqual(format_month(date(2025, 4, 1)), "أبريل ٢٠٢٥")


class DateSettingsCheckTests(SimpleTestCase):
    def check_ids(self) -> set[str]:
        return {message.id for message in run_checks()}

    def test_valid_settings_pass(self):
        self.assertFalse({"newsroom.E001", "newsroom.E002"} & self.check_ids())

    @override_settings(NEWSROOM_MONTH_NAMES="syrian", NEWSROOM_DIGITS="indian")
    def test_unknown_values_are_refused_at_start_up(self):
        self.assertLessEqual({"newsroom.E001", "newsroom.E002"}, self.check_ids())


class DatesOnPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article("خبر بتاريخ", pub_date=datetime(2024, 12, 1, 9, 0, tzinfo=UTC))

    def test_article_page_uses_the_levantine_default(self):
        response = self.client.get(self.article.get_absolute_url())
        self.assertContains(response, ">1 كانون الأول 2024</time>")

    @override_settings(NEWSROOM_MONTH_NAMES="standard", NEWSROOM_DIGITS="arabic")
    def test_every_page_follows_the_settings(self):
        for url in (self.article.get_absolute_url(), reverse("home"), reverse("articles:latest")):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, ">١ ديسمبر ٢٠٢٤</time>")
                self.assertNotContains(response, "كانون الأول")

    def test_python_callers_share_the_format(self):
        self.assertEqual(format_date(self.article.pub_date), "1 كانون الأول 2024")
