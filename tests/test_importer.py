import io
import tempfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.management import CommandError, call_command
from django.test import SimpleTestCase, TestCase
from django.utils import timezone

from articles.importer import MalformedArticle, parse_article, parse_caption
from articles.models import Article
from sections.models import Section
from tests.factories import make_article, make_photo, make_section, make_source

SEED = Path(__file__).resolve().parents[1] / "articles" / "demo" / "000_d071b9ecd2bf7f2d.txt"
SEED_TITLE = "التحالف الدولي يرسل تعزيزات عسكرية جديدة لقتال تنظيم داعش في دير الزور"
SEED_LEAD = (
    "أرسل التحالف الدولي بقيادة الولايات المتحدة الأمريكية تعزيزات عسكرية وشحنة أسلحة وذخائر"
    " إلى قواته البرية التي تخوض آخر معاركها حاليا بريف محافظة دير الزور شرقي نهر الفرات،"
    " فيما انضمت..."
)
SEED_CAPTION = "مدنيون هاربون من مناطق سيطرة تنظيم داعش بريف دير الزور الشمالي"
DAMASCUS = ZoneInfo("Asia/Damascus")


def seed_paragraphs() -> list[str]:
    """The body paragraphs straight from the file: the lines between the caption and "أقسام"."""
    lines = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines[3 : lines.index("أقسام")]


def article_text(
    *,
    title="مقتل مدنيين باستهداف مشفى في بلدة الشعفة",
    lead="قتل عدد من المدنيين جراء غارات على بلدة الشعفة...",
    caption="مشفى بلدة الشعفة - 1 كانون الأول 2018",
    body=("قالت شبكات محلية إن عددا من المدنيين قتلوا.", "وعرضت وكالة “أعماق” تسجيلا مصورا."),
    section="من سوريا",
    related=None,
) -> str:
    """A file in the import format; pass None to leave a part out, related=[] for a bare marker."""
    parts = [title, lead, caption, *body, "أقسام", section]
    if related is not None:
        parts += ["أخبار متعلقة", *related]
    return "\n\n".join(part for part in parts if part is not None) + "\n"


class ImportFilesMixin:
    """Writes import files to a throw-away folder and runs the command on them."""

    def setUp(self):
        super().setUp()
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)

    def write(self, name: str, content: str | bytes) -> Path:
        path = self.folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def run_import(self, *paths) -> tuple[str, str]:
        stdout, stderr = io.StringIO(), io.StringIO()
        call_command("import_articles", *map(str, paths), stdout=stdout, stderr=stderr)
        return stdout.getvalue(), stderr.getvalue()

    def run_failing_import(self, *paths) -> tuple[str, str, CommandError]:
        stdout, stderr = io.StringIO(), io.StringIO()
        with self.assertRaises(CommandError) as raised:
            call_command("import_articles", *map(str, paths), stdout=stdout, stderr=stderr)
        return stdout.getvalue(), stderr.getvalue(), raised.exception


class ParseSeedTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.parsed = parse_article(SEED.read_text(encoding="utf-8"))

    def test_title_is_the_first_line(self):
        self.assertEqual(self.parsed.title, SEED_TITLE)

    def test_lead_is_the_teaser_with_its_ellipsis(self):
        self.assertEqual(self.parsed.lead, SEED_LEAD)

    def test_caption_loses_its_date(self):
        self.assertEqual(self.parsed.caption, SEED_CAPTION)
        self.assertEqual(self.parsed.pub_date, date(2018, 12, 1))

    def test_body_is_every_paragraph_up_to_the_section_marker(self):
        self.assertEqual(len(self.parsed.paragraphs), 14)
        self.assertTrue(self.parsed.paragraphs[0].startswith("أرسل التحالف الدولي بقيادة"))
        self.assertTrue(self.parsed.paragraphs[-1].startswith("وقبل أسبوعين، اتهم التحالف"))
        self.assertNotIn("أقسام", self.parsed.paragraphs)

    def test_section_follows_the_marker(self):
        self.assertEqual(self.parsed.section_name, "من سوريا")

    def test_bare_related_marker_means_no_related_titles(self):
        self.assertEqual(self.parsed.related_titles, [])


