"""A large synthetic Arabic archive for the benchmarks, grown from the seed article's own words.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench
    .venv/bin/python bench/corpus.py [--articles 100000]

Wipes the database named in DATABASE_URL (migrating it first) and fills it. From code:
`build(count)` does the same inside an already configured Django.

The text is a word-bigram chain over the seed's body, so titles and leads read like its
sentences and share its vocabulary the way a real archive of one conflict does; a few seed
paragraphs recur verbatim, as agency copy does. Some words carry the spellings readers and
editors mix (harakat, tatweel, hamza forms, ى for ي) so the search keys are exercised at
scale. Tags follow a Zipf law: a few tags are on thousands of stories, most on a handful,
which is what makes "rare tags count more" matter. About 2% of the articles are drafts,
in review or scheduled in the future: public pages must skip them.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from collections import defaultdict
from datetime import timedelta
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The brief's sample article sits beside the project; NEWSROOM_SEED points elsewhere (a worktree).
SEED = Path(os.environ.get("NEWSROOM_SEED", ROOT.parent / "shared" / "seeds" / "000_d071b9ecd2bf7f2d.txt"))

# Words too common to name a story by: never picked as tags.
STOP_WORDS = set(
    "في من إلى على عن مع ما التي الذي أن إن بعد قد كان وكان ذلك فيما حيث ضد بين أحد كما دون خلال "
    "عليه معه منها بينهم نحو بسبب ضمن داخل إضافة جراء عدد آخر آخرون بعض وقبل جاء الأمر يوم أمس".split()
)
SECTIONS = ("من سوريا", "عربي ودولي", "اقتصاد", "تقارير", "حقوق وحريات", "رأي", "مجتمع", "رياضة")
SOURCES = (
    ("سانا", "state"),
    ("أعماق", "armed_group"),
    ("فرات بوست", "local_network"),
    ("دير الزور 24", "local_network"),
    ("رويترز", "agency"),
    ("الأناضول", "agency"),
    ("فرانس برس", "agency"),
    ("المرصد السوري لحقوق الإنسان", "other"),
    ("الدفاع المدني السوري", "official"),
    ("قوات سوريا الديمقراطية", "official"),
    ("التحالف الدولي", "official"),
    ("الأمم المتحدة", "official"),
)
HEAD_TAGS = (
    "دير الزور",
    "تنظيم داعش",
    "التحالف الدولي",
    "قوات سوريا الديمقراطية",
    "هجين",
    "الشعفة",
    "نهر الفرات",
    "ضحايا مدنيون",
    "منبج",
    "الأمم المتحدة",
    "الحشد الشعبي",
    "العراق",
)
FIRST_NAMES = "أحمد محمد عمر خالد سامر رامي ليلى هبة ريم نور سلمى يوسف علي حسن مريم زينب".split()
LAST_NAMES = "الأحمد العلي الحسن الخطيب الشامي الحلبي الديري الفراتي السوري المحمد".split()
# Spellings mixed in the archive: what one word looks like when an editor adds harakat or
# tatweel, or writes the hamza or the final ya another way.
VARIANTS = {
    "عسكرية": ("عسكريّة", "عسكريـة"),
    "الأمم": ("الامم",),
    "إلى": ("الى",),
    "مدنيين": ("مدنيّين",),
    "أسلحة": ("اسلحة", "أسلِحة"),
    "مستشفى": ("مستشفي",),
    "الإنسان": ("الانسان",),
}


def seed_text() -> tuple[str, list[str]]:
    """The seed's title and body paragraphs, read with the project's own importer."""
    from articles.importer import parse_article

    parsed = parse_article(SEED.read_text(encoding="utf-8"))
    return parsed.title, parsed.paragraphs


class Chain:
    """Word-bigram text generator over the seed's sentences."""

    def __init__(self, paragraphs: list[str], rng: random.Random):
        self.rng = rng
        self.follows = defaultdict(list)
        self.starts = []
        for paragraph in paragraphs:
            words = paragraph.split()
            self.starts.append(words[0])
            for before, after in pairwise(words):
                self.follows[before].append(after)
        self.words = sorted({word for paragraph in paragraphs for word in paragraph.split()})

    def sentence(self, length: int) -> str:
        word = self.rng.choice(self.starts)
        out = [word]
        while len(out) < length:
            word = self.rng.choice(self.follows.get(word) or self.words)
            out.append(word)
        return " ".join(self._spell(word) for word in out)

    def _spell(self, word: str) -> str:
        forms = VARIANTS.get(word)
        if forms and self.rng.random() < 0.3:
            return self.rng.choice(forms)
        return word


