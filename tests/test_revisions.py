"""Article revisions in the admin: every save kept, compared with the current text, restorable."""

import json
from html.parser import HTMLParser

from django.contrib.auth.models import Permission, User
from django.test import TestCase
from django.urls import reverse
from reversion.models import Version
from taggit.models import Tag

from articles.models import Article, Correction, Transition
from articles.revisions import html_to_paragraphs, word_diff

from .factories import make_article, make_author, make_section, make_source

ADD_URL = reverse("admin:articles_article_add")

BODY = "<p>قالت مصادر محلية إن القصف استهدف أطراف البلدة، صباح الأحد.</p><p>ولم ترد أنباء عن إصابات؟</p>"


class _SubmittedFields(HTMLParser):
    """What a browser submits from the change form, read from the page as it was shown."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data: dict[str, list[str]] = {}
        self.in_form = False
        self.textarea = None
        self.select = None

    def add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "article_form":
            self.in_form = True
        if not self.in_form or tag not in {"input", "textarea", "select", "option"}:
            return
        if tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.add(attrs["name"], attrs.get("value", "on" if kind in {"checkbox", "radio"} else ""))
        elif tag == "textarea":
            self.textarea = attrs.get("name")
            self.add(self.textarea, "")
        elif tag == "select":
            self.select = attrs.get("name")
        elif tag == "option" and self.select and "selected" in attrs:
            self.add(self.select, attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][-1] += data


def submitted_fields(response) -> dict[str, list[str]]:
    parser = _SubmittedFields()
    parser.feed(response.content.decode())
    # A browser drops the newline that follows <textarea>.
    return {
        name: [value.removeprefix("\n") if name in {"lead", "body"} else value for value in values]
        for name, values in parser.data.items()
    }


def make_editor(username="editor") -> User:
    editor = User.objects.create_user(username, password="irrelevant", is_staff=True)
    editor.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["articles", "sections", "sources", "authors", "taggit"]
        )
    )
    return editor


def versions_of(article) -> list[Version]:
    return list(Version.objects.get_for_object(article).select_related("revision__user").order_by("pk"))


class RevisionTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_editor()
        cls.section = make_section("أخبار سوريا")
        cls.other_section = make_section("اقتصاد")
        cls.observatory = make_source("المرصد السوري")
        cls.agency = make_source("وكالة محلية")
        cls.sara = make_author("سارة الأحمد")
        cls.omar = make_author("عمر الخطيب")
        cls.earlier = make_article("خبر سابق عن هجين", section=cls.section)
        cls.later = make_article("خبر لاحق عن البوكمال", section=cls.section)
        cls.deir = Tag.objects.create(name="دير الزور")
        cls.hajin = Tag.objects.create(name="هجين")

    def setUp(self):
        self.client.force_login(self.editor)

    def change_url(self, article):
        return reverse("admin:articles_article_change", args=[article.pk])

    def history_url(self, article):
        return reverse("admin:articles_article_history", args=[article.pk])

    def diff_url(self, article, version):
        return reverse("admin:articles_article_revision_diff", args=[article.pk, version.revision_id])

    def revert_url(self, article, version):
        return reverse("admin:articles_article_revision", args=[article.pk, version.pk])

    def add_article(self) -> Article:
        """An article written in the admin: its first revision."""
        response = self.client.get(ADD_URL)
        data = submitted_fields(response)
        data.update(
            title=["قصف على هجين"],
            slug=[""],
            lead=["قالت مصادر محلية إن القصف استهدف أطراف البلدة."],
            body=[BODY],
            section=[str(self.section.pk)],
            tags=[str(self.deir.pk), str(self.hajin.pk)],
            sources=[str(self.observatory.pk)],
            authors=[str(self.sara.pk)],
            related=[str(self.earlier.pk)],
            pub_date_0=["2025-03-01"],
            pub_date_1=["10:30:00"],
            _save=["حفظ"],
        )
        response = self.client.post(ADD_URL, data)
        self.assertEqual(response.status_code, 302, response.context and response.context["adminform"].errors)
        return Article.objects.get(title="قصف على هجين")

    def edit_article(self, article, **changes) -> None:
        """Open the change page, change some fields, save: what an editor does."""
        data = submitted_fields(self.client.get(self.change_url(article)))
        data.update({name: value if isinstance(value, list) else [value] for name, value in changes.items()})
        data["_save"] = ["حفظ"]
        response = self.client.post(self.change_url(article), data)
        self.assertEqual(response.status_code, 302, response.context and response.context["adminform"].errors)


class RevisionCreationTests(RevisionTestCase):
    def test_each_admin_save_keeps_a_revision_with_its_editor(self):
        article = self.add_article()
        self.edit_article(article, title="قصف عنيف على هجين")

        versions = versions_of(article)
        self.assertEqual(len(versions), 2)
        self.assertEqual([v.revision.user for v in versions], [self.editor, self.editor])
        self.assertEqual(versions[0].field_dict["title"], "قصف على هجين")
        self.assertEqual(versions[1].field_dict["title"], "قصف عنيف على هجين")

    def test_revision_keeps_tags_sources_authors_and_related(self):
        article = self.add_article()
        version = versions_of(article)[0]
        fields = version.field_dict
        self.assertEqual(fields["sources"], [self.observatory.pk])
        self.assertEqual(fields["authors"], [self.sara.pk])
        self.assertEqual(fields["related"], [self.earlier.pk])
        tagged = version.revision.version_set.filter(content_type__model="taggedarticle")
        self.assertEqual({v.field_dict["tag_id"] for v in tagged}, {self.deir.pk, self.hajin.pk})

    def test_removed_tag_is_not_kept_in_the_new_revision(self):
        article = self.add_article()
        self.edit_article(article, tags=[str(self.deir.pk)])
        tagged = versions_of(article)[1].revision.version_set.filter(content_type__model="taggedarticle")
        self.assertEqual({v.field_dict["tag_id"] for v in tagged}, {self.deir.pk})


class HistoryPageTests(RevisionTestCase):
    def test_history_lists_each_revision_newest_first_with_links(self):
        article = self.add_article()
        self.edit_article(article, title="قصف عنيف على هجين")
        first, second = versions_of(article)

        response = self.client.get(self.history_url(article))

        self.assertContains(response, '<html lang="ar" dir="rtl">')
        self.assertContains(response, "سجل النسخ")
        self.assertContains(response, "مقارنة بالنص الحالي", count=2)
        self.assertContains(response, "استرجاع هذه النسخة", count=2)
        self.assertContains(response, "<td>editor</td>", count=2)
        content = response.content.decode()
        for version in (first, second):
            self.assertIn(f'href="{self.diff_url(article, version)}"', content)
            self.assertIn(f'href="{self.revert_url(article, version)}"', content)
        self.assertLess(
            content.index(self.diff_url(article, second)), content.index(self.diff_url(article, first))
        )


class DiffPageTests(RevisionTestCase):
    def test_changing_one_word_of_arabic_body_marks_only_that_word(self):
        article = self.add_article()
        self.edit_article(article, body=BODY.replace("أطراف", "وسط"))
        first = versions_of(article)[0]

        response = self.client.get(self.diff_url(article, first))

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<html lang="ar" dir="rtl">')
        self.assertContains(
            response,
            "<p>قالت مصادر محلية إن القصف استهدف <del>أطراف</del> <ins>وسط</ins> البلدة، صباح الأحد.</p>"
            "<p>ولم ترد أنباء عن إصابات؟</p>",
        )
        self.assertContains(response, "<del>", count=2)  # the word, and the legend's sample

    def test_unchanged_fields_are_not_listed(self):
        article = self.add_article()
        self.edit_article(article, body=BODY.replace("أطراف", "وسط"))
        response = self.client.get(self.diff_url(article, versions_of(article)[0]))
        self.assertEqual([change.label for change in response.context["changes"]], ["النص"])

    def test_title_section_and_m2m_changes_show_old_and_new(self):
        article = self.add_article()
        self.edit_article(
            article,
            title="قصف عنيف على هجين",
            section=str(self.other_section.pk),
            tags=[str(self.deir.pk)],
            new_tags="البوكمال",
            sources=[str(self.agency.pk)],
            authors=[str(self.sara.pk), str(self.omar.pk)],
            related=[],
        )
        response = self.client.get(self.diff_url(article, versions_of(article)[0]))

        changes = {change.label: change for change in response.context["changes"]}
        self.assertEqual(
            set(changes), {"العنوان", "القسم", "الوسوم", "المصادر المذكورة", "الكتّاب", "أخبار متعلقة"}
        )
        self.assertEqual(
            (changes["العنوان"].old, changes["العنوان"].new), ("قصف على هجين", "قصف عنيف على هجين")
        )
        self.assertEqual((changes["القسم"].old, changes["القسم"].new), ("أخبار سوريا", "اقتصاد"))
        self.assertEqual((changes["الوسوم"].removed, changes["الوسوم"].added), (("هجين",), ("البوكمال",)))
        self.assertEqual(changes["المصادر المذكورة"].removed, ("المرصد السوري",))
        self.assertEqual(changes["المصادر المذكورة"].added, ("وكالة محلية",))
        self.assertEqual((changes["الكتّاب"].removed, changes["الكتّاب"].added), ((), ("عمر الخطيب",)))
        self.assertEqual(changes["أخبار متعلقة"].removed, ("خبر سابق عن هجين",))
        self.assertContains(response, "<del>هجين</del>", html=True)
        self.assertContains(response, "<ins>البوكمال</ins>", html=True)
        self.assertContains(response, "<del>المرصد السوري</del>", html=True)

    def test_article_text_is_escaped(self):
        article = self.add_article()
        self.edit_article(
            article,
            title='<script>alert("t")</script>',
            body="<p>نص &lt;img src=x onerror=alert(1)&gt; جديد</p>",
            lead="مقدمة <b>عريضة</b>",
        )
        response = self.client.get(self.diff_url(article, versions_of(article)[0]))
        content = response.content.decode()
        self.assertNotIn("<script>alert", content)
        self.assertNotIn("<img src=x", content)
        self.assertNotIn("<b>عريضة", content)
        self.assertIn("&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;", content)
        self.assertIn("<ins>نص &lt;img src=x onerror=alert(1)&gt; جديد</ins>", content)
        self.assertIn("<ins>مقدمة &lt;b&gt;عريضة&lt;/b&gt;</ins>", content)

    def test_no_differences_says_so(self):
        article = self.add_article()
        response = self.client.get(self.diff_url(article, versions_of(article)[0]))
        self.assertContains(response, "لا فرق في المحتوى")

    def test_revision_missing_a_field_or_holding_a_bad_value_does_not_break_the_page(self):
        article = self.add_article()
        version = versions_of(article)[0]
        data = json.loads(version.serialized_data)
        del data[0]["fields"]["featured_photo"]  # saved before the field existed
        del data[0]["fields"]["related"]
        data[0]["fields"]["pub_date"] = "not a date"
        data[0]["fields"]["section"] = 999999  # a section since deleted
        data[0]["fields"]["status"] = "pending"  # a status since retired
        data[0]["fields"]["no_longer_a_field"] = "x"
        Version.objects.filter(pk=version.pk).update(serialized_data=json.dumps(data))

        response = self.client.get(self.diff_url(article, version))

        self.assertEqual(response.status_code, 200)
        changes = {change.label: change for change in response.context["changes"]}
        self.assertFalse(changes["الصورة الرئيسية"].recorded)
        self.assertFalse(changes["أخبار متعلقة"].recorded)
        self.assertEqual(changes["تاريخ النشر"].old, "not a date")
        self.assertEqual(changes["القسم"].old, "رقم 999999 (محذوف)")
        self.assertEqual(changes["الحالة"].old, "pending")
        self.assertContains(response, "لم يُحفظ هذا الحقل في تلك النسخة.", count=2)

    def test_unreadable_revision_does_not_break_the_page(self):
        article = self.add_article()
        version = versions_of(article)[0]
        Version.objects.filter(pk=version.pk).update(serialized_data="not json")
        response = self.client.get(self.diff_url(article, version))
        self.assertEqual(response.status_code, 200)


class WordDiffTests(TestCase):
    def test_html_becomes_paragraphs_of_text(self):
        self.assertEqual(
            html_to_paragraphs(
                "<h2>عنوان</h2><p>سطر <strong>أول</strong><br>سطر ثانٍ &amp; أخير</p>\n<ul><li>بند</li></ul>"
            ),
            ["عنوان", "سطر أول", "سطر ثانٍ & أخير", "بند"],
        )

    def test_added_word_with_arabic_punctuation(self):
        self.assertEqual(
            word_diff(["قال «المرصد» إن القصف مستمر"], ["قال «المرصد»، اليوم، إن القصف مستمر؟"]),
            "<p>قال <del>«المرصد»</del> <ins>«المرصد»، اليوم،</ins> إن القصف "
            "<del>مستمر</del> <ins>مستمر؟</ins></p>",
        )

    def test_long_text_with_common_words_marks_only_the_change(self):
        # Over 200 words, difflib's autojunk would take في and من for noise.
        sentence = "وقال مصدر في المدينة إن عدداً من المدنيين نزحوا من القرى في الريف الشرقي"
        old = [sentence] * 30
        new = [*old[:15], sentence.replace("عدداً", "مئات"), *old[16:]]
        diff = word_diff(old, new)
        self.assertEqual(diff.count("<del>"), 1)
        self.assertIn("<del>عدداً</del> <ins>مئات</ins>", diff)

    def test_paragraph_split_is_marked(self):
        diff = word_diff(["جملة أولى. جملة ثانية."], ["جملة أولى.", "جملة ثانية."])
        self.assertEqual(diff, '<p>جملة أولى. <ins class="diff-break">¶</ins></p><p>جملة ثانية.</p>')

    def test_words_are_escaped(self):
        self.assertEqual(word_diff(["<b>"], ["&amp;"]), "<p><del>&lt;b&gt;</del> <ins>&amp;amp;</ins></p>")


class RestoreTests(RevisionTestCase):
    def test_restoring_a_revision_brings_back_its_content_and_keeps_later_history(self):
        article = self.add_article()
        first = versions_of(article)[0]
        self.edit_article(
            article,
            title="قصف عنيف على هجين",
            body="<p>نص جديد كلياً.</p>",
            tags=[],
            new_tags="البوكمال",
            sources=[str(self.agency.pk)],
            authors=[str(self.omar.pk)],
            related=[str(self.later.pk)],
            **{
                "corrections-TOTAL_FORMS": "1",
                "corrections-0-kind": "correction",
                "corrections-0-text": "صُحّح اسم البلدة.",
                "corrections-0-created_at_0": "2025-03-02",
                "corrections-0-created_at_1": "09:00:00",
            },
        )
        Transition.objects.create(
            article=article,
            from_status=Article.Status.PUBLISHED,
            to_status=Article.Status.PUBLISHED,
            by=self.editor,
        )
        self.assertEqual(Correction.objects.filter(article=article).count(), 1)

        # The revision page shows the change form filled with that revision; saving it restores.
        response = self.client.get(self.revert_url(article, first))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "قصف على هجين")
        article.refresh_from_db()
        self.assertEqual(article.title, "قصف عنيف على هجين", "merely viewing a revision changed the article")

        data = submitted_fields(response)
        data["_save"] = ["حفظ"]
        response = self.client.post(self.revert_url(article, first), data)
        self.assertRedirects(response, reverse("admin:articles_article_changelist"))

        article.refresh_from_db()
        self.assertEqual(article.title, "قصف على هجين")
        self.assertEqual(article.body, BODY)
        self.assertEqual(set(article.tags.names()), {"دير الزور", "هجين"})
        self.assertQuerySetEqual(article.sources.all(), [self.observatory])
        self.assertQuerySetEqual(article.authors.all(), [self.sara])
        self.assertQuerySetEqual(article.related.all(), [self.earlier])
        # Corrections and the workflow log are not part of the text: a restore keeps them.
        self.assertEqual(article.corrections.get().text, "صُحّح اسم البلدة.")
        self.assertEqual(article.transitions.count(), 1)

        versions = versions_of(article)
        self.assertEqual(len(versions), 3, "restoring must add a revision, not replace one")
        self.assertEqual(versions[-1].revision.user, self.editor)
        self.assertTrue(versions[-1].revision.get_comment())  # reversion's "reverted to..." note
        self.assertEqual(versions[-1].field_dict["title"], "قصف على هجين")
        # The revision restored from, and the one it replaced, are both still there to go back to.
        self.assertEqual(versions[1].field_dict["title"], "قصف عنيف على هجين")

    def test_restoring_old_text_of_a_live_article_keeps_it_live(self):
        article = self.add_article()  # a draft
        self.edit_article(article, title="قصف عنيف على هجين", _transition="publish")
        article.refresh_from_db()
        self.assertTrue(article.is_published())
        published_at = article.pub_date
        first = versions_of(article)[0]

        data = submitted_fields(self.client.get(self.revert_url(article, first)))
        data["_save"] = ["حفظ"]
        self.client.post(self.revert_url(article, first), data)

        article.refresh_from_db()
        self.assertEqual(article.title, "قصف على هجين")
        self.assertEqual((article.status, article.pub_date), (Article.Status.PUBLISHED, published_at))


class RecoverTests(RevisionTestCase):
    def test_recovered_deleted_article_comes_back_as_a_draft(self):
        article = self.add_article()
        self.edit_article(article, _transition="publish")
        self.client.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
        self.assertFalse(Article.objects.filter(pk=article.pk).exists())
        version = Version.objects.get_deleted(Article).get(object_id=str(article.pk))
        url = reverse("admin:articles_article_recover", args=[version.pk])
        data = submitted_fields(self.client.get(url))
        data["_save"] = ["حفظ"]
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302)
        recovered = Article.objects.get(pk=article.pk)
        self.assertEqual(recovered.title, "قصف على هجين")
        self.assertEqual(recovered.status, Article.Status.DRAFT)


class DiffPermissionTests(RevisionTestCase):
    def setUp(self):
        self.article = self.add_article_as_editor()

    def add_article_as_editor(self):
        self.client.force_login(self.editor)
        article = self.add_article()
        self.client.logout()
        return article

    def test_anonymous_is_sent_to_login(self):
        url = self.diff_url(self.article, versions_of(self.article)[0])
        response = self.client.get(url)
        self.assertRedirects(response, f"{reverse('admin:login')}?next={url}")

    def test_staff_without_article_permissions_is_refused(self):
        self.client.force_login(User.objects.create_user("sports", is_staff=True))
        response = self.client.get(self.diff_url(self.article, versions_of(self.article)[0]))
        self.assertEqual(response.status_code, 403)

    def test_viewer_may_compare_but_is_not_offered_restore(self):
        viewer = User.objects.create_user("viewer", is_staff=True)
        viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
        self.client.force_login(viewer)
        response = self.client.get(self.diff_url(self.article, versions_of(self.article)[0]))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "استرجاع هذه النسخة")

    def test_writer_cannot_compare_someone_elses_article(self):
        writer = User.objects.create_user("writer", is_staff=True)
        writer.user_permissions.set(
            Permission.objects.filter(codename__in=["add_article", "change_article", "view_article"])
        )
        self.client.force_login(writer)
        response = self.client.get(self.diff_url(self.article, versions_of(self.article)[0]))
        self.assertEqual(response.status_code, 404)

    def test_writer_cannot_restore_a_revision_of_their_article_in_review(self):
        writer = User.objects.create_user("writer2", is_staff=True)
        writer.user_permissions.set(
            Permission.objects.filter(codename__in=["add_article", "change_article", "view_article"])
        )
        self.client.force_login(writer)
        Article.objects.filter(pk=self.article.pk).update(title="خبر المحرر")  # add_article() finds by title
        article = self.add_article()
        Article.objects.filter(pk=article.pk).update(status=Article.Status.REVIEW, title="نص المحرر")
        url = self.revert_url(article, versions_of(article)[0])
        data = submitted_fields(self.client.get(self.change_url(article)))
        self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(self.client.post(url, {**data, "_save": ["حفظ"]}).status_code, 403)
        article.refresh_from_db()
        self.assertEqual((article.status, article.title), (Article.Status.REVIEW, "نص المحرر"))

    def test_unknown_article_or_revision_is_404(self):
        self.client.force_login(self.editor)
        version = versions_of(self.article)[0]
        self.assertEqual(self.client.get(self.diff_url(Article(pk=999999), version)).status_code, 404)
        missing = reverse("admin:articles_article_revision_diff", args=[self.article.pk, 999999])
        self.assertEqual(self.client.get(missing).status_code, 404)

    def test_revision_of_another_article_is_404(self):
        self.client.force_login(self.editor)
        other = self.add_article_as_editor_titled("خبر آخر")
        self.client.force_login(self.editor)
        response = self.client.get(self.diff_url(self.article, versions_of(other)[0]))
        self.assertEqual(response.status_code, 404)

    def add_article_as_editor_titled(self, title):
        other = make_article(title, section=self.section)
        self.client.force_login(self.editor)
        self.edit_article(other, lead="مقدمة معدّلة")
        return other