class ParseArticleTests(SimpleTestCase):
    def assertMalformed(self, text: str, message: str):
        with self.assertRaisesMessage(MalformedArticle, message):
            parse_article(text)

    def test_related_titles_follow_their_marker(self):
        parsed = parse_article(article_text(related=["خبر أول", "خبر ثان"]))
        self.assertEqual(parsed.related_titles, ["خبر أول", "خبر ثان"])

    def test_file_without_related_marker_has_no_related_titles(self):
        parsed = parse_article(article_text(related=None))
        self.assertEqual(parsed.section_name, "من سوريا")
        self.assertEqual(parsed.related_titles, [])

    def test_byte_order_mark_and_stray_whitespace_are_ignored(self):
        parsed = parse_article("\ufeff" + article_text(title="  عنوان الخبر \t").replace("\n\n", "\r\n \r\n"))
        self.assertEqual(parsed.title, "عنوان الخبر")
        self.assertEqual(len(parsed.paragraphs), 2)

    def test_blank_lines_do_not_make_empty_paragraphs(self):
        parsed = parse_article(article_text().replace("\n\n", "\n\n\n\n"))
        self.assertEqual(
            parsed.paragraphs,
            ["قالت شبكات محلية إن عددا من المدنيين قتلوا.", "وعرضت وكالة “أعماق” تسجيلا مصورا."],
        )

    def test_title_of_exactly_250_characters_is_accepted(self):
        title = "ع" * 250
        self.assertEqual(parse_article(article_text(title=title)).title, title)

    def test_empty_text(self):
        self.assertMalformed("", "the file is empty")
        self.assertMalformed("\ufeff \n\n\t\n", "the file is empty")

    def test_too_few_lines(self):
        self.assertMalformed("عنوان\nمقدمة...\n", "too short")

    def test_title_over_250_characters(self):
        self.assertMalformed(article_text(title="ع" * 251), "the title is longer than 250 characters")

    def test_no_lead(self):
        self.assertMalformed(article_text(lead=None), "no lead")

    def test_caption_without_date(self):
        self.assertMalformed(article_text(caption="مشفى بلدة الشعفة"), "line 3 should be the photo caption")

    def test_caption_with_unknown_month(self):
        self.assertMalformed(
            article_text(caption="مشفى بلدة الشعفة - 1 ديسمبر 2018"), "line 3 should be the photo caption"
        )

    def test_impossible_date(self):
        self.assertMalformed(
            article_text(caption="مشفى بلدة الشعفة - 31 شباط 2018"), "the caption's date does not exist"
        )

    def test_caption_over_300_characters(self):
        caption = "ع" * 301 + " - 1 كانون الأول 2018"
        self.assertMalformed(article_text(caption=caption), "the photo caption is longer than 300 characters")

    def test_no_section_marker(self):
        self.assertMalformed(article_text().replace("أقسام", "قسم"), "no 'أقسام' line")

    def test_no_section_name_at_end_of_file(self):
        self.assertMalformed(article_text(section=None), "no section name")

    def test_no_section_name_before_related_marker(self):
        self.assertMalformed(article_text(section=None, related=["خبر"]), "no section name")

    def test_empty_body(self):
        self.assertMalformed(article_text(body=()), "the body is empty")


