"""The editors' side: the Arabic admin for articles, sections, sources and authors."""

import html
import json
import re
from datetime import datetime

from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import SUCCESS
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import uri_to_iri
from taggit.models import Tag

from articles.models import Article
from authors.models import Author
from photos.models import Photo
from sections.models import Section
from sources.models import Source

from .factories import (
    image_upload,
    inline_management_data,
    make_article,
    make_author,
    make_photo,
    make_section,
    make_source,
)

ADD_URL = reverse("admin:articles_article_add")
CHANGELIST_URL = reverse("admin:articles_article_changelist")
AUTOCOMPLETE_URL = reverse("admin:autocomplete")


def make_editor() -> User:
    """A staff member with the newsroom's permissions, not a superuser: what an editor really is."""
    editor = User.objects.create_user("editor", password="irrelevant", is_staff=True)
    editor.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["articles", "sections", "sources", "authors", "taggit"]
        )
    )
    return editor


def prepopulated_fields(response) -> list[dict]:
    """The admin's prepopulated-fields config, as the page's JavaScript will read it."""
    match = re.search(r'data-prepopulated-fields="([^"]*)"', response.content.decode())
    assert match, "the page has no prepopulated-fields config"
    return json.loads(html.unescape(match.group(1)))


def success_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level == SUCCESS]


class EditorTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_editor()

    def setUp(self):
        self.client.force_login(self.editor)


class ArticleChangelistTests(EditorTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.news = make_section("أخبار سوريا")
        cls.opinion = make_section("رأي")
        cls.observatory = make_source("المرصد السوري")
        cls.deir = make_article(
            "اشتباكات في ريف دير الزور الشرقي",
            section=cls.news,
            tags=["دير الزور"],
            sources=[cls.observatory],
            photo=image_upload(),
        )
        cls.draft = make_article(
            "مقالة عن الاقتصاد",
            section=cls.opinion,
            status=Article.Status.DRAFT,
            pub_date=timezone.make_aware(datetime(2023, 6, 15, 12, 0)),
        )

    def get_results(self, **params):
        response = self.client.get(CHANGELIST_URL, params)
        self.assertEqual(response.status_code, 200)
        return set(response.context["cl"].result_list)

    def test_changelist_is_arabic_rtl(self):
        response = self.client.get(CHANGELIST_URL)
        self.assertContains(response, '<html lang="ar" dir="rtl">', html=False)
        self.assertContains(response, "الأخبار")
        self.assertContains(response, "العنوان")

    def test_changelist_shows_thumbnail_for_article_with_photo(self):
        response = self.client.get(CHANGELIST_URL)
        thumb_url = self.deir.featured_photo.thumbnail_url
        self.assertTrue(thumb_url.endswith("-320.jpg"), thumb_url)
        self.assertContains(response, f'<img src="{thumb_url}" alt="" width="96" height="54" loading="lazy"')
        # The article without a photo gets a dash, not a broken image.
        self.assertContains(response, 'loading="lazy"', count=1)
        self.assertContains(
            response, f'<a href="{reverse("admin:articles_article_change", args=[self.draft.pk])}">—</a>'
        )

    def test_filters_are_offered_with_arabic_titles(self):
        response = self.client.get(CHANGELIST_URL)
        self.assertContains(response, 'id="changelist-filter"')
        for title in ["القسم", "الحالة", "المصادر المذكورة", "الوسوم"]:
            self.assertContains(response, f'data-filter-title="{title}"')

    def test_filter_by_section(self):
        self.assertEqual(self.get_results(section__id__exact=self.opinion.pk), {self.draft})

    def test_filter_by_status(self):
        self.assertEqual(self.get_results(status__exact="published"), {self.deir})
        self.assertEqual(self.get_results(status__exact="draft"), {self.draft})

    def test_filter_by_source(self):
        self.assertEqual(self.get_results(sources__id__exact=self.observatory.pk), {self.deir})

    def test_filter_by_tag(self):
        tag = Tag.objects.get(name="دير الزور")
        self.assertEqual(self.get_results(tags__id__exact=tag.pk), {self.deir})

    def test_search_in_arabic(self):
        self.assertEqual(self.get_results(q="دير الزور"), {self.deir})
        self.assertEqual(self.get_results(q="الاقتصاد"), {self.draft})

    def test_date_hierarchy(self):
        response = self.client.get(CHANGELIST_URL)
        self.assertContains(response, '<nav class="toplinks">')
        self.assertContains(response, "?pub_date__year=2023")
        self.assertEqual(self.get_results(pub_date__year=2023), {self.draft})
        self.assertEqual(
            self.get_results(pub_date__year=2023, pub_date__month=6, pub_date__day=15), {self.draft}
        )

    def test_query_count_does_not_grow_with_rows(self):
        def count_queries():
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(CHANGELIST_URL).status_code, 200)
            return len(queries)

        few = count_queries()
        for number in range(5):
            make_article(f"خبر إضافي {number}", section=make_section())
        self.assertEqual(count_queries(), few)


