"""Small text helpers for WordPress data: plain text out of HTML, cuts on word boundaries, slugs."""

import html
import re
from urllib.parse import unquote

from django.core.exceptions import ValidationError
from django.core.validators import validate_unicode_slug
from django.utils.html import strip_tags

from newsroom.text import arabic_slugify


def plain(markup: str) -> str:
    """The words of an HTML snippet: tags gone, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(strip_tags(markup))).strip()


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters on a word boundary, marked with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return (text[: cut if cut > 0 else limit - 1]).rstrip(" ،,.؛") + "…"


def decode_slug(slug: str, max_length: int) -> str:
    """A WordPress slug as readers should see it: WordPress stores Arabic slugs percent-encoded
    ("%d8%b3%d9%88%d8%b1%d9%8a%d8%a7"); ours keep the letters ("سوريا"). "" when unusable."""
    try:
        decoded = unquote(slug, errors="strict")
    except UnicodeDecodeError:
        return ""
    try:
        validate_unicode_slug(decoded)
    except ValidationError:
        return arabic_slugify(decoded, max_length=max_length)
    return decoded if len(decoded) <= max_length else arabic_slugify(decoded, max_length=max_length)
