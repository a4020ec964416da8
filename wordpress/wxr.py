"""A streaming reader for WordPress export files (WXR 1.0–1.2).

The file is read element by element and each finished child of <channel> is dropped once it
has been handed on, so memory stays flat whatever the size of the export. Attachments may
come after the posts that use them, so the import reads the file twice: survey() keeps the
little the posts need from elsewhere in the file (authors, categories, attachments, the last
on disk), then items() hands out the posts.
"""

import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

CONTENT_NS = "{http://purl.org/rss/1.0/modules/content/}"
DC_NS = "{http://purl.org/dc/elements/1.1/}"
SURVEY_PROGRESS_EVERY = 10_000
_WXR_NS = re.compile(r"^http://wordpress\.org/export/1\.[0-2]/$")


class WxrError(Exception):
    """The file cannot be read as a WordPress export; the message says why and where."""


@dataclass
class Category:
    nicename: str
    name: str
    parent: str  # the parent's nicename, "" at the top
    description: str = ""


@dataclass
class Item:
    post_id: int | None
    post_type: str
    status: str
    title: str
    link: str
    content: str
    excerpt: str
    creator: str
    post_name: str
    post_date: str
    post_date_gmt: str
    comment_status: str
    attachment_url: str
    # (domain, nicename, name): domain is "category", "post_tag", or a custom taxonomy.
    terms: list[tuple[str, str, str]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Attachment:
    post_id: int
    url: str
    file: str  # the path under wp-content/uploads, as WordPress recorded it
    title: str
    caption: str
    alt: str
    credit: str


# WordPress keeps a photo's IPTC credit inside PHP-serialised metadata; this is the one value
# the import needs from it, and a regex reads it without a PHP unserialiser.
_CREDIT = re.compile(r's:6:"credit";s:\d+:"(.*?)";', re.DOTALL)


class AttachmentIndex:
    """Attachments by WordPress id, kept in a private temporary SQLite file rather than in memory:
    a large site has as many photos as posts."""

    def __init__(self):
        # "" opens a temporary on-disk database that SQLite deletes when it is closed.
        self._db = sqlite3.connect("")
        self._db.execute(
            "CREATE TABLE attachment (post_id INTEGER PRIMARY KEY, url TEXT, file TEXT,"
            " title TEXT, caption TEXT, alt TEXT, credit TEXT)"
        )
        self.count = 0

    def add(self, item: Item) -> None:
        credit = _CREDIT.search(item.meta.get("_wp_attachment_metadata", ""))
        self._db.execute(
            "INSERT OR REPLACE INTO attachment VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                item.post_id,
                item.attachment_url,
                item.meta.get("_wp_attached_file", ""),
                item.title,
                item.excerpt,
                item.meta.get("_wp_attachment_image_alt", ""),
                credit[1] if credit else "",
            ),
        )
        self.count += 1

    def get(self, post_id: int) -> Attachment | None:
        row = self._db.execute("SELECT * FROM attachment WHERE post_id = ?", (post_id,)).fetchone()
        return Attachment(*row) if row else None

    def close(self) -> None:
        self._db.close()


@dataclass
class Survey:
    """What the first reading learns: enough to import any post wherever it stands in the file."""

    site: str = ""
    authors: dict[str, str] = field(default_factory=dict)  # login → display name
    categories: dict[str, Category] = field(default_factory=dict)  # nicename → category
    posts: int = 0
    attachments: AttachmentIndex = field(default_factory=AttachmentIndex)


def survey(path: Path, progress: Callable[[int], None] | None = None) -> Survey:
    """Read the whole file once: refuses a broken or hostile one before anything is written.
    `progress` hears the number of items read so far, now and then."""
    found = Survey()
    read = 0
    for kind, value in WxrReader(path).read():
        if kind == "item":
            read += 1
            if progress and read % SURVEY_PROGRESS_EVERY == 0:
                progress(read)
        if kind == "author":
            found.authors[value[0]] = value[1] or value[0]
        elif kind == "category":
            found.categories.setdefault(value.nicename, value)
        elif kind == "site":
            found.site = found.site or value
        elif value.post_type == "attachment" and value.post_id is not None:
            found.attachments.add(value)
        elif value.post_type == "post":
            found.posts += 1
    return found


def items(path: Path) -> Iterator[Item]:
    """Every <item> of the file, in order."""
    for kind, value in WxrReader(path).read():
        if kind == "item":
            yield value


