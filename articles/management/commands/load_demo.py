"""Demo content: the seed article, the sources it cites, and enough more to fill every page.

The further articles reuse the seed's own sentences under new headlines, so the demo reads
like the real site without inventing events. Every step looks up what it made last time, so
running it again changes nothing.
"""

import colorsys
import io
import random
from datetime import datetime, time, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from PIL import Image, ImageDraw

from articles.importer import parse_article
from articles.models import Article, Correction, Transition, VerificationLabel
from articles.services import article_import, cited_sources
from authors.models import Author
from comments.models import Comment, Decision
from editorial.roles import EDITORS, MODERATORS, WRITERS
from photos.models import Photo
from sections.models import Section
from sources.models import Source

# A copy of ../shared/seeds/000_d071b9ecd2bf7f2d.txt, so the demo loads on a machine without it.
SEED = Path(__file__).resolve().parents[2] / "demo" / "000_d071b9ecd2bf7f2d.txt"
DEMO_PASSWORD = "newsroom-demo"
# (username, role, what they do): one account per newsroom role, so each can be tried out.
DEMO_ACCOUNTS = [
    ("writer", WRITERS, "writes drafts and sends them for review"),
    ("editor", EDITORS, "reviews, publishes, corrects"),
    ("moderator", MODERATORS, "moderates readers' comments"),
]
DEMO_ADMIN = "admin"

SOURCES = [
    (
        "سانا",
        Source.Kind.STATE_MEDIA,
        "https://sana.sy",
        "الوكالة العربية السورية للأنباء، وكالة الأنباء الرسمية التابعة للحكومة السورية؛"
        " تنقل الرواية الرسمية.",
        "الوكالة العربية السورية للأنباء",
    ),
    (
        "أعماق",
        Source.Kind.ARMED_GROUP,
        "",
        "وكالة الدعاية التابعة لتنظيم داعش؛ تنشر رواية التنظيم ولا يمكن التحقق مما تبثه بشكل مستقل.",
        "وكالة أعماق",
    ),
    (
        "فرات بوست",
        Source.Kind.LOCAL_NETWORK,
        "",
        "شبكة إخبارية محلية يديرها ناشطون من دير الزور، تغطي المنطقة الشرقية.",
        "",
    ),
    (
        "دير الزور 24",
        Source.Kind.LOCAL_NETWORK,
        "",
        "شبكة محلية يديرها ناشطون من أبناء محافظة دير الزور، تنقل أخبار المحافظة من داخلها.",
        "",
    ),
]

# (name, parent, menu order, description)
SECTIONS = [
    ("من سوريا", None, 10, "أخبار المحافظات السورية ومناطق السيطرة المختلفة."),
    ("المنطقة الشرقية", "من سوريا", 15, "دير الزور والرقة والحسكة وريفها."),
    ("عربي ودولي", None, 20, "مواقف الدول والمنظمات الدولية من الشأن السوري."),
    ("تقارير", None, 30, "تقارير معمّقة عن الحياة اليومية للمدنيين."),
]

# (byline, kind, real name for staff only, bio)
AUTHORS = [
    ("ليلى العلي", Author.Kind.PERSON, "", "محررة في قسم «من سوريا»، تتابع شؤون المنطقة الشرقية."),
    ("أحمد الخطيب", Author.Kind.PERSON, "", "صحفي يغطي الشأن الدولي والعلاقات الإقليمية."),
    ("فريق التحرير", Author.Kind.DESK, "", "أخبار يعدّها فريق التحرير من مصادر متعددة."),
    # A reporter whose name would put them at risk. The real name is an invented one.
    (
        "مراسل في دير الزور",
        Author.Kind.DESK,
        "سامر العبدالله",
        "مراسلنا في ريف دير الزور الشرقي، لا نذكر اسمه حفاظاً على سلامته.",
    ),
]

