from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.models import Article


class ImportedPostQuerySet(models.QuerySet):
    def redirect_target(self, *, paths: list[str] = (), post_id: int | None = None) -> str | None:
        """Where an old WordPress address now lives: the article's URL, if it is published.
        An unpublished one answers as if unknown, so its new URL (and title) is not given away."""
        found = self.filter(post_id=post_id) if post_id is not None else self.filter(old_path__in=paths)
        article = (
            Article.objects.published()
            .filter(wordpress_origin__in=found)
            .only("slug")
            .order_by("wordpress_origin__id")
            .first()
        )
        return article.get_absolute_url() if article else None


class ImportedPost(models.Model):
    """Where an article came from in WordPress, so that importing the export again updates
    it instead of adding it twice. Kept beside the article, not on it: the article model
    stays the same whether or not a newsroom ever ran WordPress."""

    site = models.CharField(
        _("الموقع"), max_length=200, help_text=_("عنوان موقع ووردبريس الذي صُدّر منه، دون البروتوكول.")
    )
    post_id = models.PositiveBigIntegerField(_("رقم المنشور في ووردبريس"))
    # Not a cascade: an article an editor deleted stays deleted when the export is run again.
    article = models.OneToOneField(
        "articles.Article",
        verbose_name=_("الخبر"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="wordpress_origin",
    )
    link = models.URLField(_("الرابط في ووردبريس"), max_length=2000, blank=True)
    # The permalink's path as Django reads request.path (letters, not %-escapes), so that the
    # old address answers with a 301 to the article (wordpress.middleware).
    old_path = models.CharField(_("المسار القديم"), max_length=1000, blank=True, db_index=True)
    # Kept whether or not its file came in: without the file, this is all there is of the
    # photo (its original URL, caption, alt text, credit) for an editor to attach it by hand.
    featured_image = models.JSONField(
        _("الصورة البارزة في ووردبريس"),
        default=dict,
        blank=True,
        help_text=_("رقمها ورابطها الأصلي وتعليقها ووصفها ومصدرها كما كانت في ووردبريس."),
    )
    featured_image_copied = models.BooleanField(
        _("نُسخ ملف الصورة"),
        default=False,
        help_text=_("لا: لم يكن الملف في مجلد الوسائط عند الاستيراد، فيُنزَّل من رابطه الأصلي ويُرفق يدوياً."),
    )
    fingerprint = models.CharField(max_length=64, editable=False)
    # The article's "updated" as the import left it: a later value means someone edited it here.
    article_updated = models.DateTimeField(null=True, editable=False)
    imported_at = models.DateTimeField(_("آخر استيراد"), auto_now=True)

    objects = ImportedPostQuerySet.as_manager()

    class Meta:
        verbose_name = _("منشور مستورد من ووردبريس")
        verbose_name_plural = _("المنشورات المستوردة من ووردبريس")
        ordering = ["site", "post_id"]
        constraints = [models.UniqueConstraint(fields=["site", "post_id"], name="unique_wordpress_post")]
        # Found by post id alone for "/?p=123" links, which do not name the site.
        indexes = [models.Index(fields=["post_id"], name="wordpress_post_id_idx")]

    def __str__(self):
        return f"{self.site} #{self.post_id}"
