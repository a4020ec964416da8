"""The reader's search page, the same cases on PostgreSQL and SQLite."""

from datetime import timedelta
from unittest import mock

from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import urlencode
from taggit.models import Tag

from articles.models import Article
from newsroom.text import contains_phrase
from search.index import plain_text

from .factories import inline_management_data, make_article, make_section, make_source, make_user
from .search_judged import JUDGED

URL = reverse("search:search")
RESULT = '<li class="search-result">'


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


class SearchTestCase(TestCase):
    def search(self, q="", **params):
        response = self.client.get(URL, {"q": q, **params})
        self.assertEqual(response.status_code, 200)
        return response

    def found(self, q, **params) -> list[Article]:
        response = self.search(q, **params)
        page = response.context.get("page_obj")
        return list(page) if page else []


class VariantQueryTests(SearchTestCase):
    """Readers type without harakat or hamza, with ي for ى and ه for ة; editors write with them."""

    @classmethod
    def setUpTestData(cls):
        section = make_section()
        texts = {
            "diacritics": "وصلت تعزيزات عسكريّة إلى المنطقة",
            "tatweel": "خبر عاجـــل من الرقة",
            "hamza": "شحنة أسلحة وصلت إلى إدلب قبل آلاف السنين",
            "alef maqsura": "قصف مستشفى في البلدة",
            "ta marbuta": "اجتماع للقيادة العسكرية",
            "digits": "حصيلة عام ٢٠١٨ في دير الزور",
            "waw and al": "نزوح المدنيين والأطفال",
            "zwnj": "نقلت وكالة سا\u200cنا الخبر",
        }
        cls.articles = {
            name: make_article(f"خبر {name}", body=f"<p>{text}</p>", section=section)
            for name, text in texts.items()
        }

    def test_variants_find_the_same_article(self):
        for name, queries in {
            "diacritics": ["عسكرية", "عسكريّة", "عسكريه"],
            "tatweel": ["عاجل", "عاجـل"],
            "hamza": ["اسلحة", "أسلحة", "ادلب", "الاف"],
            "alef maqsura": ["مستشفي", "مستشفى"],
            "ta marbuta": ["العسكريه", "العسكرية"],
            "digits": ["2018", "٢٠١٨", "۲۰۱۸"],
            "waw and al": ["المدنيين", "الاطفال", "والاطفال"],
            "zwnj": ["سانا", "سا\u200cنا"],
        }.items():
            for q in queries:
                with self.subTest(article=name, q=q):
                    self.assertIn(self.articles[name], self.found(q))

    def test_match_is_highlighted_on_the_text_as_written(self):
        response = self.search("عسكرية")
        self.assertContains(response, "تعزيزات <mark>عسكريّة</mark> إلى")
        self.assertContains(self.search("سانا"), "وكالة <mark>سا\u200cنا</mark> الخبر")

    def test_snippet_shows_the_first_match_of_a_long_body_in_its_sentence(self):
        before, after = " ".join(["كلام"] * 300), " ".join(["تفاصيل"] * 300)
        body = f"<p>{before} وصلت تعزيزات عسكريّة إلى المنطقة {after}</p>"
        make_article("خبر طويل", lead="مقدمة", body=body)
        results = self.search("عسكرية").context["page_obj"].object_list
        snippet = next(article for article in results if article.title == "خبر طويل").snippet_html
        self.assertTrue(snippet.startswith("… "), snippet[:40])
        self.assertIn("وصلت تعزيزات <mark>عسكريّة</mark> إلى المنطقة", snippet)
        self.assertTrue(snippet.endswith(" …"))
        self.assertEqual(len(snippet.split()), 2 + 36)  # the window and its two ellipses


