"""Library photos inside an article's body.

The editor's Figure extension inserts `<figure><img src alt data-file><figcaption>` and, with
`pickerUrl`, lets the editor pick from the library in a popup (photos.admin's picker), which
fills `data-file` with the photo's id. The body keeps that id as the reference; the `src` is
only the editor's preview. So:

- on save, after nh3, keep_library_photos() keeps an <img> only if `data-file` names a photo
  of ours, and rewrites its `src` from that photo: no external image can be stored, whatever
  is pasted or posted;
- on display, render_body_photos() replaces each <img> with the photo's <picture> (renditions,
  width and height, lazy) and adds its credit: a photo deleted since leaves no broken image.
"""

import re

from django.template.loader import render_to_string
from django.urls import reverse_lazy
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from .models import Photo

BODY_PHOTO_EXTENSIONS = {
    "Figure": {"pickerUrl": reverse_lazy("admin:photos_photo_picker")},
    "Image": True,
    "Caption": True,
}

# The body has been through nh3, which writes attributes double-quoted and escaped, so these
# patterns read its output reliably; they are never applied to raw input.
_IMG = re.compile(r"<img\b[^>]*>")
_ATTR = re.compile(r'([a-z-]+)="([^"]*)"')
_FIGURE = re.compile(r"<figure\b[^>]*>(.*?)</figure>", re.DOTALL)
_FIGCAPTION = re.compile(r"<figcaption>(.*?)</figcaption>", re.DOTALL)
_BLOCK = re.compile(r"<figure\b[^>]*>.*?</figure>|<img\b[^>]*>", re.DOTALL)

# A body photo spans the text column, at most 800 px wide.
BODY_SIZES = "(max-width: 992px) 100vw, 800px"


def _photo_id(img_tag: str) -> int | None:
    value = dict(_ATTR.findall(img_tag)).get("data-file", "")
    return int(value) if value.isdigit() else None


def _photos(html: str) -> dict:
    ids = {pk for pk in map(_photo_id, _IMG.findall(html)) if pk is not None}
    return Photo.objects.in_bulk(ids) if ids else {}


def keep_library_photos(html: str) -> str:
    """The sanitised body with each <img> pointing at one of our photos, and no other <img>."""
    if "<img" not in html:
        return html
    photos = _photos(html)

    def rewrite(match):
        photo = photos.get(_photo_id(match[0]))
        if photo is None:
            return ""
        alt = dict(_ATTR.findall(match[0])).get("alt", "")
        return format_html(
            '<img src="{}" alt="{}" data-file="{}">',
            photo.url(1024) or photo.image.url,
            mark_safe(alt),
            photo.pk,
        )

    html = _IMG.sub(rewrite, html)
    # A figure whose image was refused keeps no empty frame behind.
    return _FIGURE.sub(lambda m: m[0] if "<img" in m[1] else "", html)


def render_body_photos(html: str) -> str:
    """The body for readers: each library photo as a <figure> with its <picture> and credit.
    Safe to print as is: the body was sanitised on save."""
    if "<img" not in html:
        return mark_safe(html)
    photos = _photos(html)

    def render(match):
        block = match[0]
        img = _IMG.search(block)
        photo = photos.get(_photo_id(img[0])) if img else None
        if photo is None:
            return ""
        caption = _FIGCAPTION.search(block)
        # alt comes from the sanitised body, already escaped there.
        alt = dict(_ATTR.findall(img[0])).get("alt") or escape(photo.alt_text)
        return render_to_string(
            "photos/body_figure.html",
            {
                "photo": photo,
                "alt": mark_safe(alt),
                "caption": mark_safe(caption[1]) if caption else "",
                "sizes": BODY_SIZES,
            },
        )

    return mark_safe(_BLOCK.sub(render, html))
