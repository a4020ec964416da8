"""Pillow work on uploaded photos: refusing what is not a safe picture, cleaning what is.

Every stored file (the original and each rendition) is encoded afresh from pixels alone, so
nothing the camera or an editing app wrote survives: no EXIF (GPS position, camera serial,
owner name), no XMP, no IPTC, no comments. The ICC colour profile is not kept either: the
pixels are converted to sRGB first, so colours stay right without carrying the profile.
"""

import io
import logging
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps

logger = logging.getLogger(__name__)

# What browsers show everywhere and Pillow reads well. Decided by the file's content.
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
RENDITION_WIDTHS = (320, 640, 1024, 1600)
# Rendition formats: WebP for browsers that take it (all current ones), JPEG for the rest and
# for feeds and link previews, which do not all read WebP.
RENDITION_FORMATS = {"webp": ("WEBP", {"quality": 72, "method": 4}), "jpg": ("JPEG", {"quality": 78})}
_ORIGINAL_OPTIONS = {"JPEG": {"quality": 90}, "PNG": {"optimize": True}, "WEBP": {"quality": 90}}


def _limit_text(limit: int) -> str:
    return f"{limit / 1_000_000:g}"


@dataclass(frozen=True)
class CleanImage:
    file: ContentFile
    image: Image.Image  # the cleaned pixels, to make renditions from without decoding again
    width: int
    height: int


def open_checked(file) -> Image.Image:
    """The decoded picture in `file`, or a ValidationError saying in Arabic what is wrong.

    Checked before decoding: the byte size, then the pixel count from the header, since a
    few kilobytes of PNG can declare a picture that takes gigabytes to decode. Pillow's own
    MAX_IMAGE_PIXELS guard only warns below twice its limit; ours refuses outright.
    """
    max_bytes = settings.PHOTO_MAX_BYTES
    if file.size > max_bytes:
        raise ValidationError(
            _("حجم الملف أكبر من %(limit)s ميغابايت."),
            code="too_big",
            params={"limit": max_bytes // (1024 * 1024)},
        )
    file.seek(0)
    try:
        image = Image.open(file, formats=list(FORMATS))
    except Image.DecompressionBombError:
        raise _too_many_pixels() from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("الملف ليس صورة يمكن قراءتها. الصيغ المقبولة: JPEG وPNG وWebP."), code="not_an_image"
        ) from None
    width, height = image.size
    if width * height > settings.PHOTO_MAX_PIXELS:
        raise _too_many_pixels()
    if getattr(image, "n_frames", 1) > 1:
        raise ValidationError(_("الصور المتحركة غير مقبولة."), code="animated")
    try:
        image.load()
    except Image.DecompressionBombError:
        raise _too_many_pixels() from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(_("الصورة تالفة أو ناقصة ولا يمكن قراءتها كاملة."), code="truncated") from None
    return image


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        _("أبعاد الصورة كبيرة جداً: الحد %(limit)s ميغابكسل."),
        code="too_many_pixels",
        params={"limit": _limit_text(settings.PHOTO_MAX_PIXELS)},
    )


def upright_pixels(image: Image.Image) -> Image.Image:
    """Upright, sRGB pixels with no metadata attached at all."""
    image = ImageOps.exif_transpose(image)
    icc = image.info.get("icc_profile")
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        # CMYK, palette and 16-bit pictures: RGBA keeps any transparency a palette had.
        has_alpha = image.mode in ("P", "PA") and "transparency" in image.info or image.mode.endswith("A")
        image = image.convert("RGBA" if has_alpha else "RGB")
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            image = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"))
        except (ImageCms.PyCMSError, OSError, ValueError):
            logger.warning("Unreadable ICC profile ignored; colours may shift slightly")
    # A new image from the raw pixels: no info dict, no EXIF, no profile to carry along.
    return Image.frombytes(image.mode, image.size, image.tobytes())


def clean_upload(file, name: str) -> CleanImage:
    """The upload checked (open_checked) and re-encoded from its pixels alone."""
    image = open_checked(file)
    return _encode_original(upright_pixels(image), source_format=image.format, name=name)


def _encode_original(image: Image.Image, *, source_format: str, name: str) -> CleanImage:
    fmt = source_format
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **_ORIGINAL_OPTIONS[fmt])
    stem = PurePath(name).stem or "photo"
    return CleanImage(
        file=ContentFile(buffer.getvalue(), name=f"{stem}.{FORMATS[fmt]}"),
        image=image,
        width=image.width,
        height=image.height,
    )


def rendition_widths(original_width: int) -> list[int]:
    """The widths to make for a picture this wide: never wider than the original, and the
    original's own width as the largest when it falls between two standard widths."""
    widths = [width for width in RENDITION_WIDTHS if width < original_width]
    if original_width <= RENDITION_WIDTHS[-1]:
        widths.append(original_width)
    return widths


def encode_rendition(image: Image.Image, width: int, ext: str) -> tuple[bytes, int]:
    """The picture at `width` (height to scale) encoded as `ext`; returns the bytes and height."""
    height = max(1, round(image.height * width / image.width))
    resized = (
        image if width == image.width else image.resize((width, height), Image.LANCZOS, reducing_gap=3.0)
    )
    fmt, options = RENDITION_FORMATS[ext]
    if fmt == "JPEG" and resized.mode in ("RGBA", "LA"):
        # JPEG has no transparency: a transparent PNG graphic goes onto white, as on the page.
        background = Image.new("RGB", resized.size, "white")
        background.paste(resized, mask=resized.getchannel("A"))
        resized = background
    buffer = io.BytesIO()
    resized.save(buffer, format=fmt, **options)
    return buffer.getvalue(), height