# (headline, section, tags, authors, indices of the seed's body paragraphs, days before the seed)
STORIES = [
    (
        "قوات سوريا الديمقراطية تواصل عملياتها ضد آخر معاقل تنظيم داعش في جيب هجين",
        "المنطقة الشرقية",
        ["دير الزور", "قوات سوريا الديمقراطية", "تنظيم داعش", "هجين"],
        [0],
        [3, 0, 5],
        1,
    ),
    (
        "مقتل مدنيين بينهم كوادر طبية باستهداف مشفى في بلدة الشعفة",
        "المنطقة الشرقية",
        ["دير الزور", "التحالف الدولي", "ضحايا مدنيون"],
        [0, 2],
        [6, 9, 10, 7],
        2,
    ),
    (
        "جيش الثوار ومجلس منبج العسكري ينضمان إلى المعارك ضد تنظيم داعش",
        "من سوريا",
        ["قوات سوريا الديمقراطية", "تنظيم داعش"],
        [2],
        [5, 3, 4],
        3,
    ),
    (
        "الحكومة السورية تتهم التحالف الدولي بقتل المدنيين شرقي البلاد",
        "عربي ودولي",
        ["التحالف الدولي", "ضحايا مدنيون"],
        [1],
        [11, 8, 9],
        4,
    ),
    (
        "قصف عراقي على مواقع لتنظيم داعش داخل الأراضي السورية",
        "عربي ودولي",
        ["تنظيم داعش", "العراق"],
        [1],
        [12, 4],
        5,
    ),
    (
        "التحالف ينفي استهداف المدنيين في منطقة هجين",
        "عربي ودولي",
        ["التحالف الدولي", "هجين", "ضحايا مدنيون"],
        [1, 2],
        [11, 8],
        6,
    ),
    (
        "شاحنات تحمل عربات مصفحة تصل إلى ريف دير الزور الشرقي",
        "المنطقة الشرقية",
        ["دير الزور", "التحالف الدولي"],
        [3],
        [1, 2, 0],
        7,
    ),
    (
        "تنظيم داعش يكثف هجماته على مواقع التحالف في المنطقة الشرقية",
        "المنطقة الشرقية",
        ["تنظيم داعش", "التحالف الدولي", "دير الزور"],
        [2],
        [4, 3],
        8,
    ),
    (
        "مدنيون عالقون بين خطوط القتال في ريف دير الزور",
        "تقارير",
        ["ضحايا مدنيون", "دير الزور"],
        [0, 1],
        [8, 6, 10, 7],
        9,
    ),
    (
        "ماذا نعرف عن معارك شرق الفرات؟",
        "تقارير",
        ["قوات سوريا الديمقراطية", "تنظيم داعش", "التحالف الدولي"],
        [2],
        [0, 3, 5, 4, 12],
        10,
    ),
    (
        "شبكات محلية توثّق الغارات على بلدات ريف دير الزور",
        "تقارير",
        ["دير الزور", "ضحايا مدنيون"],
        [0],
        [9, 10, 8],
        12,
    ),
]
DRAFT_INDEX = 10  # one unpublished story, so the admin shows a draft readers cannot see

# (hours after the seed, name, text, status, a reply to the comment before it)
DEMO_COMMENTS = [
    (
        3,
        "أبو خالد",
        "شكراً على التغطية. هل من أرقام عن عدد العائلات التي خرجت من هجين؟",
        Comment.Status.APPROVED,
        False,
    ),
    (4, "سلمى", "ذكرت شبكات محلية أن المئات خرجوا خلال الأسبوع الماضي.", Comment.Status.APPROVED, True),
    (
        6,
        "متابع",
        "ما تبثه «أعماق» لا يمكن الاعتماد عليه وحده، والأفضل انتظار مصادر مستقلة.",
        Comment.Status.APPROVED,
        False,
    ),
    (8, "قارئ من دير الزور", "الوضع في الشعفة أسوأ مما ورد في الخبر.", Comment.Status.PENDING, False),
    (
        9,
        "عروض اليوم",
        "اربح المال الآن http://example.com http://example.net http://example.org",
        Comment.Status.SPAM,
        False,
    ),
]

UNVERIFIED = "لم يتسنَّ لنا التحقق من صحة هذه المعلومات بشكل مستقل"
UNVERIFIED_INDEX = 2  # the Shaafa hospital story, which rests on footage from "أعماق"

# (kind, text, hours after the seed's publication)
SEED_CORRECTIONS = [
    (
        Correction.Kind.CORRECTION,
        "ورد في نسخة سابقة من هذا الخبر أن المشفى المستهدف يقع في ريف دير الزور الشمالي،"
        " والصحيح أنه في بلدة الشعفة بريفها الشرقي.",
        5,
    ),
    (
        Correction.Kind.UPDATE,
        "أضفنا نفي التحالف الدولي استهداف المدنيين في منطقة هجين.",
        27,
    ),
]


