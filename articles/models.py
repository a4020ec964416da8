import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from imagekit.models import ImageSpecField
from imagekit.processors import ResizeToFill, ResizeToFit
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from newsroom.text import arabic_slugify

logger = logging.getLogger(__name__)

# What the body editor offers is exactly what the sanitiser lets through: no raw HTML,
# no inline styles, no scripts, and headings start at h2 because the title is the page's h1.
BODY_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "History": True,
}


def validate_photo_size(photo):
    # Only a new upload is measured: asking storage for the size of a photo saved long ago
    # would fail the whole form if that file has since gone missing.
    if getattr(photo, "_committed", True):
        return
    if photo.size > settings.ARTICLE_PHOTO_MAX_BYTES:
        limit = settings.ARTICLE_PHOTO_MAX_BYTES // (1024 * 1024)
        raise ValidationError(_("حجم الصورة أكبر من %(limit)s ميغابايت."), params={"limit": limit})


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """The one way public code reads articles: published and whose time has come."""
        return self.filter(status=Article.Status.PUBLISHED, pub_date__lte=timezone.now())

    def for_cards(self):
        """Only what a list card shows, with its section, in one query."""
        return self.select_related("section").only(
            "title", "slug", "lead", "pub_date", "photo", "photo_alt", "section__name", "section__slug"
        )


class TaggedArticle(TaggedItemBase):
    """A direct foreign key instead of taggit's generic relation, so tag joins stay indexed."""

    content_object = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        verbose_name = _("وسم خبر")
        verbose_name_plural = _("وسوم الأخبار")
        constraints = [models.UniqueConstraint(fields=["content_object", "tag"], name="unique_article_tag")]


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("مسودة")
        PUBLISHED = "published", _("منشور")

    title = models.CharField(_("العنوان"), max_length=250)
    slug = models.SlugField(
        _("المعرّف في الرابط"),
        max_length=250,
        allow_unicode=True,
        blank=True,
        help_text=_("يُملأ من العنوان. الرابط يحمل رقم الخبر أيضاً، فلا يلزم أن يكون فريداً."),
    )
    lead = models.TextField(_("المقدمة"), help_text=_("فقرة تمهيدية قصيرة تظهر تحت العنوان وفي القوائم."))
    body = ProseEditorField(_("النص"), extensions=BODY_EXTENSIONS, sanitize=True)
    section = models.ForeignKey(
        "sections.Section",
        verbose_name=_("القسم"),
        on_delete=models.PROTECT,
        related_name="articles",
    )
    tags = TaggableManager(_("الوسوم"), through=TaggedArticle, blank=True)
    sources = models.ManyToManyField(
        "sources.Source", verbose_name=_("المصادر المذكورة"), blank=True, related_name="articles"
    )
    authors = models.ManyToManyField(
        "authors.Author", verbose_name=_("الكتّاب"), blank=True, related_name="articles"
    )
    related = models.ManyToManyField(
        "self",
        verbose_name=_("أخبار متعلقة"),
        symmetrical=False,
        blank=True,
        help_text=_("تظهر أولاً في «أخبار متعلقة»، قبل ما يُختار تلقائياً."),
    )
    photo = models.ImageField(
        _("الصورة"),
        upload_to="articles/%Y/%m/",
        blank=True,
        validators=[
            FileExtensionValidator(["jpg", "jpeg", "png", "webp"]),
            validate_photo_size,
        ],
    )
    photo_caption = models.CharField(_("تعليق الصورة"), max_length=300, blank=True)
    photo_credit = models.CharField(_("مصدر الصورة"), max_length=150, blank=True)
    photo_alt = models.CharField(
        _("وصف الصورة"),
        max_length=250,
        blank=True,
        help_text=_("لمن لا يرى الصورة: ماذا تُظهر؟"),
    )
    # Sized renditions so readers on metered connections never download the original upload.
    photo_large = ImageSpecField(
        source="photo", processors=[ResizeToFit(1200, 800)], format="WEBP", options={"quality": 72}
    )
    photo_card = ImageSpecField(
        source="photo", processors=[ResizeToFill(480, 270)], format="WEBP", options={"quality": 65}
    )
    status = models.CharField(_("الحالة"), max_length=10, choices=Status, default=Status.DRAFT)
    pub_date = models.DateTimeField(_("تاريخ النشر"), default=timezone.now)
    import_key = models.CharField(
        _("مفتاح الاستيراد"),
        max_length=150,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text=_("اسم الملف الذي استُورد منه الخبر، لتحديثه بدل تكراره."),
    )
    created = models.DateTimeField(_("أُنشئ في"), auto_now_add=True)
    updated = models.DateTimeField(_("عُدّل في"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("خبر")
        verbose_name_plural = _("الأخبار")
        ordering = ["-pub_date", "-id"]
        get_latest_by = "pub_date"
        indexes = [
            # Both end in -id, the ordering's tie-breaker, so a page of the newest is read
            # straight off the index instead of sorting the archive.
            models.Index(fields=["status", "-pub_date", "-id"], name="article_published_idx"),
            models.Index(fields=["section", "status", "-pub_date", "-id"], name="article_section_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            # A title of punctuation or digits alone still needs a non-empty URL part.
            self.slug = arabic_slugify(self.title, max_length=250) or "خبر"
        # The editor's form sanitises in clean(); doing it here too covers every other writer
        # (importer, shell, services), since templates print the body as trusted HTML.
        self.body = self._meta.get_field("body").sanitize(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"pk": self.pk, "slug": self.slug})

    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.pub_date <= timezone.now()

    def photo_url(self, size: str) -> str:
        """URL of the "card" or "large" rendition, or "" when there is no usable photo.

        A photo whose file has gone missing from storage must cost the reader the picture,
        not the page.
        """
        if not self.photo:
            return ""
        spec = self.photo_card if size == "card" else self.photo_large
        try:
            return spec.url
        except (OSError, ValueError):
            logger.warning("Article %s: photo %s cannot be rendered", self.pk, self.photo.name)
            return ""