class WxrReader:
    def __init__(self, path: Path):
        self.path = path
        self.wp = ""  # the WXR namespace in "{uri}" form, as the file declares it

    def read(self) -> Iterator[tuple[str, object]]:
        """("author", (login, name)), ("category", Category), ("site", url) and ("item", Item)
        in file order."""
        depth = 0
        channel = None
        try:
            # No entity is ever expanded or fetched, and a file that declares a DTD at all is
            # refused below, before its first element: exports never have one, attacks do.
            events = etree.iterparse(
                str(self.path),
                events=("start-ns", "start", "end"),
                resolve_entities=False,
                no_network=True,
                load_dtd=False,
                huge_tree=False,
                remove_comments=True,
            )
            for event, element in events:
                if event == "start-ns":
                    if _WXR_NS.match(element[1]) and not self.wp:
                        self.wp = "{" + element[1] + "}"
                    continue
                if event == "start":
                    if depth == 0:
                        self._check_root(element)
                    elif depth == 1 and element.tag == "channel":
                        channel = element
                    depth += 1
                    continue
                depth -= 1
                if depth == 2 and element.getparent() is channel:
                    found = self._child(element)
                    # Done with: empty it and drop the siblings before it (lxml's parser still
                    # points at the element itself, so it stays until the next one ends).
                    element.clear(keep_tail=False)
                    while element.getprevious() is not None:
                        del channel[0]
                    if found is not None:
                        yield found
        except etree.XMLSyntaxError as error:
            line, column = error.position
            raise WxrError(f"not well-formed XML (line {line}, column {column}): {error.msg}") from None
        except OSError as error:
            raise WxrError(f"cannot be read ({error.strerror or error})") from None
        if channel is None:
            raise WxrError("not a WordPress export: no <channel> in the <rss> element")

    def _check_root(self, root) -> None:
        docinfo = root.getroottree().docinfo
        if docinfo.internalDTD is not None or docinfo.doctype:
            raise WxrError(
                "refused: the file declares a DOCTYPE (entities can read local files or expand"
                " without end); a WordPress export never has one"
            )
        if root.tag != "rss" or not self.wp:
            raise WxrError(
                "not a WordPress export (WXR): expected an <rss> element declaring the"
                " http://wordpress.org/export/1.2/ namespace"
            )

    def _child(self, element):
        wp = self.wp
        tag = element.tag
        if tag == "item":
            return "item", self._item(element)
        if tag == f"{wp}author":
            login = element.findtext(f"{wp}author_login", "").strip()
            return "author", (login, element.findtext(f"{wp}author_display_name", "").strip())
        if tag == f"{wp}category":
            category = Category(
                nicename=element.findtext(f"{wp}category_nicename", "").strip(),
                name=element.findtext(f"{wp}cat_name", "").strip(),
                parent=element.findtext(f"{wp}category_parent", "").strip(),
                description=element.findtext(f"{wp}category_description", "").strip(),
            )
            return ("category", category) if category.nicename else None
        if tag == f"{wp}base_blog_url":
            return "site", (element.text or "").strip()
        return None

    def _item(self, element) -> Item:
        wp = self.wp
        post_id = element.findtext(f"{wp}post_id", "").strip()
        return Item(
            post_id=int(post_id) if post_id.isdigit() else None,
            post_type=element.findtext(f"{wp}post_type", "").strip(),
            status=element.findtext(f"{wp}status", "").strip(),
            title=element.findtext("title", ""),
            link=element.findtext("link", "").strip(),
            content=element.findtext(f"{CONTENT_NS}encoded", ""),
            excerpt=element.findtext(f"{wp[:-1]}excerpt/}}encoded", ""),
            creator=element.findtext(f"{DC_NS}creator", "").strip(),
            post_name=element.findtext(f"{wp}post_name", "").strip(),
            post_date=element.findtext(f"{wp}post_date", "").strip(),
            post_date_gmt=element.findtext(f"{wp}post_date_gmt", "").strip(),
            comment_status=element.findtext(f"{wp}comment_status", "").strip(),
            attachment_url=element.findtext(f"{wp}attachment_url", "").strip(),
            terms=[
                (term.get("domain", ""), term.get("nicename", ""), (term.text or "").strip())
                for term in element.iterfind("category")
            ],
            meta={
                meta.findtext(f"{wp}meta_key", ""): meta.findtext(f"{wp}meta_value", "")
                for meta in element.iterfind(f"{wp}postmeta")
            },
        )
