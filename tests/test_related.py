"""Related news: the editor's picks, then stories scored by rare shared tags, shared sources,
the section and the text of title and lead, fading with the time between the two stories;
cached, and refreshed when either side changes."""

from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from articles.models import Article
from articles.selectors import related_articles

from .factories import make_article, make_section, make_source


def days_ago(days: float):
    return timezone.now() - timedelta(days=days)


class RelatedRankingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("محلي")
        elsewhere = make_section("دولي")
        cls.sana, cls.reuters = make_source("سانا"), make_source("رويترز")
        cls.article = make_article(
            "انقطاع الكهرباء في حلب لليوم الثالث",
            lead="الأحياء الشرقية بلا تيار منذ الاثنين.",
            section=cls.section,
            tags=["حلب", "كهرباء"],
            sources=[cls.sana, cls.reuters],
            pub_date=days_ago(10),
        )
        # "حلب" is on many stories, "كهرباء" on few: sharing the rare one says more.
        archive = make_section("أرشيف")
        for n in range(12):
            make_article(f"خبر قديم رقم {n}", section=archive, tags=["حلب"], pub_date=days_ago(400 + n))

        def other(title, days, **fields):
            fields.setdefault("section", elsewhere)
            return make_article(title, lead="تفاصيل أخرى.", pub_date=days_ago(days), **fields)

        cls.rare_tag = other("محطة توليد جديدة تدخل الخدمة", 12, tags=["كهرباء"])
        cls.common_tag = other("افتتاح سوق شعبي", 11, tags=["حلب"])
        # Only the section in common, but the same event in other words.
        cls.same_text = other("انقطاع الكهرباء في حلب يدخل يومه الرابع", 9, section=cls.section)
        cls.shared_source = other("وزير يزور المنطقة", 14, sources=[cls.sana])
        cls.same_section = other("مباراة ودية في الملعب البلدي", 10, section=cls.section)
        # Everything in common, but two years apart: time outweighs it.
        cls.long_ago = other(
            "انقطاع الكهرباء في حلب قبل عامين", 740, tags=["حلب", "كهرباء"], sources=[cls.sana, cls.reuters]
        )
        cls.unrelated = other("خبر لا علاقة له", 10, tags=["دمشق"], sources=[make_source("الجزيرة")])
        cls.draft = other("مسودة عن كهرباء حلب", 10, tags=["حلب", "كهرباء"], status=Article.Status.DRAFT)
        cls.future = other("خبر مجدول عن كهرباء حلب", -1, tags=["حلب", "كهرباء"])

    def related(self, article=None, **kwargs):
        article = Article.objects.prefetch_related("tags", "sources").get(pk=(article or self.article).pk)
        return related_articles(article=article, **kwargs)

    def test_ranking(self):
        self.assertEqual(
            self.related(),
            [
                self.rare_tag,  # a rare tag, on 5 of the 22 stories: ln(1 + 22/5) = 1.7
                self.same_text,  # the section (0.5), and half the title's words
                self.shared_source,  # one source: 1, four days away
                self.common_tag,  # a tag on 17 of the 22 stories: ln(1 + 22/17) = 0.8
                self.same_section,
                Article.objects.get(title="خبر قديم رقم 0"),  # a common tag, but a year apart
            ],
        )

    def test_a_rare_shared_tag_counts_more_than_a_common_one(self):
        result = self.related()
        self.assertLess(result.index(self.rare_tag), result.index(self.common_tag))

    def test_time_between_the_stories_outweighs_everything_shared(self):
        result = self.related(limit=20)
        self.assertEqual(result[-1], self.long_ago)

    def test_an_old_story_finds_its_own_time_first(self):
        # The archive's stories share one common tag with it, this year's share everything;
        # but the archive is a year nearer to it.
        result = self.related(self.long_ago)
        self.assertEqual(
            result, list(Article.objects.filter(title__startswith="خبر قديم").order_by("pub_date")[:6])
        )

    def test_never_itself_drafts_future_or_unrelated(self):
        self.article.related.add(self.article, self.draft, self.future)
        result = self.related(limit=50)
        for article in (self.article, self.draft, self.future, self.unrelated):
            self.assertNotIn(article, result)

    def test_manual_picks_come_first_newest_first_and_are_not_repeated(self):
        self.article.related.add(self.unrelated, self.rare_tag)
        result = self.related()
        self.assertEqual(result[:2], [self.unrelated, self.rare_tag])
        self.assertEqual(result.count(self.rare_tag), 1)

    def test_limit(self):
        self.assertEqual(self.related(limit=2), [self.rare_tag, self.same_text])
        picks = [make_article(f"اختيار المحرر {n}", section=self.section) for n in range(8)]
        self.article.related.add(*picks)
        result = self.related()
        self.assertEqual(len(result), 6)
        self.assertTrue(set(result) <= set(picks))

    def test_uncached_ranking_costs_the_same_queries_whatever_the_traits(self):
        article = Article.objects.prefetch_related("tags", "sources").get(pk=self.article.pk)
        # Candidates with their shared traits, the tag counts and the picks; the shortlist's
        # text with the picks' dates; the cards.
        with self.assertNumQueries(3):
            related_articles(article=article)
        with self.assertNumQueries(1):
            related_articles(article=article)
        many = make_article(
            section=self.section,
            tags=["حلب", "كهرباء", *(f"وسم {n}" for n in range(8))],
            sources=[self.sana, self.reuters, *(make_source() for _ in range(4))],
            pub_date=days_ago(10),
        )
        many = Article.objects.prefetch_related("tags", "sources").get(pk=many.pk)
        with self.assertNumQueries(3):
            self.assertEqual(len(related_articles(article=many)), 6)