class ParseCaptionTests(SimpleTestCase):
    def test_splits_caption_from_its_date(self):
        self.assertEqual(
            parse_caption("مدنيون هاربون - 1 كانون الأول 2018"), ("مدنيون هاربون", date(2018, 12, 1))
        )

    def test_reads_every_levantine_month(self):
        months = [
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
        for number, month in enumerate(months, start=1):
            with self.subTest(month=month):
                self.assertEqual(parse_caption(f"صورة - 9 {month} 2019"), ("صورة", date(2019, number, 9)))

    def test_month_spelled_without_hamza_or_madda(self):
        self.assertEqual(parse_caption("صورة - 3 اذار 2019"), ("صورة", date(2019, 3, 3)))
        self.assertEqual(parse_caption("صورة - 3 ايار 2019"), ("صورة", date(2019, 5, 3)))

    def test_arabic_indic_digits(self):
        self.assertEqual(parse_caption("صورة - ١ كانون الأول ٢٠١٨"), ("صورة", date(2018, 12, 1)))
        self.assertEqual(parse_caption("صورة - ٢٨ شباط ٢٠١٩"), ("صورة", date(2019, 2, 28)))

    def test_en_and_em_dash(self):
        self.assertEqual(parse_caption("صورة – 2 آب 2017"), ("صورة", date(2017, 8, 2)))
        self.assertEqual(parse_caption("صورة — 2 آب 2017"), ("صورة", date(2017, 8, 2)))

    def test_hyphen_inside_the_caption_is_kept(self):
        self.assertEqual(
            parse_caption("طريق دير الزور - الميادين - 2 آب 2017"),
            ("طريق دير الزور - الميادين", date(2017, 8, 2)),
        )

    def test_leap_day_exists_in_a_leap_year(self):
        self.assertEqual(parse_caption("صورة - 29 شباط 2020"), ("صورة", date(2020, 2, 29)))

    def test_no_date_is_none(self):
        self.assertIsNone(parse_caption("مدنيون هاربون من مناطق سيطرة تنظيم داعش"))

    def test_unknown_month_is_none(self):
        self.assertIsNone(parse_caption("صورة - 1 ديسمبر 2018"))

    def test_date_without_dash_is_none(self):
        self.assertIsNone(parse_caption("صورة 1 كانون الأول 2018"))

    def test_impossible_date_is_malformed(self):
        for caption in (
            "صورة - 31 شباط 2018",
            "صورة - 29 شباط 2019",
            "صورة - 31 نيسان 2018",
            "صورة - 0 آب 2018",
        ):
            with self.subTest(caption=caption), self.assertRaisesMessage(MalformedArticle, "does not exist"):
                parse_caption(caption)


class ImportSeedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.sana = make_source("سانا")
        cls.amaq = make_source("أعماق")
        cls.furat = make_source("فرات بوست")
        cls.deir24 = make_source("دير الزور 24")
        cls.not_cited = make_source("رويترز")
        cls.stdout = io.StringIO()
        call_command("import_articles", str(SEED), stdout=cls.stdout, stderr=io.StringIO())
        cls.article = Article.objects.get()

    def test_keyed_by_file_name(self):
        self.assertEqual(self.article.import_key, "000_d071b9ecd2bf7f2d")

    def test_reports_the_new_article(self):
        self.assertEqual(self.stdout.getvalue(), f"{SEED}: created article {self.article.pk} (2018-12-01)\n")

    def test_title(self):
        self.assertEqual(self.article.title, SEED_TITLE)

    def test_slug_is_readable_arabic(self):
        self.assertTrue(self.article.slug.startswith("التحالف-الدولي-يرسل"))
        self.assertEqual(
            self.article.slug, "التحالف-الدولي-يرسل-تعزيزات-عسكرية-جديدة-لقتال-تنظيم-داعش-في-دير-الزور"
        )

    def test_lead_is_the_exact_teaser(self):
        self.assertEqual(self.article.lead, SEED_LEAD)
        self.assertTrue(self.article.lead.endswith("..."))

    def test_body_has_each_paragraph_in_order(self):
        paragraphs = seed_paragraphs()
        self.assertEqual(len(paragraphs), 14)
        self.assertEqual(self.article.body, "".join(f"<p>{p}</p>" for p in paragraphs))
        self.assertEqual(self.article.body.count("<p>"), 14)
        self.assertIn("<p>ونقلت وكالة “سانا” عن مصادر أهلية في دير الزور", self.article.body)

    def test_photo_caption_has_no_date(self):
        self.assertEqual(parse_article(SEED.read_text(encoding="utf-8")).caption, SEED_CAPTION)

    def test_pub_date_is_midnight_in_damascus(self):
        self.assertEqual(self.article.pub_date, datetime(2018, 12, 1, tzinfo=DAMASCUS))

    def test_section_is_created_from_its_name(self):
        section = Section.objects.get()
        self.assertEqual(section.name, "من سوريا")
        self.assertEqual(section.slug, "من-سوريا")
        self.assertEqual(self.article.section, section)

    def test_is_published(self):
        self.assertEqual(self.article.status, Article.Status.PUBLISHED)
        self.assertTrue(self.article.is_published())

    def test_cites_the_sources_named_in_the_body(self):
        self.assertQuerySetEqual(
            self.article.sources.order_by("pk"), [self.sana, self.amaq, self.furat, self.deir24]
        )

    def test_source_not_named_in_the_body_is_not_attached(self):
        self.assertNotIn(self.not_cited, self.article.sources.all())

    def test_readers_see_the_imported_article(self):
        response = self.client.get(self.article.get_absolute_url())
        self.assertContains(response, f'<h1 class="article-title" dir="auto">{SEED_TITLE}</h1>', html=True)
        self.assertContains(response, "ونقلت وكالة “سانا” عن مصادر أهلية")
        self.assertContains(response, "<bdi>فرات بوست</bdi>")
        self.assertNotContains(response, "رويترز")


class ImportSourcesTests(ImportFilesMixin, TestCase):
    def test_source_name_inside_another_word_is_not_cited(self):
        sana = make_source("سانا")
        path = self.write("a.txt", article_text(body=("قال إن الطبيب كان إنسانا طيبا.",)))
        self.run_import(path)
        self.assertNotIn(sana, Article.objects.get().sources.all())

    def test_source_found_by_alias_and_other_spelling(self):
        sana = make_source("سانا", aliases="الوكالة العربية السورية للأنباء, وكالة الأنباء الرسمية")
        deir24 = make_source("دير الزور 24")
        body = ("نقلت الوكالة العربية السورية للأنباء الخبر.", "وقالت شبكة «دير الزور ٢٤» إن القصف استمر.")
        self.run_import(self.write("a.txt", article_text(body=body)))
        self.assertQuerySetEqual(Article.objects.get().sources.order_by("pk"), [sana, deir24])

    def test_sources_are_looked_for_in_the_body_only(self):
        sana = make_source("سانا")
        path = self.write(
            "a.txt", article_text(title="سانا: قصف على الشعفة", lead="نقلت سانا...", body=("قصف.",))
        )
        self.run_import(path)
        self.assertNotIn(sana, Article.objects.get().sources.all())

    def test_reimport_cites_a_source_added_since(self):
        path = self.write("a.txt", article_text())
        self.run_import(path)
        amaq = make_source("أعماق")
        self.run_import(path)
        self.assertQuerySetEqual(Article.objects.get().sources.all(), [amaq])


class ImportBodyTests(ImportFilesMixin, TestCase):
    def test_markup_in_the_text_is_escaped(self):
        body = ("قال <script>alert(1)</script> إن <b>الوضع</b> صعب & خطير",)
        self.run_import(self.write("a.txt", article_text(body=body)))
        article = Article.objects.get()
        self.assertEqual(
            article.body,
            "<p>قال &lt;script&gt;alert(1)&lt;/script&gt; إن &lt;b&gt;الوضع&lt;/b&gt; صعب &amp; خطير</p>",
        )
        response = self.client.get(article.get_absolute_url())
        self.assertNotContains(response, "<script>alert(1)")
        self.assertContains(response, "&lt;b&gt;الوضع&lt;/b&gt;")

    def test_arabic_indic_digits_in_the_date(self):
        path = self.write("a.txt", article_text(caption="مشفى بلدة الشعفة - ١٥ آب ٢٠١٩"))
        self.run_import(path)
        article = Article.objects.get()
        self.assertEqual(article.pub_date, datetime(2019, 8, 15, tzinfo=DAMASCUS))

    def test_summer_date_is_midnight_in_damascus_too(self):
        self.run_import(self.write("a.txt", article_text(caption="صورة - 15 تموز 2018")))
        self.assertEqual(Article.objects.get().pub_date, datetime(2018, 7, 15, tzinfo=DAMASCUS))

    def test_date_when_damascus_clocks_skip_midnight_stays_on_that_day(self):
        # On 30 March 2018 Syrian clocks went from 00:00 straight to 01:00.
        self.run_import(self.write("a.txt", article_text(caption="صورة - 30 آذار 2018")))
        self.assertEqual(timezone.localtime(Article.objects.get().pub_date).date(), date(2018, 3, 30))

    def test_existing_section_is_reused(self):
        section = make_section("من سوريا")
        self.run_import(self.write("a.txt", article_text()))
        self.assertEqual(Article.objects.get().section, section)
        self.assertEqual(Section.objects.count(), 1)

    def test_title_of_only_punctuation_gets_a_fallback_slug(self):
        self.run_import(self.write("a.txt", article_text(title="؟!")))
        article = Article.objects.get()
        self.assertEqual(article.slug, "خبر")
        self.assertEqual(self.client.get(article.get_absolute_url()).status_code, 200)

    def test_title_of_250_characters_imports_with_a_slug_that_fits(self):
        title = ("التحالف الدولي " * 20)[:250]
        self.run_import(self.write("a.txt", article_text(title=title)))
        article = Article.objects.get()
        self.assertEqual(article.title, title)
        self.assertEqual(article.slug, title.replace(" ", "-"))

    def test_section_named_like_another_up_to_punctuation_and_spacing_is_that_section(self):
        section = make_section("من سوريا")
        self.run_import(self.write("a.txt", article_text(section="من سوريا.")))
        self.run_import(self.write("b.txt", article_text(section="من  سوريا")))
        self.assertEqual(Section.objects.get(), section)
        self.assertEqual(list(Article.objects.values_list("section", flat=True)), [section.pk, section.pk])


class ReimportTests(ImportFilesMixin, TestCase):
    def setUp(self):
        super().setUp()
        self.path = self.write("story.txt", article_text())
        self.run_import(self.path)
        self.article = Article.objects.get()

    def test_importing_twice_keeps_one_article(self):
        stdout, _ = self.run_import(self.path)
        self.assertEqual(Article.objects.get().pk, self.article.pk)
        self.assertEqual(stdout, f"{self.path}: updated article {self.article.pk} (2018-12-01)\n")

    def test_reimport_updates_the_text(self):
        self.write(
            "story.txt",
            article_text(
                title="حصيلة جديدة لضحايا قصف مشفى الشعفة",
                lead="ارتفعت حصيلة الضحايا...",
                caption="مشفى اليرموك - 2 كانون الأول 2018",
                body=("ارتفع عدد القتلى إلى عشرة.",),
                section="تقارير",
            ),
        )
        self.run_import(self.path)
        article = Article.objects.get()
        self.assertEqual(article.pk, self.article.pk)
        self.assertEqual(article.title, "حصيلة جديدة لضحايا قصف مشفى الشعفة")
        self.assertEqual(article.slug, "حصيلة-جديدة-لضحايا-قصف-مشفى-الشعفة")
        self.assertEqual(article.lead, "ارتفعت حصيلة الضحايا...")
        self.assertEqual(article.body, "<p>ارتفع عدد القتلى إلى عشرة.</p>")
        self.assertEqual(article.pub_date, datetime(2018, 12, 2, tzinfo=DAMASCUS))
        self.assertEqual(article.section.name, "تقارير")

    def test_caption_goes_to_a_photo_an_editor_attached_without_one(self):
        # The text file never brings the photo itself, only its caption.
        self.article.featured_photo = make_photo()
        self.article.save()
        self.run_import(self.path)
        self.assertEqual(Article.objects.get().featured_photo.caption, "مشفى بلدة الشعفة")

    def test_caption_never_overwrites_the_editors(self):
        self.article.featured_photo = make_photo(caption="تعليق المحرر")
        self.article.save()
        self.run_import(self.path)
        self.assertEqual(Article.objects.get().featured_photo.caption, "تعليق المحرر")

    def test_unpublished_article_stays_unpublished(self):
        Article.objects.filter(pk=self.article.pk).update(status=Article.Status.DRAFT)
        self.run_import(self.path)
        self.assertEqual(Article.objects.get().status, Article.Status.DRAFT)

    def test_sources_added_by_an_editor_stay(self):
        added = make_source("المرصد السوري لحقوق الإنسان")
        self.article.sources.add(added)
        amaq = make_source("أعماق")
        self.run_import(self.path)
        self.assertQuerySetEqual(Article.objects.get().sources.order_by("pk"), [added, amaq])

    def test_tags_and_related_picks_added_by_an_editor_stay(self):
        pick = make_article("خبر اختاره المحرر")
        self.article.tags.add("الشعفة")
        self.article.related.add(pick)
        self.run_import(self.path)
        article = Article.objects.get(pk=self.article.pk)
        self.assertEqual([tag.name for tag in article.tags.all()], ["الشعفة"])
        self.assertQuerySetEqual(article.related.all(), [pick])


class ImportRelatedTests(ImportFilesMixin, TestCase):
    def test_related_titles_link_to_articles_with_those_exact_titles(self):
        first = make_article("قوات سوريا الديمقراطية تواصل عملياتها في هجين")
        second = make_article("قصف عراقي على مواقع لتنظيم داعش")
        make_article("قوات سوريا الديمقراطية تواصل عملياتها")
        make_article("قصف عراقي على مواقع لتنظيم داعش داخل سوريا")
        related = [first.title, second.title, "خبر لم يُستورد بعد"]
        self.run_import(self.write("a.txt", article_text(related=related)))
        self.assertQuerySetEqual(Article.objects.get(import_key="a").related.order_by("pk"), [first, second])

    def test_related_articles_show_on_the_page(self):
        other = make_article("قوات سوريا الديمقراطية تواصل عملياتها في هجين")
        self.run_import(self.write("a.txt", article_text(related=[other.title])))
        response = self.client.get(Article.objects.get(import_key="a").get_absolute_url())
        self.assertContains(response, "قوات سوريا الديمقراطية تواصل عملياتها في هجين")

    def test_article_is_not_related_to_itself(self):
        title = "مقتل مدنيين باستهداف مشفى في بلدة الشعفة"
        self.run_import(self.write("a.txt", article_text(title=title, related=[title])))
        self.assertQuerySetEqual(Article.objects.get().related.all(), [])


class ImportCommandFilesTests(ImportFilesMixin, TestCase):
    def test_directory_imports_every_txt_file_in_it(self):
        self.write("b.txt", article_text(title="الخبر الثاني"))
        self.write("a.txt", article_text(title="الخبر الأول"))
        self.write("notes.md", "ليس خبرا")
        stdout, stderr = self.run_import(self.folder)
        self.assertEqual(stderr, "")
        self.assertQuerySetEqual(
            Article.objects.order_by("import_key").values_list("import_key", "title"),
            [("a", "الخبر الأول"), ("b", "الخبر الثاني")],
        )
        self.assertEqual(len(stdout.splitlines()), 2)

    def test_several_file_arguments(self):
        first = self.write("a.txt", article_text(title="الخبر الأول"))
        second = self.write("b.txt", article_text(title="الخبر الثاني"))
        self.run_import(first, second)
        self.assertEqual(Article.objects.count(), 2)

    def test_good_files_import_when_others_fail(self):
        good = self.write("good.txt", article_text(title="خبر سليم"))
        bad = self.write("bad.txt", article_text(body=()))
        also_good = self.write("also_good.txt", article_text(title="خبر سليم آخر"))
        stdout, stderr, error = self.run_failing_import(good, bad, also_good)
        self.assertEqual(stderr, f"{bad}: the body is empty\n")
        self.assertEqual(str(error), "1 of 3 files could not be imported.")
        self.assertEqual(error.returncode, 1)
        self.assertEqual(
            sorted(Article.objects.values_list("title", flat=True)), ["خبر سليم", "خبر سليم آخر"]
        )
        self.assertEqual(len(stdout.splitlines()), 2)

    def test_every_bad_file_in_a_directory_gets_its_own_line(self):
        self.write("a_good.txt", article_text())
        self.write("b_empty.txt", "")
        self.write("c_no_lead.txt", article_text(lead=None))
        _, stderr, error = self.run_failing_import(self.folder)
        self.assertEqual(
            stderr.splitlines(),
            [
                f"{self.folder / 'b_empty.txt'}: the file is empty",
                f"{self.folder / 'c_no_lead.txt'}: no lead: "
                "the line after the title is already the photo caption",
            ],
        )
        self.assertEqual(str(error), "2 of 3 files could not be imported.")
        self.assertEqual(Article.objects.get().import_key, "a_good")

    def test_failed_article_leaves_no_new_section_behind(self):
        # The import key (the file name) is too long for its column, which is found only
        # after the section was made: the whole file is one transaction.
        path = self.write("a" * 151 + ".txt", article_text(section="قسم جديد"))
        _, stderr, _ = self.run_failing_import(path)
        self.assertIn("import_key: ", stderr)
        self.assertFalse(Section.objects.exists())


class BrokenFileTests(ImportFilesMixin, TestCase):
    def assertImportFails(self, path: Path, problem: str):
        # CommandError is what manage.py turns into one line and exit status 1, without a
        # traceback; any other exception would escape run_failing_import().
        stdout, stderr, error = self.run_failing_import(path)
        lines = stderr.splitlines()
        self.assertEqual(len(lines), 1, stderr)
        self.assertTrue(lines[0].startswith(f"{path}: "), lines[0])
        self.assertIn(problem, lines[0])
        self.assertEqual(str(error), "1 of 1 files could not be imported.")
        self.assertEqual(stdout, "")
        self.assertFalse(Article.objects.exists())

    def test_empty_file(self):
        self.assertImportFails(self.write("empty.txt", ""), "the file is empty")

    def test_non_utf8_bytes(self):
        path = self.write("cp1256.txt", article_text().encode("cp1256"))
        self.assertImportFails(path, "not UTF-8 text")

    def test_missing_file(self):
        self.assertImportFails(self.folder / "missing.txt", "no such file")

    def test_folder_without_txt_files(self):
        self.write("notes.md", "ليس خبراً")
        self.assertImportFails(self.folder, "a folder with no .txt files")

    def test_no_lead(self):
        self.assertImportFails(self.write("a.txt", article_text(lead=None)), "no lead")

    def test_caption_without_date(self):
        path = self.write("a.txt", article_text(caption="مشفى بلدة الشعفة"))
        self.assertImportFails(
            path, "line 3 should be the photo caption ending in ' - <day> <Levantine month> <year>'"
        )

    def test_caption_with_unknown_month(self):
        path = self.write("a.txt", article_text(caption="مشفى بلدة الشعفة - 1 ديسمبر 2018"))
        self.assertImportFails(path, "line 3 should be the photo caption")

    def test_impossible_date(self):
        path = self.write("a.txt", article_text(caption="مشفى بلدة الشعفة - 31 شباط 2018"))
        self.assertImportFails(path, "the caption's date does not exist: 'مشفى بلدة الشعفة - 31 شباط 2018'")

    def test_no_section_marker(self):
        path = self.write("a.txt", article_text().replace("أقسام", "الأقسام"))
        self.assertImportFails(path, "no 'أقسام' line naming the section")

    def test_no_section_name(self):
        self.assertImportFails(
            self.write("a.txt", article_text(section=None)), "no section name after 'أقسام'"
        )

    def test_empty_body(self):
        self.assertImportFails(self.write("a.txt", article_text(body=())), "the body is empty")

    def test_title_over_250_characters(self):
        path = self.write("a.txt", article_text(title="ع" * 251))
        self.assertImportFails(path, "the title is longer than 250 characters")

    def test_section_name_too_long_for_the_database(self):
        path = self.write("a.txt", article_text(section="ق" * 101))
        self.assertImportFails(path, "name: ")
        self.assertFalse(Section.objects.exists())

    def test_nul_character(self):
        path = self.write("a.txt", article_text(title="عنوان\x00الخبر"))
        self.assertImportFails(path, "contains NUL characters")

    def test_section_name_of_punctuation_only(self):
        path = self.write("a.txt", article_text(section="..."))
        self.assertImportFails(path, "section: the section name '...' has no letters or digits")
        self.assertFalse(Section.objects.exists())
