"""Memory and speed of import_wordpress on generated exports of 1,000, 10,000 and 50,000 posts.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_wp
    .venv/bin/python bench/wordpress.py [--sizes 1000,10000,50000] [--import-max 50000]

Two measurements per size, each in a fresh process so that its peak RSS (getrusage's
ru_maxrss) is its own; the resident size is also sampled as the run goes:
- reading: both streaming passes over the file and every post converted to its article
  values (content, lead, section, photo), without the database: where the file's size could
  show in memory;
- import: the whole command into the database, for sizes up to --import-max (on a busy
  machine the database part is slow: lower it to what time allows).
Flat memory means the peak does not grow with the file. Without DATABASE_URL a throw-away
SQLite file is used; the database named in DATABASE_URL is wiped before each import. Half of
the attachments come after all the posts, as in exports where photos were uploaded later.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
WORDS = (
    "التحالف الدولي يرسل تعزيزات عسكرية جديدة لقتال تنظيم داعش في دير الزور ريف المحافظة "
    "شرقي نهر الفرات قوات سوريا الديمقراطية مدنيون هاربون من مناطق سيطرة التنظيم مشفى بلدة "
    "الشعفة منطقة هجين غارات طيران مصادر محلية شبكات ناشطين الأمم المتحدة أسعار الخبز حلب"
).split()
HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>موقع للقياس</title><link>https://bench.example</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_blog_url>https://bench.example</wp:base_blog_url>
"""


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def post_item(rng: random.Random, n: int) -> str:
    slug = "-".join(rng.choice(WORDS) for _ in range(5)) + f"-{n}"
    if n % 2:
        content = "\n\n".join(sentence(rng, 40) for _ in range(6))  # classic: wpautop
    else:
        content = "".join(
            f"<!-- wp:paragraph -->\n<p>{sentence(rng, 40)}</p>\n<!-- /wp:paragraph -->\n\n" for _ in range(6)
        )
        content += '[caption id="a" width="640"]<img src="x.jpg"> ' + sentence(rng, 8) + "[/caption]"
    category = f"cat-{n % 20}"
    tags = "".join(
        f'<category domain="post_tag" nicename="tag-{t}"><![CDATA[وسم {t}]]></category>'
        for t in rng.sample(range(200), 3)
    )
    return f"""<item><title>{escape(sentence(rng, 10))}</title>
<link>https://bench.example/2019/01/01/{slug}/</link><dc:creator><![CDATA[author{n % 10}]]></dc:creator>
<content:encoded><![CDATA[{content}]]></content:encoded>
<excerpt:encoded><![CDATA[{sentence(rng, 20)}]]></excerpt:encoded>
<wp:post_id>{n}</wp:post_id><wp:post_date>2019-01-01 10:00:00</wp:post_date>
<wp:post_date_gmt>2019-01-01 08:00:00</wp:post_date_gmt><wp:comment_status>open</wp:comment_status>
<wp:post_name><![CDATA[{slug}]]></wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<category domain="category" nicename="{category}"><![CDATA[قسم {n % 20}]]></category>{tags}
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>
<wp:meta_value>{n + 10_000_000}</wp:meta_value></wp:postmeta>
</item>
"""


def attachment_item(rng: random.Random, n: int) -> str:
    return f"""<item><title>صورة {n}</title><excerpt:encoded><![CDATA[{sentence(rng, 10)}]]></excerpt:encoded>
<wp:post_id>{n + 10_000_000}</wp:post_id><wp:status>inherit</wp:status><wp:post_type>attachment</wp:post_type>
<wp:attachment_url>https://bench.example/wp-content/uploads/2019/01/{n}.jpg</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value>2019/01/{n}.jpg</wp:meta_value></wp:postmeta>
<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key>
<wp:meta_value>{sentence(rng, 6)}</wp:meta_value></wp:postmeta>
</item>
"""