class RelatedCacheTests(TestCase):
    """The cached list is refreshed when the article or any story that could be on it changes."""

    @classmethod
    def setUpTestData(cls):
        cls.section = make_section()
        cls.article = make_article("سد الفرات", section=cls.section, tags=["سد الفرات"], pub_date=days_ago(3))
        cls.first = make_article(
            "خبر أول عن السد", section=make_section(), tags=["سد الفرات"], pub_date=days_ago(4)
        )

    def related(self):
        article = Article.objects.prefetch_related("tags", "sources").get(pk=self.article.pk)
        return related_articles(article=article)

    def test_a_new_story_sharing_a_tag_appears(self):
        self.assertEqual(self.related(), [self.first])
        newer = make_article("خبر ثان عن السد", section=make_section(), pub_date=days_ago(3))
        newer.tags.add("سد الفرات")
        self.assertEqual(self.related(), [newer, self.first])

    def test_a_story_that_loses_the_tag_leaves(self):
        self.assertEqual(self.related(), [self.first])
        self.first.tags.remove("سد الفرات")
        self.assertEqual(self.related(), [])

    def test_a_withdrawn_story_leaves_and_a_published_one_arrives(self):
        draft = make_article(
            "مسودة عن السد", section=make_section(), tags=["سد الفرات"], status=Article.Status.DRAFT
        )
        self.assertEqual(self.related(), [self.first])
        draft.status = Article.Status.PUBLISHED
        draft.pub_date = days_ago(3)
        draft.save()
        self.first.status = Article.Status.DRAFT
        self.first.save()
        self.assertEqual(self.related(), [draft])

    def test_the_article_own_new_tag_brings_new_candidates(self):
        other = make_article("خبر عن الرقة", section=make_section(), tags=["الرقة"], pub_date=days_ago(3))
        self.assertEqual(self.related(), [self.first])
        self.article.tags.add("الرقة")
        self.assertEqual(set(self.related()), {self.first, other})

    def test_a_retitled_story_shows_its_new_title(self):
        self.related()
        self.first.title = "عنوان مصحح عن السد"
        self.first.save()
        self.assertEqual([a.title for a in self.related()], ["عنوان مصحح عن السد"])

    def test_a_new_pick_comes_first(self):
        pick = make_article("اختيار المحرر", section=make_section())
        self.assertEqual(self.related(), [self.first])
        self.article.related.add(pick)
        self.assertEqual(self.related(), [pick, self.first])