class ArticleAddPageTests(EditorTestCase):
    def test_add_page_is_arabic_rtl(self):
        response = self.client.get(ADD_URL)
        self.assertContains(response, '<html lang="ar" dir="rtl">')
        self.assertContains(response, "العنوان")
        self.assertContains(response, "وسوم جديدة")

    def test_add_page_loads_the_prose_editor(self):
        response = self.client.get(ADD_URL)
        self.assertContains(response, "django_prose_editor/editor.js")
        self.assertContains(response, "django_prose_editor/editor.css")
        self.assertContains(response, 'name="body"')
        self.assertContains(response, "data-django-prose-editor-")

    def test_add_page_uses_autocomplete_for_relations(self):
        response = self.client.get(ADD_URL)
        self.assertContains(response, "admin/js/autocomplete.js")
        self.assertContains(response, "admin/js/vendor/select2/select2.full")
        for field in ["section", "tags", "sources", "authors", "related", "verification"]:
            self.assertContains(response, f'data-field-name="{field}"')
        self.assertContains(response, f'data-ajax--url="{AUTOCOMPLETE_URL}"', count=6)

    def test_slug_is_prepopulated_from_title_keeping_arabic(self):
        config = prepopulated_fields(self.client.get(ADD_URL))
        self.assertEqual(len(config), 1)
        self.assertEqual(config[0]["id"], "#id_slug")
        self.assertEqual(config[0]["dependency_ids"], ["#id_title"])
        # Without allowUnicode the admin's URLify would strip every Arabic letter.
        self.assertIs(config[0]["allowUnicode"], True)


