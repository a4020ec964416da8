"""Plain helpers that build saved objects with sensible Arabic defaults."""

import io
from datetime import timedelta
from itertools import count

from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article
from authors.models import Author
from photos.models import Photo
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
    photo=None,
    **fields,
) -> Article:
    """`photo`: an upload (image_upload()) made into the article's featured library photo,
    with `photo_caption`, `photo_credit` and `photo_alt` as its caption, credit and alt text."""
    photo_fields = {
        name: fields.pop(f"photo_{key}")
        for key, name in (("caption", "caption"), ("credit", "credit"), ("alt", "alt_text"))
        if f"photo_{key}" in fields
    }
    if photo:
        fields["featured_photo"] = make_photo(photo, **photo_fields)
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


def make_photo(image=None, **fields) -> Photo:
    return Photo.objects.create(image=image or image_upload(), **fields)


def make_user(role: str | None = None, **fields) -> User:
    """A staff member in `role` (a group name from editorial.roles), as the data migration
    made it: the role's real permissions, not a hand-picked set."""
    password = fields.pop("password", "irrelevant")
    fields.setdefault("username", f"user{next(_numbers)}")
    fields.setdefault("is_staff", True)
    user = User.objects.create_user(password=password, **fields)
    if role is not None:
        user.groups.add(Group.objects.get(name=role))
    return user


def inline_management_data() -> dict[str, str]:
    """The management forms of the article admin's inlines (corrections and the workflow
    history), empty: the admin refuses an article form posted without them."""
    data = {}
    for prefix in ("corrections", "transitions"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return data


def image_upload(name: str = "photo.jpg", size=(800, 450), fmt: str = "JPEG") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 60, 60)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")
