"""The featured image of an imported post: everything the import does with photos is here,
so that a change to how articles hold photos changes this module alone."""

from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.files import File

from articles.models import Article
from photos.imaging import open_checked
from photos.models import Photo

from .text import plain, shorten
from .wxr import Attachment

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}


def local_file(attachment: Attachment, media_dir: Path | None) -> tuple[Path | None, str]:
    """The attachment's file under `media_dir` (a copy of wp-content/uploads) when it is there
    and the photo library would accept it, else None and why not."""
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
    try:
        # The library's own judge of uploads: size, pixel count, format, a complete picture.
        with path.open("rb") as handle:
            open_checked(File(handle)).close()
    except ValidationError as error:
        return None, f"{relative} is refused by the photo library ({' '.join(error.messages)})"
    except OSError:
        return None, f"{relative} cannot be read"
    return path, ""


def _uploads_path(url: str) -> str:
    path = unquote(urlsplit(url).path)
    marker = "/uploads/"
    return path.split(marker, 1)[1] if marker in path else ""


def set_featured_image(
    *, article: Article, attachment: Attachment | None, path: Path | None, same_file: bool
) -> bool:
    """Give `article` the attachment as its featured photo: a new library Photo made from the
    local `path`, with the attachment's caption, credit and alt text. Without a file there is
    no Photo (a Photo is its image); the import keeps the attachment's URL and words on its
    record (ImportedPost.featured_image) for an editor to attach it by hand. Returns whether a
    photo came in. `same_file`: the article already holds this very file from an earlier
    import, which is not copied again."""
    if attachment is None or path is None:
        article.featured_photo = None
        return False
    if same_file and article.featured_photo_id:
        return True
    with path.open("rb") as handle:
        photo = Photo(
            image=File(handle, name=path.name),
            caption=shorten(plain(attachment.caption), 300),
            credit=shorten(plain(attachment.credit), 150),
            alt_text=shorten(plain(attachment.alt), 250),
        )
        # Photo.save() stores the cleaned file (no EXIF/XMP) and makes the renditions.
        photo.save()
    article.featured_photo = photo
    return True