class QuerySyntaxTests(SearchTestCase):
    @classmethod
    def setUpTestData(cls):
        section = make_section()
        cls.together = make_article("قصف على دير الزور", section=section, pub_date=ago(hours=1))
        cls.apart = make_article("دير قديم قرب الزور", section=section, pub_date=ago(hours=2))
        cls.with_isis = make_article("هجوم لتنظيم داعش في دير الزور", section=section, pub_date=ago(hours=3))
        cls.aleppo = make_article("كهرباء حلب", section=section)
        cls.damascus = make_article("كهرباء دمشق", section=section)
        cls.homs = make_article("كهرباء حمص", section=section)

    def test_plain_words_are_all_required(self):
        self.assertEqual(set(self.found("دير الزور")), {self.together, self.apart, self.with_isis})
        self.assertEqual(self.found("كهرباء حلب"), [self.aleppo])

    def test_quoted_phrase_must_stand_together(self):
        self.assertEqual(set(self.found('"دير الزور"')), {self.together, self.with_isis})
        self.assertEqual(set(self.found("«دير الزور»")), {self.together, self.with_isis})

    def test_minus_excludes(self):
        self.assertEqual(set(self.found('"دير الزور" -داعش')), {self.together})

    def test_or_accepts_either_in_latin_or_arabic(self):
        for q in ("كهرباء حلب or دمشق", "كهرباء حلب أو دمشق"):
            with self.subTest(q=q):
                self.assertEqual(set(self.found(q)), {self.aleppo, self.damascus})

    def test_title_match_ranks_before_a_body_match(self):
        in_body = make_article("خبر آخر", body="<p>قصف عنيف ليلة أمس</p>", pub_date=ago(minutes=1))
        self.assertEqual(self.found("قصف"), [self.together, in_body])

    def test_only_exclusions_search_nothing(self):
        response = self.search("-داعش")
        self.assertNotContains(response, RESULT)
        self.assertContains(response, "اكتب كلمة واحدة على الأقل")


class VisibilityTests(SearchTestCase):
    def test_unpublished_articles_are_never_found(self):
        published = make_article("تعزيزات عسكرية منشورة")
        make_article("تعزيزات عسكرية مسودة", status=Article.Status.DRAFT)
        make_article("تعزيزات عسكرية للمراجعة", status=Article.Status.REVIEW)
        make_article("تعزيزات عسكرية مؤرشفة", status=Article.Status.ARCHIVED)
        make_article("تعزيزات عسكرية مجدولة", status=Article.Status.SCHEDULED, pub_date=ago(hours=-3))
        response = self.search("تعزيزات")
        self.assertEqual(list(response.context["page_obj"]), [published])
        self.assertNotContains(response, "مسودة")
        self.assertNotContains(response, "مجدولة")

    def test_a_scheduled_story_is_found_once_its_time_has_come(self):
        due = make_article(
            "تعزيزات عسكرية حان موعدها", status=Article.Status.SCHEDULED, pub_date=ago(minutes=1)
        )
        self.assertEqual(self.found("تعزيزات"), [due])


