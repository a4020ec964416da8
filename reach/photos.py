"""The one place this app reads an article's photo (feeds, link previews, structured data)."""

import logging
from dataclasses import dataclass

from django.core.cache import cache

logger = logging.getLogger(__name__)

# Link previews and Google's large-image results ask for at least 1200 px wide.
SHARE_WIDTH = 1200
# A rendition's name changes whenever its picture does, so its measured size stays true;
# the timeout only lets the cache forget photos nobody asks for any more.
MEASURE_SECONDS = 7 * 24 * 60 * 60


@dataclass(frozen=True)
class SharePhoto:
    url: str  # as storage gives it: may be a path, see reach.site.absolute_url
    width: int
    height: int
    mime_type: str
    length: int  # bytes, for an RSS enclosure
    alt: str


def share_photo(article) -> SharePhoto | None:
    """The JPEG rendition (not every messenger reads WebP) of the article's photo that suits a
    link preview, or None when there is none to show: no photo, a file that cannot be read,
    or a graphic photo. Pages show a graphic photo only blurred behind a warning, and a feed
    reader or a chat's link preview would show it to anyone, unasked.

    Widths and heights come from the photo's row; only the byte size (an RSS enclosure needs
    it) asks storage, once per rendition, then the cache: a feed of thirty photos costs no
    storage calls.
    """
    photo = article.featured_photo
    if photo is None or article.photo_is_graphic:
        return None
    if not photo.ensure_renditions():
        return None
    jpegs = [r for r in photo.renditions if r["ext"] == "jpg"]  # narrowest first
    if not jpegs:
        return None
    chosen = next((r for r in jpegs if r["width"] >= SHARE_WIDTH), jpegs[-1])
    storage = photo.image.storage
    key = f"reach:photo-bytes:{chosen['name']}"
    length = cache.get(key)
    if length is None:
        try:
            length = storage.size(chosen["name"])
        except OSError:
            logger.warning("Article %s: photo rendition %s cannot be measured", article.pk, chosen["name"])
            return None
        cache.set(key, length, MEASURE_SECONDS)
    url = storage.url(chosen["name"])
    return SharePhoto(url, chosen["width"], chosen["height"], "image/jpeg", length, alt=photo.alt_text)
