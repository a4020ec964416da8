"""The featured image of an imported post: everything the import does with photos is here,
so that moving articles to another photo model changes this module alone."""

from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files import File
from PIL import Image, UnidentifiedImageError

from articles.models import Article

from .text import plain, shorten
from .wxr import Attachment

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}


def local_file(attachment: Attachment, media_dir: Path | None) -> tuple[Path | None, str]:
    """The attachment's file under `media_dir` (a copy of wp-content/uploads) when it is there
    and is a photo we accept, else None and why not."""
    if media_dir is None:
        return None, "no --media-dir given"
    relative = attachment.file or _uploads_path(attachment.url)
    if not relative:
        return None, "the attachment names no file"
    root = media_dir.resolve()
    path = (root / relative.lstrip("/")).resolve()
    # The path comes from the export: it must not lead out of the folder the editor named.
    if not path.is_relative_to(root):
        return None, f"{relative} lies outside --media-dir"
    if not path.is_file():
        return None, f"{relative} is not in --media-dir"
    if path.suffix.lower() not in PHOTO_SUFFIXES:
        return None, f"{relative}: only JPEG, PNG and WebP photos are imported"
    if path.stat().st_size > settings.ARTICLE_PHOTO_MAX_BYTES:
        return None, f"{relative} is larger than the photo size limit"
    try:
        with Image.open(path) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None, f"{relative} is not a readable image"
    return path, ""


def _uploads_path(url: str) -> str:
    path = unquote(urlsplit(url).path)
    marker = "/uploads/"
    return path.split(marker, 1)[1] if marker in path else ""


def set_featured_image(
    *, article: Article, attachment: Attachment | None, path: Path | None, same_file: bool
) -> bool:
    """Give `article` the attachment as its photo, with caption, credit and alt text, the file
    copied from the local `path`; without one, the words are kept and no file. Whether a file
    came in is returned. `same_file` says the article already holds this very file from an
    earlier import, which is not copied again."""
    if attachment is None:
        article.photo = ""
        article.photo_caption = article.photo_alt = article.photo_credit = ""
        return False
    article.photo_caption = shorten(plain(attachment.caption), 300)
    article.photo_alt = shorten(plain(attachment.alt), 250)
    article.photo_credit = shorten(plain(attachment.credit), 150)
    if path is None:
        article.photo = ""
        return False
    if not (same_file and article.photo):
        with path.open("rb") as handle:
            article.photo.save(path.name, File(handle), save=False)
    return True