def placeholder_photo(seed: int) -> ContentFile:
    """A quiet abstract picture in a hue of its own; the seed article came without its photo."""
    rng = random.Random(seed)
    hue = rng.random()
    width, height = 1200, 675
    image = Image.new("RGB", (width, height), _rgb(hue, 0.25, 0.35))
    draw = ImageDraw.Draw(image)
    for _ in range(7):
        x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(80, 320)
        draw.ellipse(
            (x - r, y - r, x + r, y + r),
            fill=_rgb(hue + rng.uniform(-0.06, 0.06), 0.3, rng.uniform(0.4, 0.6)),
        )
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return ContentFile(buffer.getvalue(), name=f"demo-{seed}.jpg")


def _rgb(hue: float, saturation: float, lightness: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hls_to_rgb(hue % 1, lightness, saturation)
    return int(r * 255), int(g * 255), int(b * 255)


class Command(BaseCommand):
    help = "Load the demo content (idempotent) and create demo accounts if no user exists."

    def handle(self, *args, **options):
        sources = self.load_sources()
        sections = self.load_sections()
        authors = [
            Author.objects.get_or_create(
                name=name, defaults={"kind": kind, "real_name": real_name, "bio": bio}
            )[0]
            for name, kind, real_name, bio in AUTHORS
        ]
        unverified, _ = VerificationLabel.objects.get_or_create(text=UNVERIFIED)

        seed_parsed = parse_article(SEED.read_text(encoding="utf-8"))
        seed, _ = article_import(parsed=seed_parsed, key=SEED.stem)
        self.give_photo(seed, 0, caption=seed_parsed.caption)
        seed.tags.add("دير الزور", "التحالف الدولي", "تنظيم داعش", "قوات سوريا الديمقراطية")
        seed.authors.add(authors[0])

        paragraphs = seed_parsed.paragraphs
        for index, (title, section, tags, author_ids, picks, days) in enumerate(STORIES, start=1):
            body = [paragraphs[i] for i in picks]
            article, created = Article.objects.get_or_create(
                import_key=f"demo-{index:02d}",
                defaults={
                    "title": title,
                    "lead": body[0],
                    "body": "".join(f"<p>{escape(p)}</p>" for p in body),
                    "section": sections[section],
                    "pub_date": seed.pub_date - timedelta(days=days, hours=index),
                    "status": Article.Status.DRAFT if index == DRAFT_INDEX else Article.Status.PUBLISHED,
                    "verification": unverified if index == UNVERIFIED_INDEX else None,
                    # The hospital story's photo stands in for the kind readers are warned about.
                    "photo_is_graphic": index == UNVERIFIED_INDEX,
                },
            )
            if created:
                article.tags.add(*tags)
                article.authors.add(*(authors[i] for i in author_ids))
                article.sources.add(*cited_sources("\n".join(body)))
            self.give_photo(article, index, caption=seed_parsed.caption)
        seed.related.add(*Article.objects.filter(import_key__in=["demo-02", "demo-06"]))
        self.add_corrections(seed)

        # The accounts first: the stories still in the workflow belong to them.
        self.ensure_accounts()
        self.load_desk_work(paragraphs, sections)
        self.load_comments(seed)
        self.stdout.write(
            f"Demo content: {Article.objects.count()} articles, {len(sections)} sections, "
            f"{len(sources)} sources, {len(authors)} authors."
        )

    def load_desk_work(self, paragraphs: list[str], sections: dict[str, Section]) -> None:
        """Stories still in the workflow, dated from today, so the dashboard, the calendar and
        the review queue have something on them: the draft planned for tomorrow, one waiting
        for review, one scheduled for tomorrow morning."""
        User = get_user_model()
        writer = User.objects.filter(username="writer").first()
        editor = User.objects.filter(username="editor").first()
        today = timezone.localdate()
        Article.objects.filter(import_key=f"demo-{DRAFT_INDEX:02d}", planned_for=None).update(
            planned_for=today + timedelta(days=1), created_by=writer
        )
        tomorrow_morning = timezone.make_aware(datetime.combine(today + timedelta(days=1), time(9)))
        for key, title, status, by, picks, extra in [
            (
                "demo-desk-review",
                "نازحون من ريف دير الزور يروون رحلة الخروج من مناطق القتال",
                Article.Status.REVIEW,
                writer,
                [8, 6],
                {"planned_for": today + timedelta(days=2)},
            ),
            (
                "demo-desk-scheduled",
                "حصيلة شهر من المعارك شرق الفرات",
                Article.Status.SCHEDULED,
                editor,
                [0, 3, 11],
                {"pub_date": tomorrow_morning},
            ),
        ]:
            body = [paragraphs[i] for i in picks]
            article, created = Article.objects.get_or_create(
                import_key=key,
                defaults={
                    "title": title,
                    "lead": body[0],
                    "body": "".join(f"<p>{escape(p)}</p>" for p in body),
                    "section": sections["المنطقة الشرقية"],
                    "status": status,
                    "created_by": by,
                    "last_edited_by": by,
                    **extra,
                },
            )
            if created:
                Transition.objects.create(
                    article=article, from_status=Article.Status.DRAFT, to_status=status, by=by
                )

    def load_comments(self, seed: Article) -> None:
        """Readers' comments on the seed, in each state the moderation queue deals with."""
        moderator = get_user_model().objects.filter(username="moderator").first()
        approved = Comment.Status.APPROVED
        parent = None
        for hours, name, text, status, is_reply in DEMO_COMMENTS:
            comment, created = Comment.objects.get_or_create(
                article=seed,
                name=name,
                text=text,
                defaults={
                    "status": status,
                    "parent": parent if is_reply else None,
                    "created_at": seed.pub_date + timedelta(hours=hours),
                },
            )
            if created and status != Comment.Status.PENDING:
                Decision.objects.create(
                    comment=comment,
                    by=moderator if status == approved else None,
                    from_status=Comment.Status.PENDING,
                    to_status=status,
                    at=comment.created_at + timedelta(hours=1),
                )
            if not is_reply:
                parent = comment

    def load_sources(self) -> list[Source]:
        return [
            Source.objects.get_or_create(
                name=name, defaults={"kind": kind, "website": website, "note": note, "aliases": aliases}
            )[0]
            for name, kind, website, note, aliases in SOURCES
        ]

    def load_sections(self) -> dict[str, Section]:
        sections = {}
        for name, parent, order, description in SECTIONS:
            sections[name], _ = Section.objects.get_or_create(
                name=name,
                defaults={"parent": sections.get(parent), "menu_order": order, "description": description},
            )
        return sections

    def give_photo(self, article: Article, seed: int, *, caption: str) -> None:
        if article.featured_photo_id:
            return
        article.featured_photo = Photo.objects.create(
            image=placeholder_photo(seed),
            caption=caption,
            alt_text="رسم تجريدي بديل، لا تتوفر صورة لهذا الخبر",
            credit="أرشيف غرفة الأخبار",
        )
        article.save(update_fields=["featured_photo"])

    def add_corrections(self, seed: Article) -> None:
        for kind, text, hours in SEED_CORRECTIONS:
            Correction.objects.get_or_create(
                article=seed,
                kind=kind,
                text=text,
                defaults={"created_at": seed.pub_date + timedelta(hours=hours)},
            )
        # Re-importing the seed above saved it, which set its modified time to now; the demo
        # shows it as last modified by its latest correction, as an editor's would be.
        latest = seed.corrections.order_by("-created_at").values_list("created_at", flat=True).first()
        if latest:
            Article.objects.filter(pk=seed.pk).update(updated=latest)

    def ensure_accounts(self) -> None:
        User = get_user_model()
        if User.objects.exists():
            self.stdout.write(f"Accounts already exist: log in at {reverse('admin:index')} with yours.")
            return
        self.stdout.write(f"Demo accounts created, all with the password {DEMO_PASSWORD!r}:")
        for username, role, does in DEMO_ACCOUNTS:
            user = User.objects.create_user(username, password=DEMO_PASSWORD, is_staff=True)
            user.groups.add(Group.objects.get(name=role))
            self.stdout.write(f"  {username:<10} {role} ({does})")
        User.objects.create_superuser(DEMO_ADMIN, "", DEMO_PASSWORD)
        self.stdout.write(f"  {DEMO_ADMIN:<10} superuser (everything, including users and roles)")
