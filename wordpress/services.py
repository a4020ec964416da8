"""Bringing a WordPress export into the newsroom: posts become articles, categories sections,
tags tags, authors bylines, featured images photos; permalinks are kept for the redirects."""

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, TaggedArticle
from authors.models import Author
from newsroom.text import arabic_slugify
from sections.models import Section

from .content import convert
from .models import ImportedPost
from .photos import local_file, set_featured_image
from .text import decode_slug, plain, shorten
from .wxr import Attachment, Category, Item, Survey

# Part of every fingerprint: raising it makes the next run rewrite every article, for when
# the conversion itself has changed.
CONVERSION_VERSION = 1

STATUSES = {
    "publish": Article.Status.PUBLISHED,
    # Kept scheduled even when the time has passed: readers see it then all the same
    # (published() includes due scheduled articles) and publish_due settles the status.
    "future": Article.Status.SCHEDULED,
    "pending": Article.Status.REVIEW,
    "draft": Article.Status.DRAFT,
    # Private posts were for the site's own staff: a draft keeps them from readers.
    "private": Article.Status.DRAFT,
}
SKIPPED_STATUSES = {
    "auto-draft": "auto-draft: the empty post WordPress opens for an editor",
    "trash": "in WordPress's trash",
    "inherit": "a revision",
}
UNCATEGORISED = "غير مصنف"
LEAD_LENGTH = 300
MAX_PROBLEMS = 100
TAG_CACHE_SIZE = 5000  # listed one by one in the report; beyond that they are only counted
OLD_PATH_LENGTH = ImportedPost._meta.get_field("old_path").max_length


class Skip(Exception):
    """This post is not imported; the message is the reason the report gives."""


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: Counter = field(default_factory=Counter)  # reason → posts
    problems: list[str] = field(default_factory=list)  # one line per post with a problem
    notes: Counter = field(default_factory=Counter)  # what was imported with a loss, → posts
    sections_created: int = 0
    authors_created: int = 0
    old_paths: int = 0
    photos_copied: int = 0
    photos_remote: int = 0

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())


def site_key(url: str) -> str:
    """The WordPress site an export comes from, the same over http and https, with or without www."""
    parts = urlsplit(url.strip())
    return (parts.netloc.lower().removeprefix("www.") + parts.path.rstrip("/"))[:200]


def old_path(link: str) -> str:
    """The path a WordPress permalink was served at, with its letters decoded as Django's
    request.path has them; "" for links by query ("/?p=123"), which go by the post's id."""
    parts = urlsplit(link.strip())
    path = unquote(parts.path)
    return "" if parts.query or path in {"", "/"} else path


def lead_and_body(excerpt: str, body: str) -> tuple[str, str]:
    """The excerpt is the lead. Without one, a short plain first paragraph moves up to be the
    lead (the page prints the lead above the body: it would read twice), or else the lead is
    the start of the text."""
    if excerpt:
        return excerpt, body
    first = re.match(r"<p>([^<]*)</p>\n?", body)
    rest = body[first.end() :] if first else ""
    if first and len(plain(first[1])) <= LEAD_LENGTH and plain(rest):
        return plain(first[1]), rest
    return shorten(plain(body.split("</p>", 1)[0]), LEAD_LENGTH), body


def free_slug(model, base: str, max_length: int) -> str:
    """`base`, or `base-2`, `base-3`… : the first slug no `model` row has yet."""
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        suffix = f"-{n}"
        slug = base[: max_length - len(suffix)] + suffix
    return slug


@dataclass
class Post:
    """An item turned into the values of an article, before any database write."""

    item: Item
    title: str
    slug: str
    lead: str
    body: str
    status: str
    pub_date: datetime
    category: str
    tags: list[str]
    author_logins: list[str]
    comments_open: bool
    attachment: Attachment | None
    photo_path: Path | None
    dropped: list[str]

    def fingerprint(self) -> str:
        values = [
            CONVERSION_VERSION,
            self.title,
            self.slug,
            self.lead,
            self.body,
            self.status,
            self.pub_date.isoformat(),
            self.category,
            self.tags,
            self.author_logins,
            self.comments_open,
            self.attachment and vars(self.attachment),
            str(self.photo_path or ""),
            self.item.link,
            self.item.status,
        ]
        return hashlib.sha256(json.dumps(values, ensure_ascii=False).encode()).hexdigest()


