import logging
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from newsroom.text import fold

from .imaging import (
    RENDITION_FORMATS,
    clean_upload,
    encode_rendition,
    open_checked,
    rendition_widths,
    upright_pixels,
)

logger = logging.getLogger(__name__)


def validate_image(image):
    """Refuse a new upload that is not a safe picture (imaging.open_checked says why).

    A file saved long ago is not opened again: it was checked when it came in, and reading
    it back from storage on every form save would fail the form if it has since gone missing.
    """
    if getattr(image, "_committed", True):
        return
    open_checked(image.file)


@dataclass(frozen=True)
class Rendition:
    width: int
    height: int
    ext: str
    url: str


class PhotoQuerySet(models.QuerySet):
    def search(self, text: str):
        """Photos whose caption, credit or description holds every word typed, spelled either
        way (أ/ا, ى/ي, with or without harakat): the folded copy is what is matched."""
        queryset = self
        for word in fold(text).split():
            queryset = queryset.filter(search_key__icontains=word)
        return queryset


class Photo(models.Model):
    """A photo in the library: cleaned of its metadata when it came in, reusable by any article.

    Renditions (every width in imaging.RENDITION_WIDTHS up to the original's, in WebP and JPEG)
    are made once and their names kept in `renditions`, so a page lists them without asking
    storage whether they exist.
    """

    image = models.ImageField(
        _("الصورة"),
        upload_to="photos/%Y/%m/",
        validators=[validate_image],
        help_text=_("JPEG أو PNG أو WebP. تُزال بيانات الموقع والكاميرا من الملف عند الرفع."),
    )
    width = models.PositiveIntegerField(_("العرض"), editable=False, default=0)
    height = models.PositiveIntegerField(_("الارتفاع"), editable=False, default=0)
    caption = models.CharField(_("التعليق"), max_length=300, blank=True)
    credit = models.CharField(_("المصدر"), max_length=150, blank=True, help_text=_("المصوّر أو الوكالة."))
    alt_text = models.CharField(
        _("وصف الصورة"),
        max_length=250,
        blank=True,
        help_text=_("لمن لا يرى الصورة: ماذا تُظهر؟"),
    )
    taken_on = models.DateField(_("تاريخ التصوير"), null=True, blank=True)
    renditions = models.JSONField(_("النسخ المصغّرة"), default=list, blank=True, editable=False)
    search_key = models.TextField(editable=False, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("رفعها"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created = models.DateTimeField(_("رُفعت في"), auto_now_add=True, db_index=True)
    updated = models.DateTimeField(_("عُدّلت في"), auto_now=True)

    objects = PhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("صورة")
        verbose_name_plural = _("الصور")
        ordering = ["-created", "-id"]

    def __str__(self):
        return self.caption or self.alt_text or PurePath(self.image.name).name

    def save(self, *args, **kwargs):
        self.search_key = fold(f"{self.caption} {self.credit} {self.alt_text}").lower()
        fresh = self.image and not self.image._committed
        if fresh:
            # Every writer (admin, importer, shell) stores only the cleaned file.
            clean = clean_upload(self.image.file, self.image.name)
            self.image = clean.file
            self.width, self.height = clean.width, clean.height
            self.renditions = []
        super().save(*args, **kwargs)
        if fresh:
            self._store_renditions(clean.image)

    def get_absolute_url(self):
        return reverse("admin:photos_photo_change", args=[self.pk])

    def _store_renditions(self, image) -> None:
        stem = PurePath(self.image.name).stem
        storage = self.image.storage
        made = []
        for width in rendition_widths(image.width):
            for ext in RENDITION_FORMATS:
                data, height = encode_rendition(image, width, ext)
                name = storage.save(f"photos/renditions/{self.pk}/{stem}-{width}.{ext}", ContentFile(data))
                made.append({"width": width, "height": height, "ext": ext, "name": name})
        self.renditions = made
        type(self).objects.filter(pk=self.pk).update(renditions=made)

    def ensure_renditions(self) -> bool:
        """Make the renditions if this photo has none yet (one moved in by a migration or
        saved before they existed); False if its file cannot be read."""
        if self.renditions:
            return True
        try:
            with self.image.open("rb") as file:
                image = upright_pixels(open_checked(file))
        except (OSError, ValueError, ValidationError):
            # A missing or unreadable file costs the reader the picture, not the page.
            logger.warning("Photo %s: %s cannot be read to make renditions", self.pk, self.image.name)
            return False
        self._store_renditions(image)
        return True

    def rendition_list(self, ext: str) -> list[Rendition]:
        if not self.ensure_renditions():
            return []
        storage = self.image.storage
        return [
            Rendition(r["width"], r["height"], r["ext"], storage.url(r["name"]))
            for r in self.renditions
            if r["ext"] == ext
        ]

    @property
    def thumbnail_url(self) -> str:
        return self.url(320)

    def url(self, width: int = 1024, ext: str = "jpg") -> str:
        """The URL of the widest rendition no wider than `width` (the narrowest if all are
        wider), "" if there is none. For feeds, link previews and the API."""
        renditions = self.rendition_list(ext)
        if not renditions:
            return ""
        fitting = [r for r in renditions if r.width <= width] or renditions[:1]
        return fitting[-1].url


@receiver(post_delete, sender=Photo)
def remove_files(sender, instance: Photo, **kwargs) -> None:
    """A deleted photo's original and renditions leave storage once the deletion commits: a
    rollback brings the row back, and it needs its files. The original stays while another
    photo still names the same file (one moved into the library by a migration may)."""
    storage = instance.image.storage
    renditions = [rendition["name"] for rendition in instance.renditions]
    original = instance.image.name

    def remove() -> None:
        shared = original and Photo.objects.filter(image=original).exists()
        for name in [*renditions, *([original] if original and not shared else [])]:
            try:
                storage.delete(name)
            except Exception:
                # A file already gone, or storage away: the row is deleted either way.
                logger.warning("Photo %s: could not delete %s", instance.pk, name, exc_info=True)

    transaction.on_commit(remove)
