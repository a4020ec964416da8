"""Plain helpers that build saved objects with sensible Arabic defaults."""

import io
from datetime import timedelta
from itertools import count

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article
from authors.models import Author
from sections.models import Section
from sources.models import Source

_numbers = count(1)


def make_section(name: str | None = None, **fields) -> Section:
    return Section.objects.create(name=name or f"قسم {next(_numbers)}", **fields)


def make_source(name: str | None = None, **fields) -> Source:
    return Source.objects.create(name=name or f"مصدر {next(_numbers)}", **fields)


def make_author(name: str | None = None, **fields) -> Author:
    return Author.objects.create(name=name or f"كاتب {next(_numbers)}", **fields)


def make_article(
    title: str | None = None,
    *,
    section: Section | None = None,
    status: str = Article.Status.PUBLISHED,
    pub_date=None,
    tags=(),
    sources=(),
    authors=(),
    **fields,
) -> Article:
    article = Article.objects.create(
        title=title or f"خبر رقم {next(_numbers)} عن دير الزور",
        lead=fields.pop("lead", "مقدمة الخبر"),
        body=fields.pop("body", "<p>نص الخبر.</p>"),
        section=section or make_section(),
        status=status,
        pub_date=pub_date or timezone.now() - timedelta(hours=1),
        **fields,
    )
    if tags:
        article.tags.add(*tags)
    if sources:
        article.sources.add(*sources)
    if authors:
        article.authors.add(*authors)
    return article


def image_upload(name: str = "photo.jpg", size=(800, 450), fmt: str = "JPEG") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 60, 60)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")