class WordPressImport:
    """One import run. Call prepare() then import_items() inside one transaction."""

    def __init__(self, survey: Survey, *, media_dir: Path | None = None):
        self.survey = survey
        self.media_dir = media_dir
        self.site = site_key(survey.site)
        self.report = Report()
        self.sections: dict[str, Section] = {}
        self.authors: dict[str, Author] = {}
        self.tags: dict[str, Tag] = {}

    # Categories and sections ------------------------------------------------------------

    def prepare(self) -> None:
        """Every category as a section, parents first: the hierarchy is the site's, even where
        a parent has no post of its own."""
        for nicename in self.survey.categories:
            self._section_for(nicename)

    def _section_for(self, nicename: str, seen: frozenset = frozenset()) -> Section:
        if nicename in self.sections:
            return self.sections[nicename]
        category = self.survey.categories.get(nicename) or Category(nicename, unquote(nicename), "")
        parent = None
        # A parent that names itself or loops back is read as no parent at all.
        if category.parent and category.parent not in seen | {nicename}:
            parent = self._section_for(category.parent, seen | {nicename})
        self.sections[nicename] = section = self._section(category, parent)
        return section

    def _section(self, category: Category, parent: Section | None) -> Section:
        max_slug = Section._meta.get_field("slug").max_length
        name = shorten(plain(category.name), Section._meta.get_field("name").max_length)
        slug = decode_slug(category.nicename, max_slug) or arabic_slugify(name, max_length=max_slug)
        name = name or slug
        # A section the newsroom already has, by name or by URL, is the same one: reuse it as
        # it is (an editor may have placed or hidden it on purpose).
        existing = Section.objects.filter(Q(slug=slug) | Q(name=name)).first()
        if existing is not None:
            return existing
        # New sections start hidden: an export with forty categories must not fill the menu
        # before an editor chooses what readers see. Their pages and articles are public.
        slug = free_slug(Section, slug or "قسم", max_slug)
        section = Section(
            name=name, slug=slug, parent=parent, description=plain(category.description), is_active=False
        )
        section.full_clean()
        section.save()
        self.report.sections_created += 1
        return section

    def _uncategorised(self) -> Section:
        if UNCATEGORISED not in self.sections:
            self.sections[UNCATEGORISED] = self._section(Category("", UNCATEGORISED, ""), None)
        return self.sections[UNCATEGORISED]

    def _ancestors(self, nicename: str) -> set[str]:
        found, current = set(), self.survey.categories.get(nicename)
        while current and current.parent and current.parent not in found:
            found.add(current.parent)
            current = self.survey.categories.get(current.parent)
        return found

    # Bylines ----------------------------------------------------------------------------

    def _author(self, login: str) -> Author:
        if login not in self.authors:
            name = shorten(plain(self.survey.authors.get(login) or login), 150)
            author = Author.objects.filter(name=name).first()
            if author is None:
                max_slug = Author._meta.get_field("slug").max_length
                base = arabic_slugify(name, max_length=max_slug) or arabic_slugify(login) or "كاتب"
                author = Author.objects.create(name=name, slug=free_slug(Author, base, max_slug))
                self.report.authors_created += 1
            self.authors[login] = author
        return self.authors[login]

    def _tag(self, name: str) -> Tag:
        """Tags by name, kept at hand: looking each up again cost a third of the import's time."""
        key = name.casefold()
        if key not in self.tags:
            if len(self.tags) >= TAG_CACHE_SIZE:
                self.tags.clear()  # a site with very many tags must not grow the import's memory
            # Tags match whatever their case (TAGGIT_CASE_INSENSITIVE), as the editor's form does.
            self.tags[key] = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name)
        return self.tags[key]

    # Posts ------------------------------------------------------------------------------

    def import_items(self, items: Iterable[Item], progress: Callable[[int], None] | None = None) -> Report:
        done = 0
        for item in items:
            if item.post_type != "post":
                if item.post_type != "attachment":  # attachments come in as featured images
                    self.report.skipped[f"{item.post_type or 'no type'}: only posts are imported"] += 1
                continue
            try:
                self._import(item)
            except Skip as reason:
                self.report.skipped[str(reason)] += 1
            except ValidationError as error:
                self.report.skipped["did not pass validation (listed below)"] += 1
                self._problem(item, "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items()))
            done += 1
            if progress:
                progress(done)
        return self.report

    def _problem(self, item: Item, text: str) -> None:
        if len(self.report.problems) < MAX_PROBLEMS:
            self.report.problems.append(f"post {item.post_id} «{shorten(plain(item.title), 60)}»: {text}")

    def _import(self, item: Item) -> None:
        if item.post_id is None:
            raise Skip("no WordPress post id")
        if item.status in SKIPPED_STATUSES:
            raise Skip(SKIPPED_STATUSES[item.status])
        if item.status not in STATUSES:
            raise Skip(f"unknown status {item.status!r}")
        post = self.read_post(item)
        records = ImportedPost.objects.select_related("article")
        record = records.filter(site=self.site, post_id=item.post_id).first()
        fingerprint = post.fingerprint()
        if record is not None:
            if record.article is None:
                raise Skip("deleted in the newsroom after an earlier import")
            if record.fingerprint == fingerprint:
                self.report.unchanged += 1
                return
            if record.article.updated != record.article_updated:
                raise Skip("edited in the newsroom since the last import: left as the editors made it")
        article = record.article if record else Article()
        self._save(article, post, record)
        for note in post.dropped:
            self.report.notes[f"{note} left out of the body (it holds no images or galleries)"] += 1
        if record is None:
            self.report.created += 1
        else:
            self.report.updated += 1

    def read_post(self, item: Item) -> Post:
        """The article values for a post item, from the item and the survey alone (no writes)."""
        title = shorten(plain(item.title), 250)
        if not title:
            raise Skip("no title")
        converted = convert(item.content)
        if not plain(converted.html):
            raise Skip("no text in the content")
        lead, body = lead_and_body(plain(item.excerpt), converted.html)
        categories = [nicename for domain, nicename, _ in item.terms if domain == "category" and nicename]
        # The most specific category is the section; the others stay on as tags.
        ancestors = set().union(*(self._ancestors(c) for c in categories))
        section = next((c for c in categories if c not in ancestors), "")
        tags = [name for domain, _, name in item.terms if domain == "post_tag"]
        implied = {section} | self._ancestors(section)
        tags += [name for domain, slug, name in item.terms if domain == "category" and slug not in implied]
        attachment, path = None, None
        thumbnail = item.meta.get("_thumbnail_id", "").strip()
        if thumbnail.isdigit():
            attachment = self.survey.attachments.get(int(thumbnail))
            if attachment is not None:
                path, reason = local_file(attachment, self.media_dir)
                if reason and self.media_dir:
                    self._problem(item, f"featured image left at its original URL: {reason}")
        return Post(
            item=item,
            title=title,
            slug=decode_slug(item.post_name, Article._meta.get_field("slug").max_length),
            lead=lead,
            body=body,
            status=STATUSES[item.status],
            pub_date=self._pub_date(item),
            category=section,
            tags=list(dict.fromkeys(shorten(plain(t), 100) for t in tags if plain(t))),
            author_logins=[item.creator] if item.creator else [],
            comments_open=item.comment_status != "closed",
            attachment=attachment,
            photo_path=path,
            dropped=converted.dropped,
        )

    @staticmethod
    def _pub_date(item: Item) -> datetime:
        """post_date_gmt where WordPress set it; drafts often have only post_date, the site's
        local time, read in our time zone (the export does not say the site's)."""
        try:
            if item.post_date_gmt and not item.post_date_gmt.startswith("0000"):
                return datetime.strptime(item.post_date_gmt, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
            if item.post_date and not item.post_date.startswith("0000"):
                return timezone.make_aware(datetime.strptime(item.post_date, "%Y-%m-%d %H:%M:%S"))
        except ValueError:
            raise Skip("unreadable date") from None
        return timezone.now()

    def _save(self, article: Article, post: Post, record: ImportedPost | None) -> None:
        article.title = post.title
        article.slug = post.slug  # empty: the model makes one from the title
        article.lead = post.lead
        article.body = post.body
        article.status = post.status
        article.pub_date = post.pub_date
        article.section = self._section_for(post.category) if post.category else self._uncategorised()
        article.comments_open = post.comments_open
        article.last_edited_by = None
        # The section was just looked up or made: checking that it exists would cost a query.
        article.full_clean(exclude=["featured_photo", "section"])
        original = vars(post.attachment) if post.attachment else {}
        same_file = bool(
            record and original and record.featured_image_copied and record.featured_image == original
        )
        copied = set_featured_image(
            article=article, attachment=post.attachment, path=post.photo_path, same_file=same_file
        )
        if copied:
            self.report.photos_copied += 1
        elif original:
            self.report.photos_remote += 1
        article.save()
        tags = [self._tag(name) for name in post.tags]
        authors = [self._author(login) for login in post.author_logins]
        if record is None:
            # A new article has no tags or bylines to compare with: one insert each, where
            # taggit's add() spends four round trips per tag (a savepoint around each row).
            TaggedArticle.objects.bulk_create(TaggedArticle(content_object=article, tag=t) for t in tags)
            Bylines = Article.authors.through
            Bylines.objects.bulk_create(Bylines(article=article, author=a) for a in authors)
        else:
            article.tags.set(tags)
            article.authors.set(authors)
        record = record or ImportedPost(site=self.site, post_id=post.item.post_id)
        record.article = article
        record.link = post.item.link[:2000]
        record.old_path = old_path(post.item.link)
        if len(record.old_path) > OLD_PATH_LENGTH:
            self.report.notes[f"no redirect: the old path is longer than {OLD_PATH_LENGTH} characters"] += 1
            record.old_path = ""
        self.report.old_paths += bool(record.old_path)
        record.featured_image = original
        record.featured_image_copied = copied
        record.fingerprint = post.fingerprint()
        record.article_updated = article.updated
        record.save()


def import_export(
    survey: Survey,
    items: Iterable[Item],
    *,
    media_dir: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """The whole import as one transaction: an error part-way (the database, an interruption)
    leaves the newsroom as it was, and the run can simply be repeated."""
    run = WordPressImport(survey, media_dir=media_dir)
    with transaction.atomic():
        run.prepare()
        run.import_items(items, progress)
    return run.report
