"""The one place this app reads an article's photo (feeds, link previews, structured data).

The photo library is being rebuilt (Article.photo* → Article.featured_photo with stored
renditions): only share_photo() needs to change with it.
"""

import logging
from dataclasses import dataclass

from django.core.cache import cache
from PIL import Image

logger = logging.getLogger(__name__)

# A rendition's name changes whenever its picture does, so what is measured from it stays
# true; the timeout only lets the cache forget photos nobody asks for any more.
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
    """The large rendition of the article's photo, measured, or None when there is none to
    show: no photo, a file that cannot be read, or a graphic photo. Pages show a graphic
    photo only blurred behind a warning, and a feed reader or a chat's link preview would
    show it to anyone, unasked.

    The first call per rendition looks at storage (on S3, requests); later ones are one
    cache lookup, so a feed of thirty photos costs no storage calls. The photos rebuild can
    store the byte size and dimensions on the rendition row and drop the cache.
    """
    if not article.photo or article.photo_is_graphic:
        return None
    rendition = article.photo_large
    key = f"reach:photo:{rendition.name}"
    measured = cache.get(key)
    if measured is None:
        # Asked for a rendition whose source is gone, imagekit fails once and then hands out
        # the URL of a file it never wrote: look before asking, so the page below is not fooled.
        if not article.photo.storage.exists(article.photo.name):
            return None
        url = article.photo_url("large")
        if not url:
            return None
        try:
            with rendition.storage.open(rendition.name) as file, Image.open(file) as image:
                measured = (
                    url,
                    *image.size,
                    Image.MIME[image.format],
                    rendition.storage.size(rendition.name),
                )
        except (OSError, ValueError, KeyError):
            logger.warning("Article %s: photo rendition %s cannot be measured", article.pk, rendition.name)
            return None
        cache.set(key, measured, MEASURE_SECONDS)
    return SharePhoto(*measured, alt=article.photo_alt)