class FilterTests(SearchTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.syria = make_section("من سوريا")
        cls.east = make_section("المنطقة الشرقية", parent=cls.syria)
        cls.world = make_section("عربي ودولي")
        cls.sana = make_source("سانا")
        cls.local = make_article(
            "غارة على الشعفة", section=cls.east, sources=[cls.sana], pub_date=ago(days=40)
        )
        cls.national = make_article("غارة قرب دمشق", section=cls.syria, pub_date=ago(days=10))
        cls.world_story = make_article("غارة في العراق", section=cls.world, pub_date=ago(days=1))

    def test_section_includes_its_subsections(self):
        self.assertEqual(set(self.found("غارة", section=self.syria.slug)), {self.local, self.national})
        self.assertEqual(self.found("غارة", section=self.east.slug), [self.local])

    def test_source(self):
        self.assertEqual(self.found("غارة", source=self.sana.slug), [self.local])

    def test_date_range_in_whole_days(self):
        since = timezone.localdate() - timedelta(days=10)
        until = timezone.localdate() - timedelta(days=1)
        found = self.found("غارة", since=since.isoformat(), until=until.isoformat())
        self.assertEqual(set(found), {self.national, self.world_story})
        self.assertEqual(self.found("غارة", since=timezone.localdate().isoformat()), [])

    def test_bad_filters_are_dropped_with_a_message_and_the_search_still_runs(self):
        for params, message in [
            ({"since": "2018-13-45"}, "تاريخ البداية غير صحيح"),
            ({"until": "أمس"}, "تاريخ النهاية غير صحيح"),
            ({"section": "لا-يوجد"}, "لا يوجد قسم بهذا الاسم"),
            ({"source": "999"}, "لا يوجد مصدر بهذا الاسم"),
            ({"since": "2020-02-01", "until": "2020-01-01"}, "تاريخ البداية بعد تاريخ النهاية"),
        ]:
            with self.subTest(params=params):
                response = self.search("غارة", **params)
                self.assertContains(response, message)
                self.assertEqual(len(response.context["page_obj"]), 3)

    def test_bad_page_numbers_show_a_page(self):
        for page in ("abc", "0", "-1", "99999", "1.5", "٢"):
            with self.subTest(page=page):
                self.assertContains(self.search("غارة", page=page), RESULT, count=3)

    def test_a_huge_query_gets_a_message_not_an_error(self):
        response = self.search("غارة " * 2000)
        self.assertContains(response, "عبارة البحث أطول من 200 حرفاً")
        self.assertNotContains(response, RESULT)

    def test_repeated_or_binary_parameters_are_harmless(self):
        response = self.client.get(URL + "?q=غارة&q=&section=&section=x&page=%00&since=%ff")
        self.assertEqual(response.status_code, 200)


class PaginationAndQueryCountTests(SearchTestCase):
    # The newest matches ranked, the page of results, the menu, the section and source lists.
    def test_queries_do_not_grow_with_the_results_on_a_page(self):
        section = make_section()
        make_article("غارة وحيدة", section=section, sources=[make_source()])
        with self.assertNumQueries(5):
            self.assertContains(self.search("غارة"), RESULT, count=1)
        for n in range(30):
            make_article(f"غارة رقم {n}", section=make_section(), sources=[make_source()], tags=["وسم"])
        with self.assertNumQueries(5):
            self.assertContains(self.search("غارة"), RESULT, count=12)
        with self.assertNumQueries(5):
            self.assertContains(self.search("غارة", page=3), RESULT, count=7)

    def test_pages_keep_the_query_and_filters(self):
        section = make_section()
        for n in range(15):
            make_article(f"غارة رقم {n}", section=section)
        response = self.search("غارة", section=section.slug)
        self.assertContains(response, "صفحة 1 من 2")
        next_link = "?" + urlencode({"q": "غارة", "section": section.slug, "page": 2})
        self.assertContains(response, f'href="{escape(next_link)}" rel="next"')


class NoResultsTests(SearchTestCase):
    def test_no_results_page_is_arabic_and_suggests_what_would_find_something(self):
        make_article("غارة على الشعفة")
        response = self.search("غارة كلمةغريبة")
        self.assertContains(response, '<html lang="ar" dir="rtl">')
        self.assertContains(response, "لم نجد أخباراً تطابق بحثك")
        self.assertContains(response, "«<bdi>غارة</bdi>» وحدها</a> (1 نتيجة)")
        self.assertNotContains(response, "كلمةغريبة</bdi>» وحدها")

    def test_filtered_search_without_results_offers_the_unfiltered_one(self):
        make_article("غارة على الشعفة")
        response = self.search("غارة", since="2000-01-01", until="2000-01-02")
        self.assertContains(response, "في كل الأقسام والمصادر والتواريخ</a> (1 نتيجة)")

    def test_empty_query_shows_the_form_only(self):
        response = self.search("")
        self.assertContains(response, "البحث في الأخبار")
        self.assertNotContains(response, "لم نجد")

    def test_header_has_a_search_box_on_every_page(self):
        response = self.client.get(reverse("home"))
        self.assertContains(response, f'<form class="site-search" role="search" method="get" action="{URL}">')


class JudgedQueryTests(SearchTestCase):
    """The judged set (tests/search_judged.py) over the demo: see bench/search_judged.py."""

    # Irregular ("broken") plurals and stems the Snowball stemmer does not join to the
    # reader's word: measured misses, listed so a change in them is noticed.
    KNOWN_MISSES = {"المشفى", "الغارات", "الفصائل", "الطيران", "شاحنة", "سيطره", "هجمات", "ناشطين"}

    @classmethod
    def setUpTestData(cls):
        call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    def test_judged_queries_find_every_relevant_article(self):
        texts = {a.pk: "\n".join([a.title, a.lead, plain_text(a.body)]) for a in Article.objects.published()}
        relevant_total = found_right = 0
        for q, forms in JUDGED:
            relevant = {pk for pk, text in texts.items() if any(contains_phrase(text, f) for f in forms)}
            found = {a.pk for a in self.found(q)}
            relevant_total += len(relevant)
            found_right += len(found & relevant)
            if q not in self.KNOWN_MISSES:
                with self.subTest(q=q):
                    self.assertEqual(found & relevant, relevant)
        # Measured: 90 of 106 (bench/search_judged.py); the simple configuration found 36.
        self.assertGreaterEqual(found_right, 90)
        self.assertEqual(relevant_total, 106)


class AdminTests(TestCase):
    def test_staff_find_unpublished_articles_with_the_same_normaliser(self):
        draft = make_article("تعزيزات عسكريّة في الطريق", status=Article.Status.DRAFT)
        published = make_article("وصول أسلحة")
        self.client.force_login(make_user(is_superuser=True))
        url = reverse("admin:articles_article_changelist")
        self.assertEqual(list(self.client.get(url, {"q": "عسكرية"}).context["cl"].result_list), [draft])
        self.assertEqual(list(self.client.get(url, {"q": "اسلحه"}).context["cl"].result_list), [published])

    def test_a_typed_tag_spelled_another_way_joins_the_existing_tag(self):
        raqqa = Tag.objects.create(name="الرقة")
        Tag.objects.create(name="دير الزور")
        self.client.force_login(make_user(is_superuser=True))
        data = {
            "title": "خبر من الرقة",
            "slug": "",
            "lead": "مقدمة",
            "body": "<p>نص</p>",
            "section": make_section().pk,
            "new_tags": "الرقه، دير الزّور، ريف حماه، ريف حماة",
            "pub_date_0": "2025-03-01",
            "pub_date_1": "10:30:00",
            "_save": "حفظ",
            **inline_management_data(),
        }
        self.client.post(reverse("admin:articles_article_add"), data)
        article = Article.objects.get(title="خبر من الرقة")
        self.assertEqual(set(article.tags.names()), {"الرقة", "دير الزور", "ريف حماه"})
        self.assertEqual(Tag.objects.filter(name__startswith="الرق").get(), raqqa)


class RankingBoundTests(SearchTestCase):
    def test_only_the_newest_matches_are_ranked_and_the_page_says_so(self):
        from search import selectors

        section = make_section()
        old_exact = make_article("غارة غارة غارة", section=section, pub_date=ago(days=30))
        for n in range(3):
            make_article(f"خبر {n}", body="<p>غارة</p>", section=section, pub_date=ago(days=n))
        with mock.patch.object(selectors, "RANKED", 2), mock.patch("search.views.RANKED", 2):
            response = self.search("غارة")
        self.assertContains(response, "أكثر من 2 نتيجة")
        self.assertNotIn(old_exact, list(response.context["page_obj"]))
        self.assertIn(old_exact, self.found("غارة"))

    def test_a_title_match_comes_first_then_the_newest_in_the_page_and_the_queryset(self):
        from search.query import parse
        from search.selectors import search_articles

        section = make_section()
        body_old = make_article("خبر أول", body="<p>غارة</p>", section=section, pub_date=ago(days=3))
        title = make_article("غارة على القرية", section=section, pub_date=ago(days=5))
        body_new = make_article("خبر ثان", body="<p>غارة</p>", section=section, pub_date=ago(days=1))
        self.assertEqual(self.found("غارة"), [title, body_new, body_old])
        # The API and the admin read the same ranking as a queryset.
        self.assertEqual(
            list(search_articles(Article.objects.published(), parse("غارة"))), [title, body_new, body_old]
        )