def tag_names(paragraphs: list[str], limit: int) -> list[str]:
    """The story's actors and places first (the popular tags), then the seed's other word
    pairs that could name a story (the long tail), in seed order."""
    seen, names = set(), []
    pairs = []
    for paragraph in paragraphs:
        words = [word.strip('،.“”"″:') for word in paragraph.split()]
        pairs += [f"{a} {b}" for a, b in pairwise(words) if a not in STOP_WORDS and b not in STOP_WORDS]
    for name in (*HEAD_TAGS, *pairs):
        if name and name not in seen:
            seen.add(name)
            names.append(name)
    return names[:limit]


def build(count: int, *, seed: int = 7, batch: int = 2000, verbose: bool = False) -> None:
    """Replace the database's content with `count` synthetic articles."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from taggit.models import Tag

    from articles.models import Article, TaggedArticle
    from authors.models import Author
    from newsroom.text import arabic_slugify
    from search.index import index_fields
    from sections.models import Section
    from sources.models import Source

    # Read before wiping: a missing seed must not leave the benchmark database empty.
    _title, paragraphs = seed_text()
    call_command("flush", interactive=False, verbosity=0)
    rng = random.Random(seed)
    chain = Chain(paragraphs, rng)

    sections = [Section.objects.create(name=name, menu_order=i) for i, name in enumerate(SECTIONS)]
    sources = [Source.objects.create(name=name, kind=kind) for name, kind in SOURCES]
    sources += [Source.objects.create(name=f"شبكة محلية {i}", kind="local_network") for i in range(28)]
    names = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES[:4]]
    authors = [Author.objects.create(name=name) for name in names]
    tags = Tag.objects.bulk_create(
        Tag(name=name, slug=arabic_slugify(name)) for name in tag_names(paragraphs, 600)
    )
    # Zipf: the k-th tag is picked with weight 1/k.
    tag_weights = [1 / (k + 1) for k in range(len(tags))]
    section_weights = [8, 5, 3, 3, 2, 1, 1, 1]
    unpublished = [Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.SCHEDULED]

    now = timezone.now()
    # About 55 stories a day: 100,000 articles span five years.
    step = timedelta(minutes=26)
    made = []
    started = time.perf_counter()
    for first in range(0, count, batch):
        rows = []
        for i in range(first, min(first + batch, count)):
            title = chain.sentence(rng.randint(7, 13))
            if rng.random() < 0.02:
                status, pub_date = rng.choice(unpublished), now - step * i
                if status == Article.Status.SCHEDULED:
                    pub_date = now + timedelta(days=rng.randint(1, 30))
            else:
                status, pub_date = Article.Status.PUBLISHED, now - step * i - timedelta(minutes=1)
            body = [
                rng.choice(paragraphs) if rng.random() < 0.25 else chain.sentence(rng.randint(25, 60))
                for _ in range(rng.randint(4, 10))
            ]
            lead = " ".join(body[0].split()[:28]) + "..."
            html = "".join(f"<p>{paragraph}</p>" for paragraph in body)
            rows.append(
                Article(
                    title=title,
                    slug=arabic_slugify(title, max_length=250) or "خبر",
                    lead=lead,
                    body=html,
                    section=rng.choices(sections, section_weights)[0],
                    status=status,
                    pub_date=pub_date,
                    # bulk_create skips save(), which keeps the search columns: fill them here.
                    **index_fields(title=title, lead=lead, body_html=html, vendor=connection.vendor),
                )
            )
        articles = Article.objects.bulk_create(rows)
        TaggedArticle.objects.bulk_create(
            TaggedArticle(content_object=article, tag=tag)
            for article in articles
            for tag in set(rng.choices(tags, tag_weights, k=rng.randint(3, 6)))
        )
        Article.sources.through.objects.bulk_create(
            Article.sources.through(article=article, source=source)
            for article in articles
            for source in rng.sample(sources, rng.randint(1, 3))
        )
        Article.authors.through.objects.bulk_create(
            Article.authors.through(article=article, author=rng.choice(authors)) for article in articles
        )
        made += [article.pk for article in articles]
        if verbose:
            print(f"  {len(made)} articles, {time.perf_counter() - started:.0f} s", file=sys.stderr)

    # Editors pick related stories by hand on about one article in a hundred.
    Article.related.through.objects.bulk_create(
        Article.related.through(from_article_id=pk, to_article_id=rng.choice(made))
        for pk in rng.sample(made, count // 100)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
        print(f"No DATABASE_URL: using {os.environ['DATABASE_URL']}", file=sys.stderr)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    build(args.articles, verbose=True)
    if connection.vendor == "postgresql":
        # Fresh statistics, as autovacuum would have them on a live site.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(f"{connection.vendor}: {args.articles} articles in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