def generate(path: Path, posts: int) -> None:
    """Written item by item: the generator must not need the memory the importer is denied."""
    rng = random.Random(posts)
    with path.open("w", encoding="utf-8") as out:
        out.write(HEAD)
        for i in range(10):
            out.write(
                f"<wp:author><wp:author_login>author{i}</wp:author_login>"
                f"<wp:author_display_name><![CDATA[كاتب {i}]]></wp:author_display_name></wp:author>\n"
            )
        for i in range(20):
            parent = f"cat-{i // 5 - 1}" if i >= 5 else ""  # three levels
            out.write(
                f"<wp:category><wp:category_nicename>cat-{i}</wp:category_nicename>"
                f"<wp:category_parent>{parent}</wp:category_parent>"
                f"<wp:cat_name><![CDATA[قسم {i}]]></wp:cat_name>"
                "</wp:category>\n"
            )
        for n in range(1, posts + 1):
            if n % 2 == 0:
                out.write(attachment_item(rng, n))  # before its post
            out.write(post_item(rng, n))
        for n in range(1, posts + 1, 2):
            out.write(attachment_item(rng, n))  # long after its post
        out.write("</channel>\n</rss>\n")


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class Sampler:
    """The command's output stream: notes the resident size at each progress line."""

    def __init__(self):
        self.samples: list[tuple[str, float]] = []
        self.lines: list[str] = []

    def write(self, text: str) -> None:
        line = text.strip()
        if " of " in line and "posts" in line:
            self.samples.append((line.split(" of ")[0], round(rss_mb(), 1)))
        elif line:
            self.lines.append(line)

    def flush(self) -> None:
        pass


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()


def read_one(export: Path) -> None:
    """In a fresh process: read and convert every post, print the measurements as JSON."""
    setup_django()
    from wordpress.services import Skip, WordPressImport
    from wordpress.wxr import items, survey

    before = rss_mb()
    started = time.monotonic()
    found = survey(export)
    run = WordPressImport(found)
    samples, posts = [], 0
    for item in items(export):
        if item.post_type != "post":
            continue
        try:
            run.read_post(item)
        except Skip:
            pass
        posts += 1
        if posts % 1000 == 0:
            samples.append((f"{posts:,}", round(rss_mb(), 1)))
    found.attachments.close()
    print(json.dumps(measured(started, before, samples, [f"read {posts:,} posts"])))


def measured(started: float, before: float, samples: list, summary: list) -> dict:
    return {
        "seconds": time.monotonic() - started,
        "rss_before_mb": round(before, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "samples": samples,
        "summary": summary,
    }


def run_one(export: Path) -> None:
    """In a fresh process: wipe the database, import, print the measurements as JSON."""
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    before = rss_mb()
    sampler = Sampler()
    started = time.monotonic()
    call_command("import_wordpress", str(export), stdout=sampler)
    summary = [line for line in sampler.lines if line.startswith(("Done", "Found"))]
    print(json.dumps(measured(started, before, sampler.samples, summary), ensure_ascii=False))


def measure(mode: str, export: Path, size: int) -> None:
    result = subprocess.run([sys.executable, __file__, mode, str(export)], capture_output=True, text=True)
    if result.returncode:
        sys.exit(result.stderr)
    found = json.loads(result.stdout.strip().splitlines()[-1])
    label = "reading" if mode == "--read" else "import "
    print(
        f"  {label}: {found['seconds']:,.0f} s, {size / found['seconds']:,.0f} posts/s,"
        f" peak RSS {found['peak_rss_mb']:,.0f} MB (after Django setup: {found['rss_before_mb']:,.0f} MB)"
    )
    samples = found["samples"]
    if samples:
        shown = [samples[i] for i in sorted({0, len(samples) // 4, len(samples) // 2, len(samples) - 1})]
        print("           RSS as it went: " + ", ".join(f"{at} posts {mb:,.0f} MB" for at, mb in shown))
    for line in found["summary"]:
        print(f"           {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--import-max", type=int, default=50_000)
    parser.add_argument("--run", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--read", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run_one(args.run)
        return
    if args.read:
        read_one(args.read)
        return
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    print(f"database: {os.environ['DATABASE_URL'].rsplit('/', 1)[-1]}")
    with tempfile.TemporaryDirectory() as folder:
        for size in (int(s) for s in args.sizes.split(",")):
            export = Path(folder) / f"export-{size}.xml"
            generate(export, size)
            print(f"{size:,} posts ({export.stat().st_size / 2**20:,.0f} MB file):", flush=True)
            measure("--read", export, size)
            if size <= args.import_max:
                measure("--run", export, size)
            sys.stdout.flush()
            export.unlink()


if __name__ == "__main__":
    main()
