from datetime import UTC, datetime, timedelta

from django.template.loader import render_to_string
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Correction, VerificationLabel
from newsroom.dates import format_date

from .factories import image_upload, make_article, make_author, make_section, make_source

RTL_HTML = '<html lang="ar" dir="rtl">'
NOT_FOUND_TEXT = "الصفحة غير موجودة"
CARD = '<article class="card-news">'


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


def tag_url(slug: str) -> str:
    return reverse("articles:tag", kwargs={"slug": slug})


def card_count(response) -> int:
    return response.content.decode().count(CARD)


def titles_in_order(response, titles) -> list[str]:
    """The given titles in the order they appear on the page."""
    content = response.content.decode()
    found = [(content.find(f">{title}</a>"), title) for title in titles]
    return [title for position, title in sorted(found) if position >= 0]


class NotFoundAssertions:
    def assertNotFoundPage(self, url):
        response = self.client.get(url)
        self.assertContains(response, NOT_FOUND_TEXT, status_code=404)
        self.assertContains(response, RTL_HTML, status_code=404)


class HomePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.politics = make_section("سياسة", menu_order=1)
        cls.economy = make_section("اقتصاد", menu_order=2)
        cls.hidden = make_section("قسم مخفي", is_active=False)
        # Twelve politics stories: the newest leads, the next eight are "latest", the rest
        # fill the politics block.
        cls.politics_articles = [
            make_article(f"خبر سياسي رقم {n}", section=cls.politics, pub_date=ago(hours=n))
            for n in range(1, 13)
        ]
        cls.economy_article = make_article("ارتفاع سعر الخبز", section=cls.economy, pub_date=ago(days=3))
        cls.draft = make_article("مسودة لا تنشر", section=cls.politics, status=Article.Status.DRAFT)
        cls.future = make_article("خبر الغد المجدول", section=cls.politics, pub_date=ago(hours=-2))

    def test_home_is_arabic_rtl(self):
        response = self.client.get(reverse("home"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, RTL_HTML)

    def test_newest_article_is_the_lead_story(self):
        response = self.client.get(reverse("home"))
        lead = self.politics_articles[0]
        self.assertEqual(response.context["lead"], lead)
        self.assertContains(
            response, f'<h2 id="lead-title" class="lead-story-title"><a href="{lead.get_absolute_url()}"'
        )

    def test_next_eight_articles_are_latest_news(self):
        response = self.client.get(reverse("home"))
        self.assertEqual(response.context["latest"], self.politics_articles[1:9])
        self.assertContains(response, f'<a href="{reverse("articles:latest")}">آخر الأخبار</a>')

    def test_section_blocks_show_older_articles_by_section(self):
        response = self.client.get(reverse("home"))
        blocks = response.context["section_blocks"]
        self.assertEqual(
            blocks,
            [
                (self.politics, self.politics_articles[9:12]),
                (self.economy, [self.economy_article]),
            ],
        )
        self.assertContains(response, f'<a href="{self.economy.get_absolute_url()}">اقتصاد</a></h2>')
        self.assertContains(response, "ارتفاع سعر الخبز")

    def test_every_published_article_appears_once(self):
        response = self.client.get(reverse("home"))
        content = response.content.decode()
        for article in [*self.politics_articles, self.economy_article]:
            with self.subTest(article=article.title):
                self.assertEqual(content.count(f'href="{article.get_absolute_url()}"'), 1)

    def test_drafts_and_future_articles_are_not_shown(self):
        response = self.client.get(reverse("home"))
        self.assertNotContains(response, "مسودة لا تنشر")
        self.assertNotContains(response, "خبر الغد المجدول")

    def test_dates_use_levantine_month_names(self):
        article = make_article(
            "خبر قديم", section=self.economy, pub_date=datetime(2018, 11, 30, 22, 30, tzinfo=UTC)
        )
        response = self.client.get(reverse("home"))
        self.assertContains(response, article.title)
        self.assertContains(response, "1 كانون الأول 2018")

    def test_menu_lists_visible_top_level_sections(self):
        make_section("حلب", parent=self.politics)
        response = self.client.get(reverse("home"))
        self.assertContains(response, f'<li><a href="{self.politics.get_absolute_url()}">سياسة</a></li>')
        self.assertContains(response, f'<li><a href="{self.economy.get_absolute_url()}">اقتصاد</a></li>')
        self.assertNotContains(response, "قسم مخفي")
        self.assertNotContains(response, ">حلب<")


class EmptyHomePageTests(TestCase):
    def test_home_without_articles_says_so(self):
        make_article("مسودة وحيدة", status=Article.Status.DRAFT)
        response = self.client.get(reverse("home"))
        self.assertContains(response, "لا أخبار منشورة بعد.")
        self.assertNotContains(response, "مسودة وحيدة")


class ArticlePageTests(NotFoundAssertions, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.syria = make_section("سوريا")
        cls.east = make_section("المنطقة الشرقية", parent=cls.syria)
        cls.sana = make_source("سانا", kind="state")
        cls.observatory = make_source("المرصد السوري", kind="local_network")
        cls.laila = make_author("ليلى حسن")
        cls.omar = make_author("عمر خليل")
        cls.article = make_article(
            "مقتل ثلاثة مدنيين في دير الزور",
            section=cls.east,
            lead="قُتل ثلاثة مدنيين بقصف على ريف دير الزور الشرقي.",
            body="<p>قال <strong>شهود</strong> إن القصف بدأ فجراً.</p><h2>ردود الفعل</h2>",
            pub_date=datetime(2018, 11, 30, 22, 30, tzinfo=UTC),
            tags=["دير الزور", "قصف"],
            sources=[cls.sana, cls.observatory],
            authors=[cls.laila, cls.omar],
            photo=image_upload("deir.jpg"),
            photo_caption="آثار القصف على حي سكني",
            photo_credit="وكالة محلية",
            photo_alt="مبنى مدمر وسط الركام",
        )
        cls.related = make_article("نزوح عائلات من ريف دير الزور", section=cls.east, tags=["دير الزور"])
        cls.draft = make_article("مسودة عن دير الزور", section=cls.east, status=Article.Status.DRAFT)
        cls.future = make_article("خبر مجدول عن دير الزور", section=cls.east, pub_date=ago(hours=-3))

    def get_article_page(self):
        response = self.client.get(self.article.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        return response

    def test_page_is_arabic_rtl(self):
        self.assertContains(self.get_article_page(), RTL_HTML)

    def test_shows_title_lead_and_body_html(self):
        response = self.get_article_page()
        self.assertContains(
            response, '<h1 class="article-title" dir="auto">مقتل ثلاثة مدنيين في دير الزور</h1>'
        )
        self.assertContains(response, "قُتل ثلاثة مدنيين بقصف على ريف دير الزور الشرقي.")
        self.assertContains(
            response, "<p>قال <strong>شهود</strong> إن القصف بدأ فجراً.</p><h2>ردود الفعل</h2>"
        )
        self.assertContains(response, "<title>مقتل ثلاثة مدنيين في دير الزور | غرفة الأخبار</title>")

    def test_breadcrumb_has_parent_and_section(self):
        response = self.get_article_page()
        self.assertContains(
            response,
            f'<li class="breadcrumb-item"><a href="{self.syria.get_absolute_url()}">سوريا</a></li>',
        )
        self.assertContains(
            response,
            f'<li class="breadcrumb-item"><a href="{self.east.get_absolute_url()}">المنطقة الشرقية</a></li>',
        )

    def test_breadcrumb_of_top_level_section_has_only_that_section(self):
        article = make_article("خبر من سوريا", section=self.syria)
        response = self.client.get(article.get_absolute_url())
        self.assertContains(response, 'class="breadcrumb-item"', count=2)
        self.assertContains(response, f'<a href="{self.syria.get_absolute_url()}">سوريا</a>')

    def test_date_uses_levantine_month_in_damascus_time(self):
        response = self.get_article_page()
        self.assertContains(response, '<time datetime="2018-12-01T00:30:00+02:00">1 كانون الأول 2018</time>')

    def test_photo_rendition_with_caption_credit_and_alt(self):
        response = self.get_article_page()
        self.assertContains(response, 'alt="مبنى مدمر وسط الركام"')
        self.assertContains(response, '<span dir="auto">آثار القصف على حي سكني</span>')
        self.assertContains(response, '<span class="photo-credit">تصوير: <bdi>وكالة محلية</bdi></span>')
        photo = self.article.featured_photo
        # Renditions at 320, 640 and the original's own 800 px, WebP first; the lead photo is
        # fetched first, never lazily; width and height keep its place while it loads.
        webp = ", ".join(f"{r.url} {r.width}w" for r in photo.rendition_list("webp"))
        self.assertContains(response, f'<source type="image/webp" srcset="{webp}"')
        self.assertContains(response, 'width="800" height="450" fetchpriority="high" decoding="async">')
        self.assertEqual([r.width for r in photo.rendition_list("webp")], [320, 640, 800])
        self.assertContains(response, f'src="{photo.url(1024)}"')
        # Readers get resized renditions, never the original upload.
        self.assertNotContains(response, photo.image.url)

    def test_missing_photo_file_costs_the_picture_not_the_page(self):
        article = make_article("خبر فقدت صورته", section=self.east, photo=image_upload("lost.jpg"))
        photo = article.featured_photo
        # A photo whose renditions were never made (moved in by the migration) and whose
        # file has since gone.
        photo.image.storage.delete(photo.image.name)
        type(photo).objects.filter(pk=photo.pk).update(renditions=[])
        with self.assertLogs("photos.models", "WARNING"):
            response = self.client.get(article.get_absolute_url())
        self.assertContains(response, "خبر فقدت صورته")
        self.assertNotContains(response, '<figure class="article-photo">')

    def test_article_without_photo_has_no_figure(self):
        response = self.client.get(self.related.get_absolute_url())
        self.assertContains(response, "نزوح عائلات من ريف دير الزور")
        self.assertNotContains(response, '<figure class="article-photo">')

    def test_sources_and_bylines_are_listed_by_name(self):
        html = self.get_article_page().content.decode()
        # "المرصد السوري" before "سانا", "عمر خليل" before "ليلى حسن", whatever order they were added in.
        for first, second in ((self.observatory, self.sana), (self.omar, self.laila)):
            with self.subTest(first=first.name):
                self.assertLess(
                    html.index(f"<bdi>{first.name}</bdi>"), html.index(f"<bdi>{second.name}</bdi>")
                )

    def test_bylines_link_to_author_pages(self):
        response = self.get_article_page()
        for author in (self.laila, self.omar):
            with self.subTest(author=author.name):
                self.assertContains(
                    response, f'<a href="{author.get_absolute_url()}"><bdi>{author.name}</bdi></a>'
                )
        self.assertContains(response, "بقلم ")

    def test_cited_sources_link_to_source_pages_with_their_kind(self):
        response = self.get_article_page()
        self.assertContains(response, "المصادر المذكورة")
        self.assertContains(
            response,
            f'<a class="chip" href="{self.sana.get_absolute_url()}">'
            "<bdi>سانا</bdi> <small>(إعلام رسمي)</small></a>",
        )
        self.assertContains(
            response,
            f'<a class="chip" href="{self.observatory.get_absolute_url()}">'
            "<bdi>المرصد السوري</bdi> <small>(شبكة محلية)</small></a>",
        )

    def test_tags_link_to_tag_pages(self):
        response = self.get_article_page()
        self.assertContains(
            response, f'<a class="chip" href="{tag_url("دير-الزور")}"><bdi>دير الزور</bdi></a>'
        )
        self.assertContains(response, f'<a class="chip" href="{tag_url("قصف")}"><bdi>قصف</bdi></a>')

    def test_tag_of_punctuation_alone_is_shown_unlinked_not_a_server_error(self):
        # taggit slugifies "؟؟" to "", and reversing the tag URL with it used to raise a 500.
        article = make_article("خبر بوسم غريب", section=self.syria, tags=["؟؟", "حمص"])
        response = self.client.get(article.get_absolute_url())
        self.assertContains(response, '<span class="chip"><bdi>؟؟</bdi></span>')
        self.assertContains(response, f'<a class="chip" href="{tag_url("حمص")}"><bdi>حمص</bdi></a>')

    def test_article_without_sources_tags_or_authors_has_no_empty_headings(self):
        response = self.client.get(make_article("خبر بلا مصادر", section=self.syria).get_absolute_url())
        self.assertNotContains(response, "المصادر المذكورة")
        self.assertNotContains(response, "الوسوم")
        self.assertNotContains(response, "بقلم")

    def test_related_news_are_shown(self):
        response = self.get_article_page()
        self.assertContains(response, '<h2 id="related-title" class="block-title">أخبار متعلقة</h2>')
        self.assertContains(response, "نزوح عائلات من ريف دير الزور")

    def test_drafts_and_future_articles_are_never_related(self):
        response = self.get_article_page()
        self.assertNotContains(response, "مسودة عن دير الزور")
        self.assertNotContains(response, "خبر مجدول عن دير الزور")

    def test_wrong_slug_redirects_permanently_to_canonical_url(self):
        url = reverse("articles:detail", kwargs={"pk": self.article.pk, "slug": "عنوان-قديم"})
        response = self.client.get(url)
        self.assertRedirects(response, self.article.get_absolute_url(), status_code=301)

    def test_canonical_link_is_the_article_url(self):
        response = self.get_article_page()
        self.assertContains(
            response, f'<link rel="canonical" href="http://testserver{self.article.get_absolute_url()}">'
        )

    def test_unknown_article_number_is_404(self):
        self.assertNotFoundPage(reverse("articles:detail", kwargs={"pk": 987654, "slug": "لا-يوجد"}))

    def test_non_numeric_article_number_is_404(self):
        self.assertNotFoundPage("/news/abc/خبر/")

    def test_draft_is_404_even_with_its_own_slug(self):
        self.assertNotFoundPage(self.draft.get_absolute_url())

    def test_future_article_is_404_until_its_time(self):
        self.assertNotFoundPage(self.future.get_absolute_url())

    def test_draft_with_wrong_slug_is_404_not_a_redirect(self):
        self.assertNotFoundPage(reverse("articles:detail", kwargs={"pk": self.draft.pk, "slug": "x"}))


class ListPagesTests(NotFoundAssertions, TestCase):
    """What each archive page lists: its own published articles, never drafts or future ones."""

    @classmethod
    def setUpTestData(cls):
        cls.syria = make_section("سوريا", description="أخبار المحافظات السورية")
        cls.aleppo = make_section("حلب", parent=cls.syria)
        cls.hidden_child = make_section("قسم فرعي مخفي", parent=cls.syria, is_active=False)
        cls.world = make_section("العالم")
        cls.source = make_source(
            "سانا",
            kind="state",
            note="وكالة الأنباء الرسمية التابعة للحكومة السورية.",
            website="https://sana.sy/",
        )
        cls.author = make_author("ليلى حسن", bio="مراسلة في حلب منذ 2015.")
        common = {"tags": ["دير الزور"], "sources": [cls.source], "authors": [cls.author]}
        cls.live = make_article("خبر منشور عن سوريا", section=cls.syria, **common)
        cls.child_live = make_article("خبر منشور من حلب", section=cls.aleppo, **common)
        cls.draft = make_article(
            "مسودة لم تنشر بعد", section=cls.syria, status=Article.Status.DRAFT, **common
        )
        cls.future = make_article("خبر مجدول للغد", section=cls.syria, pub_date=ago(hours=-20), **common)
        cls.hidden_child_article = make_article("خبر في قسم مخفي", section=cls.hidden_child)
        cls.world_article = make_article("خبر من العالم", section=cls.world, tags=["جنيف"])

    def list_urls(self):
        return {
            "latest": reverse("articles:latest"),
            "section": self.syria.get_absolute_url(),
            "tag": tag_url("دير-الزور"),
            "source": self.source.get_absolute_url(),
            "author": self.author.get_absolute_url(),
        }

    def test_every_list_page_is_arabic_rtl(self):
        for name, url in self.list_urls().items():
            with self.subTest(page=name):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, RTL_HTML)

    def test_no_list_page_shows_drafts_or_future_articles(self):
        for name, url in self.list_urls().items():
            with self.subTest(page=name):
                response = self.client.get(url)
                self.assertContains(response, "خبر منشور عن سوريا")
                self.assertNotContains(response, "مسودة لم تنشر بعد")
                self.assertNotContains(response, "خبر مجدول للغد")

    def test_latest_lists_every_published_article(self):
        response = self.client.get(reverse("articles:latest"))
        self.assertContains(response, '<h1 class="list-title">آخر الأخبار</h1>')
        for article in (self.live, self.child_live, self.world_article):
            with self.subTest(article=article.title):
                self.assertContains(
                    response, f'<a href="{article.get_absolute_url()}" dir="auto">{article.title}</a>'
                )

    def test_cards_show_section_lead_and_date(self):
        response = self.client.get(reverse("articles:latest"))
        self.assertContains(
            response, f'<a class="card-news-section" href="{self.aleppo.get_absolute_url()}">حلب</a>'
        )
        self.assertContains(response, '<p class="card-news-lead" dir="auto">مقدمة الخبر</p>')
        local = timezone.localtime(self.live.pub_date)
        self.assertContains(
            response,
            f'<time class="card-news-date" datetime="{local.isoformat(timespec="seconds")}">'
            f"{format_date(local)}</time>",
        )

    def test_section_page_includes_sub_section_articles(self):
        response = self.client.get(self.syria.get_absolute_url())
        self.assertContains(response, '<h1 class="list-title">سوريا</h1>')
        self.assertContains(response, "أخبار المحافظات السورية")
        self.assertContains(response, "خبر منشور عن سوريا")
        self.assertContains(response, "خبر منشور من حلب")
        self.assertContains(response, f'<li><a href="{self.aleppo.get_absolute_url()}">حلب</a></li>')
        self.assertNotContains(response, "خبر من العالم")

    def test_section_page_lists_hidden_sub_section_articles_without_linking_it(self):
        response = self.client.get(self.syria.get_absolute_url())
        self.assertNotContains(response, f'<a href="{self.hidden_child.get_absolute_url()}">')
        self.assertContains(response, "خبر في قسم مخفي")

    def test_sub_section_page_has_breadcrumb_and_only_its_articles(self):
        response = self.client.get(self.aleppo.get_absolute_url())
        self.assertContains(
            response,
            f'<li class="breadcrumb-item"><a href="{self.syria.get_absolute_url()}">سوريا</a></li>',
        )
        self.assertContains(response, '<li class="breadcrumb-item active" aria-current="page">حلب</li>')
        self.assertContains(response, "خبر منشور من حلب")
        self.assertNotContains(response, "خبر منشور عن سوريا")

    def test_section_is_current_in_menu(self):
        response = self.client.get(self.syria.get_absolute_url())
        self.assertContains(
            response, f'<a href="{self.syria.get_absolute_url()}" aria-current="page">سوريا</a>'
        )

    def test_empty_section_says_so(self):
        response = self.client.get(make_section("قسم جديد").get_absolute_url())
        self.assertContains(response, "لا أخبار منشورة في هذا القسم بعد.")
        self.assertEqual(card_count(response), 0)

    def test_tag_page_lists_only_articles_with_that_tag(self):
        response = self.client.get(tag_url("دير-الزور"))
        self.assertContains(response, '<span class="list-kind">وسم:</span> <bdi>دير الزور</bdi>')
        self.assertContains(response, "خبر منشور عن سوريا")
        self.assertContains(response, "خبر منشور من حلب")
        self.assertNotContains(response, "خبر من العالم")
        self.assertEqual(card_count(response), 2)

    def test_source_page_shows_who_is_behind_it(self):
        response = self.client.get(self.source.get_absolute_url())
        self.assertContains(response, '<span class="list-kind">مصدر:</span> <bdi>سانا</bdi>')
        self.assertContains(response, '<span class="badge text-bg-secondary">إعلام رسمي</span>')
        self.assertContains(response, "وكالة الأنباء الرسمية التابعة للحكومة السورية.")
        self.assertContains(response, '<a href="https://sana.sy/" dir="ltr" rel="nofollow noopener">')
        self.assertContains(response, "أخبار تستند إلى هذا المصدر")
        self.assertEqual(card_count(response), 2)
        self.assertNotContains(response, "خبر من العالم")

    def test_author_page_shows_bio_and_their_articles(self):
        response = self.client.get(self.author.get_absolute_url())
        self.assertContains(response, '<h1 class="list-title"><bdi>ليلى حسن</bdi></h1>')
        self.assertContains(response, "مراسلة في حلب منذ 2015.")
        self.assertContains(response, "خبر منشور عن سوريا")
        self.assertEqual(card_count(response), 2)
        self.assertNotContains(response, "خبر من العالم")

    def test_author_without_articles_says_so(self):
        response = self.client.get(make_author("كاتب جديد").get_absolute_url())
        self.assertContains(response, "لا أخبار منشورة لهذا الكاتب بعد.")

    def test_unknown_slugs_are_404(self):
        for url in (
            reverse("sections:detail", kwargs={"slug": "لا-يوجد"}),
            reverse("sources:detail", kwargs={"slug": "لا-يوجد"}),
            reverse("authors:detail", kwargs={"slug": "لا-يوجد"}),
            tag_url("لا-يوجد"),
        ):
            with self.subTest(url=url):
                self.assertNotFoundPage(url)

    def test_hidden_section_keeps_its_archive_page(self):
        response = self.client.get(self.hidden_child.get_absolute_url())
        self.assertContains(response, "خبر في قسم مخفي")
        self.assertNotContains(response, f'<a href="{self.hidden_child.get_absolute_url()}"')


class PaginationTests(NotFoundAssertions, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("سوريا")
        cls.source = make_source("سانا")
        cls.author = make_author("ليلى حسن")
        cls.articles = [
            make_article(
                f"خبر مرقم {n:02d}",
                section=cls.section,
                pub_date=ago(hours=n),
                tags=["حلب"],
                sources=[cls.source],
                authors=[cls.author],
            )
            for n in range(1, 14)
        ]

    def list_urls(self):
        return {
            "latest": reverse("articles:latest"),
            "section": self.section.get_absolute_url(),
            "tag": tag_url("حلب"),
            "source": self.source.get_absolute_url(),
            "author": self.author.get_absolute_url(),
        }

    def test_thirteen_articles_make_two_pages(self):
        newest, oldest = self.articles[0].title, self.articles[-1].title
        for name, url in self.list_urls().items():
            with self.subTest(page=name):
                first = self.client.get(url)
                self.assertEqual(card_count(first), 12)
                self.assertContains(first, "صفحة 1 من 2")
                self.assertContains(first, '<a class="page-link" href="?page=2" rel="next">التالي</a>')
                self.assertNotContains(first, 'rel="prev"')
                self.assertContains(first, newest)
                self.assertNotContains(first, oldest)

                second = self.client.get(url, {"page": 2})
                self.assertEqual(card_count(second), 1)
                self.assertContains(second, "صفحة 2 من 2")
                self.assertContains(second, '<a class="page-link" href="?page=1" rel="prev">السابق</a>')
                self.assertNotContains(second, 'rel="next"')
                self.assertContains(second, oldest)

    def test_bad_page_numbers_are_404_not_500(self):
        for name, url in self.list_urls().items():
            for page in ("abc", "999", "0", "-1"):
                with self.subTest(page=name, number=page):
                    self.assertNotFoundPage(f"{url}?page={page}")

    def test_one_page_has_no_pagination(self):
        response = self.client.get(make_author("كاتب بخبر واحد").get_absolute_url())
        self.assertNotContains(response, "التنقل بين الصفحات")


class QueryCountTests(TestCase):
    """Each page costs the same number of queries whatever it holds."""

    def assertPageQueries(self, count, url):
        with self.assertNumQueries(count):
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return response

    def make_articles(self, n, *, with_photos=False, **fields):
        return [
            make_article(
                pub_date=ago(minutes=n - i),
                photo=image_upload(f"p{i}.jpg", size=(160, 90)) if with_photos else "",
                **fields,
            )
            for i in range(n)
        ]

    def test_home(self):
        self.make_articles(2, section=make_section())
        self.assertPageQueries(3, reverse("home"))

        for _ in range(5):
            self.make_articles(6, section=make_section(), with_photos=True)
        response = self.assertPageQueries(3, reverse("home"))
        self.assertGreater(card_count(response), 20)

    def test_article_page(self):
        section = make_section()
        few = make_article(section=section, tags=["وسم"], sources=[make_source()], authors=[make_author()])
        few.related.add(make_article(section=make_section()))
        make_article(section=make_section(), tags=["وسم"])
        # The article, its tags, sources and bylines (one query), the comments' count, the
        # related cards and the menu. The first view also ranks the related news (two
        # queries, tests/test_related.py); later views read the ranking from the cache.
        self.assertPageQueries(7, few.get_absolute_url())
        self.assertPageQueries(5, few.get_absolute_url())

        tags = [f"وسم {n}" for n in range(8)]
        sources = [make_source() for _ in range(5)]
        many = make_article(
            section=make_section(parent=make_section()),
            tags=tags,
            sources=sources,
            authors=[make_author() for _ in range(4)],
            photo=image_upload(size=(160, 90)),
            photo_is_graphic=True,
            verification=VerificationLabel.objects.create(text="لم يتسنَّ لنا التحقق من صحة هذه المعلومات"),
        )
        for n in range(4):
            many.corrections.create(kind=Correction.Kind.UPDATE, text=f"تحديث {n}")
        many.related.add(*self.make_articles(5, section=make_section(), with_photos=True))
        self.make_articles(3, section=make_section(), tags=tags[:2], sources=sources[:1], with_photos=True)
        # Flat in the number of labels; one more for the corrections, once there are some.
        self.assertPageQueries(8, many.get_absolute_url())
        response = self.assertPageQueries(6, many.get_absolute_url())
        self.assertEqual(len(response.context["related"]), 6)
        self.assertContains(response, '<a class="chip"', count=8 + 5)

    def test_latest(self):
        self.make_articles(2, section=make_section())
        self.assertPageQueries(3, reverse("articles:latest"))

        self.make_articles(28, section=make_section(), with_photos=True)
        response = self.assertPageQueries(3, reverse("articles:latest"))
        self.assertEqual(card_count(response), 12)

    def test_section(self):
        few = make_section()
        self.make_articles(2, section=few)
        self.assertPageQueries(5, few.get_absolute_url())

        many = make_section()
        children = [make_section(parent=many) for _ in range(3)]
        self.make_articles(10, section=many, with_photos=True)
        for child in children:
            self.make_articles(7, section=child)
        response = self.assertPageQueries(5, many.get_absolute_url())
        self.assertEqual(card_count(response), 12)

    def test_tag(self):
        self.make_articles(2, section=make_section(), tags=["قليل"])
        self.assertPageQueries(4, tag_url("قليل"))

        self.make_articles(30, section=make_section(), tags=["كثير", "آخر"], with_photos=True)
        response = self.assertPageQueries(4, tag_url("كثير"))
        self.assertEqual(card_count(response), 12)

    def test_source(self):
        few = make_source()
        self.make_articles(2, section=make_section(), sources=[few])
        self.assertPageQueries(4, few.get_absolute_url())

        many = make_source()
        self.make_articles(30, section=make_section(), sources=[many, make_source()], with_photos=True)
        response = self.assertPageQueries(4, many.get_absolute_url())
        self.assertEqual(card_count(response), 12)

    def test_author(self):
        few = make_author()
        self.make_articles(2, section=make_section(), authors=[few])
        self.assertPageQueries(4, few.get_absolute_url())

        many = make_author()
        self.make_articles(30, section=make_section(), authors=[many, make_author()], with_photos=True)
        response = self.assertPageQueries(4, many.get_absolute_url())
        self.assertEqual(card_count(response), 12)


class ServerErrorPageTests(TestCase):
    def test_500_page_renders_without_context_or_database(self):
        with self.assertNumQueries(0):
            html = render_to_string("500.html")
        self.assertIn('<html lang="ar" dir="rtl">', html)
        self.assertIn("عذراً، حدث خطأ في الخادم", html)