class ArticleAddTests(EditorTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.section = make_section("أخبار سوريا")
        cls.coalition = Tag.objects.create(name="التحالف الدولي")
        cls.observatory = make_source("المرصد السوري")
        cls.author = make_author("سارة الأحمد")
        cls.earlier = make_article("خبر سابق عن هجين", section=cls.section)
        cls.photo = make_photo(image_upload("هجين.jpg"), caption="دخان فوق البلدة")

    def form_data(self, **overrides):
        data = {
            "title": "قصف على هجين في ريف دير الزور",
            "slug": "",
            "lead": "قالت مصادر محلية إن القصف استهدف أطراف البلدة.",
            "body": "<p>نص الخبر الكامل.</p>",
            "section": self.section.pk,
            "new_tags": "",
            "featured_photo": "",
            "pub_date_0": "2025-03-01",
            "pub_date_1": "10:30:00",
            "_save": "حفظ",
            **inline_management_data(),
        }
        if "_transition" in overrides:
            # A workflow button is pressed instead of "save", as in the browser.
            del data["_save"]
        data.update(overrides)
        return data

    def test_creates_article_with_everything(self):
        before = timezone.now()
        response = self.client.post(
            ADD_URL,
            self.form_data(
                tags=[self.coalition.pk],
                new_tags="دير الزور، هجين",
                sources=[self.observatory.pk],
                authors=[self.author.pk],
                related=[self.earlier.pk],
                featured_photo=self.photo.pk,
                _transition="publish",
            ),
        )
        self.assertRedirects(response, CHANGELIST_URL)

        article = Article.objects.get(title="قصف على هجين في ريف دير الزور")
        self.assertEqual(article.section, self.section)
        self.assertEqual(article.status, Article.Status.PUBLISHED)
        self.assertTrue(article.is_published())
        self.assertEqual(set(article.tags.names()), {"التحالف الدولي", "دير الزور", "هجين"})
        self.assertEqual(set(article.tags.slugs()), {"التحالف-الدولي", "دير-الزور", "هجين"})
        self.assertQuerySetEqual(article.sources.all(), [self.observatory])
        self.assertQuerySetEqual(article.authors.all(), [self.author])
        self.assertQuerySetEqual(article.related.all(), [self.earlier])
        self.assertEqual(article.featured_photo, self.photo)
        # "Publish now" dates a new article now, whatever the form's date said.
        self.assertTrue(before <= article.pub_date <= timezone.now(), article.pub_date)

    def test_saved_draft_keeps_typed_publication_date(self):
        self.assertRedirects(self.client.post(ADD_URL, self.form_data()), CHANGELIST_URL)
        article = Article.objects.get(title="قصف على هجين في ريف دير الزور")
        self.assertEqual(article.status, Article.Status.DRAFT)
        self.assertEqual(article.pub_date, timezone.make_aware(datetime(2025, 3, 1, 10, 30)))

    def test_published_article_is_readable_by_readers(self):
        self.client.post(ADD_URL, self.form_data(_transition="publish"))
        article = Article.objects.get(title="قصف على هجين في ريف دير الزور")
        self.client.logout()
        response = self.client.get(article.get_absolute_url())
        self.assertContains(response, "قصف على هجين في ريف دير الزور")
        self.assertContains(response, "نص الخبر الكامل.")

    def test_empty_slug_becomes_arabic_slug_of_title(self):
        self.client.post(ADD_URL, self.form_data())
        article = Article.objects.get(title="قصف على هجين في ريف دير الزور")
        self.assertEqual(article.slug, "قصف-على-هجين-في-ريف-دير-الزور")
        self.assertEqual(
            uri_to_iri(article.get_absolute_url()), f"/news/{article.pk}/قصف-على-هجين-في-ريف-دير-الزور/"
        )

    def test_typed_slug_is_kept(self):
        self.client.post(ADD_URL, self.form_data(slug="قصف-هجين"))
        self.assertEqual(Article.objects.get(title="قصف على هجين في ريف دير الزور").slug, "قصف-هجين")

    def test_body_is_sanitised(self):
        body = (
            "<p>نص <strong>مهم</strong>.</p>"
            "<script>alert('xss')</script>"
            '<p><img src="x" onerror="alert(1)"></p>'
            '<p><a href="javascript:alert(2)">رابط</a></p>'
        )
        response = self.client.post(ADD_URL, self.form_data(body=body))
        self.assertEqual(response.status_code, 302)
        stored = Article.objects.get(title="قصف على هجين في ريف دير الزور").body
        self.assertIn("<p>نص <strong>مهم</strong>.</p>", stored)
        for dangerous in ["<script", "onerror", "javascript:", "alert", "<img"]:
            self.assertNotIn(dangerous, stored)

    def test_title_without_letters_still_gets_a_slug(self):
        self.client.post(ADD_URL, self.form_data(title="؟!"))
        self.assertEqual(Article.objects.get(title="؟!").slug, "خبر")

    def test_one_typed_tag_of_two_words_stays_one_tag(self):
        self.client.post(ADD_URL, self.form_data(new_tags="ريف دمشق"))
        article = Article.objects.get(title="قصف على هجين في ريف دير الزور")
        self.assertEqual(list(article.tags.names()), ["ريف دمشق"])

    def test_typed_tags_split_on_either_comma_and_tidy_spaces(self):
        self.client.post(ADD_URL, self.form_data(new_tags=" دير  الزور , ريف دمشق،، هجين،"))
        article = Article.objects.get(title="قصف على هجين في ريف دير الزور")
        self.assertEqual(set(article.tags.names()), {"دير الزور", "ريف دمشق", "هجين"})

    def test_tag_both_picked_and_typed_is_added_once(self):
        self.client.post(ADD_URL, self.form_data(tags=[self.coalition.pk], new_tags="التحالف الدولي"))
        article = Article.objects.get(title="قصف على هجين في ريف دير الزور")
        self.assertEqual(list(article.tags.names()), ["التحالف الدولي"])

    def test_new_tags_reuse_existing_tag_of_same_name(self):
        self.client.post(ADD_URL, self.form_data(new_tags="التحالف الدولي، هجين"))
        article = Article.objects.get(title="قصف على هجين في ريف دير الزور")
        self.assertEqual(set(article.tags.names()), {"التحالف الدولي", "هجين"})
        self.assertEqual(Tag.objects.filter(name="التحالف الدولي").count(), 1)


class ArticleBadInputTests(EditorTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.section = make_section()

    def post(self, **overrides):
        data = {
            "title": "خبر بصورة",
            "slug": "",
            "lead": "مقدمة",
            "body": "<p>نص</p>",
            "section": self.section.pk,
            "pub_date_0": "2025-03-01",
            "pub_date_1": "10:30:00",
            "_transition": "publish",
            **inline_management_data(),
        }
        data.update(overrides)
        response = self.client.post(ADD_URL, data)
        # The form comes back with the error in place, never a crash or a half-saved article.
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Article.objects.exists())
        return response.context["adminform"].form.errors

    def test_featured_photo_not_in_the_library_is_a_form_error(self):
        # Uploads are checked by the photo library's own form (tests/test_photos.py).
        self.assertEqual(list(self.post(featured_photo="999999")), ["featured_photo"])

    def test_missing_title_is_a_form_error(self):
        self.assertIn("title", self.post(title=""))

    def test_missing_section_is_a_form_error(self):
        self.assertIn("section", self.post(section=""))

    def test_new_tag_without_letters_or_digits_is_a_form_error(self):
        errors = self.post(new_tags="دير الزور، ؟!")
        self.assertEqual(list(errors), ["new_tags"])
        self.assertIn("حرف أو رقم", errors["new_tags"][0])

    def test_overlong_new_tag_is_a_form_error(self):
        self.assertEqual(list(self.post(new_tags="دير الزور، " + "و" * 101)), ["new_tags"])


class ArticleChangeTests(EditorTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.article = make_article("خبر عن هجين", tags=["دير الزور", "هجين"], photo=image_upload())

    def change_url(self, article=None):
        return reverse("admin:articles_article_change", args=[(article or self.article).pk])

    def form_data(self, article, **overrides):
        data = {
            "title": article.title,
            "slug": article.slug,
            "lead": article.lead,
            "body": article.body,
            "section": article.section_id,
            "tags": [tag.pk for tag in article.tags.all()],
            "new_tags": "",
            "featured_photo": article.featured_photo_id or "",
            "pub_date_0": "2025-03-01",
            "pub_date_1": "10:30:00",
            "_save": "حفظ",
            # The version the page was loaded from, as the change form sends it.
            "loaded_version": Article.objects.get(pk=article.pk).updated.isoformat(),
            **inline_management_data(),
        }
        data.update(overrides)
        return data

    def test_change_page_shows_current_tags_selected(self):
        response = self.client.get(self.change_url())
        for tag in self.article.tags.all():
            self.assertContains(response, f'<option value="{tag.pk}" selected>{tag.name}</option>', html=True)

    def test_resaving_keeps_tags(self):
        response = self.client.post(self.change_url(), self.form_data(self.article, title="خبر معدّل عن هجين"))
        self.assertRedirects(response, CHANGELIST_URL)
        self.article.refresh_from_db()
        self.assertEqual(self.article.title, "خبر معدّل عن هجين")
        self.assertEqual(set(self.article.tags.names()), {"دير الزور", "هجين"})

    def test_resaving_with_a_new_tag_adds_it(self):
        self.client.post(self.change_url(), self.form_data(self.article, new_tags="البوكمال"))
        self.assertEqual(set(self.article.tags.names()), {"دير الزور", "هجين", "البوكمال"})

    def test_removing_a_tag_from_the_selection_removes_it(self):
        keep = Tag.objects.get(name="هجين")
        self.client.post(self.change_url(), self.form_data(self.article, tags=[keep.pk]))
        self.assertEqual(set(self.article.tags.names()), {"هجين"})

    def test_resaving_keeps_photo(self):
        photo = self.article.featured_photo
        self.client.post(self.change_url(), self.form_data(self.article))
        self.article.refresh_from_db()
        self.assertEqual(self.article.featured_photo, photo)

    def test_article_whose_photo_file_vanished_can_still_be_edited(self):
        article = make_article("خبر فقد صورته", photo=image_upload())
        photo = article.featured_photo
        photo.image.storage.delete(photo.image.name)
        Photo.objects.filter(pk=photo.pk).update(renditions=[])
        self.assertContains(self.client.get(self.change_url(article)), "خبر فقد صورته")
        response = self.client.post(self.change_url(article), self.form_data(article, title="عنوان جديد"))
        self.assertRedirects(response, CHANGELIST_URL)
        article.refresh_from_db()
        self.assertEqual(article.title, "عنوان جديد")

    def test_change_page_shows_photo_preview(self):
        article = make_article("خبر مصوّر", photo=image_upload(), photo_alt="وصف الصورة")
        response = self.client.get(self.change_url(article))
        thumb_url = article.featured_photo.thumbnail_url
        self.assertContains(response, f'<img src="{thumb_url}" alt="وصف الصورة" width="240" height="135"')
        # Picked from the library's own list, in a popup: usable with thousands of photos.
        self.assertContains(response, 'class="vForeignKeyRawIdAdminField"')

    def test_view_on_site_link_leads_to_public_page(self):
        response = self.client.get(self.change_url())
        content_type = ContentType.objects.get_for_model(Article)
        shortcut = reverse("admin:view_on_site", args=[content_type.pk, self.article.pk])
        self.assertContains(response, f'<a href="{shortcut}" class="viewsitelink">', html=False)
        redirect = self.client.get(shortcut)
        self.assertEqual(redirect.status_code, 302)
        self.assertTrue(redirect["Location"].endswith(self.article.get_absolute_url()), redirect["Location"])


class ArticleActionTests(EditorTestCase):
    def run_action(self, action, articles):
        return self.client.post(
            CHANGELIST_URL,
            {"action": action, "_selected_action": [a.pk for a in articles], "index": 0},
            follow=True,
        )

    def test_publish_action(self):
        drafts = [make_article(status=Article.Status.DRAFT) for _ in range(2)]
        response = self.run_action("publish", drafts)
        self.assertEqual(response.status_code, 200)
        for article in drafts:
            article.refresh_from_db()
            self.assertEqual(article.status, Article.Status.PUBLISHED)
        messages = success_messages(response)
        self.assertEqual(len(messages), 1)
        self.assertIn("نُشر", messages[0])
        self.assertIn("2", messages[0])

    def test_unpublish_action(self):
        live = make_article(status=Article.Status.PUBLISHED)
        other = make_article(status=Article.Status.PUBLISHED)
        response = self.run_action("unpublish", [live])
        live.refresh_from_db()
        other.refresh_from_db()
        self.assertEqual(live.status, Article.Status.DRAFT)
        self.assertEqual(other.status, Article.Status.PUBLISHED)
        self.assertEqual(success_messages(response), ["أُلغي نشر خبر واحد."])

    def test_actions_are_listed_in_arabic(self):
        make_article()
        response = self.client.get(CHANGELIST_URL)
        self.assertContains(response, "نشر الأخبار المختارة")
        self.assertContains(response, "إلغاء نشر الأخبار المختارة")


class AutocompleteTests(EditorTestCase):
    def search(self, field_name, term):
        response = self.client.get(
            AUTOCOMPLETE_URL,
            {"app_label": "articles", "model_name": "article", "field_name": field_name, "term": term},
        )
        self.assertEqual(response.status_code, 200)
        return response.json()["results"]

    def test_tags(self):
        tag = Tag.objects.create(name="دير الزور")
        Tag.objects.create(name="حلب")
        self.assertEqual(self.search("tags", "دير"), [{"id": str(tag.pk), "text": "دير الزور"}])

    def test_sources(self):
        source = make_source("المرصد السوري")
        make_source("وكالة سانا")
        self.assertEqual(self.search("sources", "المرصد"), [{"id": str(source.pk), "text": "المرصد السوري"}])

    def test_authors(self):
        author = make_author("سارة الأحمد")
        make_author("خالد العلي")
        self.assertEqual(self.search("authors", "سارة"), [{"id": str(author.pk), "text": "سارة الأحمد"}])

    def test_related(self):
        match = make_article("اشتباكات في دير الزور", lead="مقدمة")
        make_article("أمطار في حلب", lead="مقدمة")
        self.assertEqual(self.search("related", "دير"), [{"id": str(match.pk), "text": match.title}])

    def test_section(self):
        section = make_section("أخبار سوريا")
        make_section("رأي")
        self.assertEqual(self.search("section", "سوريا"), [{"id": str(section.pk), "text": "أخبار سوريا"}])

    def test_readers_are_refused(self):
        self.client.logout()
        response = self.client.get(
            AUTOCOMPLETE_URL,
            {"app_label": "articles", "model_name": "article", "field_name": "tags", "term": "دير"},
        )
        self.assertEqual(response.status_code, 302)


class OtherAddPagesTests(EditorTestCase):
    def check_add_page(self, url):
        response = self.client.get(url)
        self.assertContains(response, '<html lang="ar" dir="rtl">')
        self.assertContains(response, "الاسم")
        config = prepopulated_fields(response)
        self.assertEqual(
            [(c["id"], c["dependency_ids"], c["allowUnicode"]) for c in config],
            [("#id_slug", ["#id_name"], True)],
        )

    def test_section_add(self):
        url = reverse("admin:sections_section_add")
        self.check_add_page(url)
        response = self.client.post(
            url,
            {
                "name": "من سوريا",
                "slug": "من-سوريا",
                "parent": "",
                "menu_order": 10,
                "description": "",
                "is_active": "on",
            },
        )
        self.assertRedirects(response, reverse("admin:sections_section_changelist"))
        section = Section.objects.get(name="من سوريا")
        self.assertEqual(section.slug, "من-سوريا")
        self.assertEqual(self.client.get(section.get_absolute_url()).status_code, 200)

    def test_source_add(self):
        url = reverse("admin:sources_source_add")
        self.check_add_page(url)
        response = self.client.post(
            url,
            {
                "name": "المرصد السوري",
                "slug": "المرصد-السوري",
                "kind": Source.Kind.LOCAL_NETWORK,
                "website": "",
                "note": "منظمة مقرها لندن.",
                "aliases": "المرصد",
            },
        )
        self.assertRedirects(response, reverse("admin:sources_source_changelist"))
        source = Source.objects.get(name="المرصد السوري")
        self.assertEqual(source.slug, "المرصد-السوري")
        self.assertEqual(source.names, ["المرصد السوري", "المرصد"])

    def test_author_add(self):
        url = reverse("admin:authors_author_add")
        self.check_add_page(url)
        response = self.client.post(
            url,
            {
                "name": "سارة الأحمد",
                "kind": Author.Kind.PERSON,
                "slug": "سارة-الأحمد",
                "bio": "صحفية من دير الزور.",
            },
        )
        self.assertRedirects(response, reverse("admin:authors_author_changelist"))
        self.assertEqual(Author.objects.get(name="سارة الأحمد").slug, "سارة-الأحمد")

    def test_section_changelist(self):
        make_section("أخبار سوريا")
        response = self.client.get(reverse("admin:sections_section_changelist"))
        self.assertContains(response, "أخبار سوريا")
