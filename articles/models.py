import reversion
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import connections, models, router
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField, create_sanitizer
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from newsroom.text import arabic_slugify
from photos.body import BODY_PHOTO_EXTENSIONS, keep_library_photos, render_body_photos
from search.index import index_fields

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
    # Photos from the library only, picked in a popup (photos.admin's picker) and kept in the
    # body as a reference: see photos/body.py.
    **BODY_PHOTO_EXTENSIONS,
}


_clean_body = create_sanitizer(BODY_EXTENSIONS)


def sanitize_body(html: str) -> str:
    """nh3 with the editor's allow-list, then only photos of our library keep an <img>,
    repeated until the HTML stops changing. Misnested markup can come out of one pass in a
    form that parses differently the next time ("<h2><div><h2>" gives "<h2><h2></h2></h2>",
    and a refused image can leave an empty paragraph that the next pass drops; both found by
    tests/test_properties.py): what is stored must be what a second save would store, or
    revisions and restores show changes nobody made."""
    for _round in range(10):
        cleaned = keep_library_photos(_clean_body(html))
        if cleaned == html:
            break
        html = cleaned
    return cleaned


# What a page needs of a featured photo to print its <picture>; the rest stays in the library.
CARD_PHOTO_FIELDS = [
    f"featured_photo__{name}" for name in ("image", "width", "height", "alt_text", "renditions")
]


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """The one way public code reads articles: published, or scheduled and whose time has
        come, so readers see a scheduled story at its minute even if publish_due has not run."""
        return self.filter(status__in=Article.PUBLIC_STATUSES, pub_date__lte=timezone.now())

    def editable_by(self, user):
        """The articles `user` may change: all for editors, a writer's own drafts otherwise."""
        if user.has_perm("articles.edit_any_article"):
            return self
        return self.filter(created_by=user, status=Article.Status.DRAFT)

    def for_cards(self):
        """Only what a list card shows, with its section, in one query."""
        return self.select_related("section", "featured_photo").only(
            "title",
            "slug",
            "lead",
            "pub_date",
            "photo_is_graphic",
            "section__name",
            "section__slug",
            *CARD_PHOTO_FIELDS,
        )


@reversion.register()
class TaggedArticle(TaggedItemBase):
    """A direct foreign key instead of taggit's generic relation, so tag joins stay indexed."""

    content_object = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        verbose_name = _("وسم خبر")
        verbose_name_plural = _("وسوم الأخبار")
        constraints = [models.UniqueConstraint(fields=["content_object", "tag"], name="unique_article_tag")]
        # Related news reads the newest articles of a tag straight off this index.
        indexes = [models.Index(fields=["tag", "content_object"], name="tagged_article_tag_idx")]


# Revisions keep the tags with the text, so restoring one brings its tags back. Corrections
# and workflow history are not followed: restoring an old text must not erase them. The
# search columns are derived from the text and rebuilt on save, so no revision holds them.
@reversion.register(follow=["tagged_items"], exclude=["search_head", "search_body", "search_vector"])
class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("مسودة")
        REVIEW = "review", _("بانتظار المراجعة")
        SCHEDULED = "scheduled", _("مجدول")
        PUBLISHED = "published", _("منشور")
        ARCHIVED = "archived", _("مؤرشف")

    PUBLIC_STATUSES = (Status.PUBLISHED, Status.SCHEDULED)

    title = models.CharField(_("العنوان"), max_length=250)
    slug = models.SlugField(
        _("المعرّف في الرابط"),
        max_length=250,
        allow_unicode=True,
        blank=True,
        help_text=_("يُملأ من العنوان. الرابط يحمل رقم الخبر أيضاً، فلا يلزم أن يكون فريداً."),
    )
    lead = models.TextField(_("المقدمة"), help_text=_("فقرة تمهيدية قصيرة تظهر تحت العنوان وفي القوائم."))
    body = ProseEditorField(_("النص"), extensions=BODY_EXTENSIONS, sanitize=sanitize_body)
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
    featured_photo = models.ForeignKey(
        "photos.Photo",
        verbose_name=_("الصورة الرئيسية"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        help_text=_("من مكتبة الصور: ابحث عنها بالعدسة، أو ارفع صورة جديدة من هناك."),
    )
    status = models.CharField(_("الحالة"), max_length=10, choices=Status, default=Status.DRAFT)
    pub_date = models.DateTimeField(
        _("تاريخ النشر"),
        default=timezone.now,
        help_text=_("موعد في المستقبل يجعل النشر مجدولاً."),
    )
    planned_for = models.DateField(
        _("موعد مخطط"),
        null=True,
        blank=True,
        help_text=_("اليوم الذي يُتوقع نشر المسودة فيه، ليظهر في تقويم التحرير."),
    )
    verification = models.ForeignKey(
        "VerificationLabel",
        verbose_name=_("تنبيه التحقق"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
    )
    comments_open = models.BooleanField(
        _("التعليقات مفتوحة"),
        default=True,
        help_text=_("تُغلق التعليقات أيضاً من تلقاء نفسها بعد مدة من النشر (COMMENTS_OPEN_DAYS)."),
    )
    photo_is_graphic = models.BooleanField(
        _("صورة قاسية"),
        default=False,
        help_text=_("تُعرض الصورة مموّهة خلف تحذير، ولا تظهر إلا إذا طلبها القارئ."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("أنشأه"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("آخر من عدّله"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
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
    # Search terms, rebuilt from title, lead and body on every save (search/index.py): the
    # title's and lead's for related news on both databases; the body's on SQLite only, where
    # there is no tsvector. Never shown: pages print the text as written.
    search_head = models.TextField(editable=False, blank=True, default="")
    search_body = models.TextField(editable=False, blank=True, default="")
    search_vector = SearchVectorField(editable=False, null=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("خبر")
        verbose_name_plural = _("الأخبار")
        ordering = ["-pub_date", "-id"]
        get_latest_by = "pub_date"
        permissions = [
            ("publish_article", _("يمكنه نشر الأخبار وجدولتها وإلغاء نشرها وأرشفتها")),
            ("edit_any_article", _("يمكنه تعديل أخبار الآخرين")),
            ("takedown_article", _("يمكنه سحب خبر منشور مع ذكر السبب")),
        ]
        indexes = [
            # Public lists read the newest rows straight off these (both end in -id, the
            # ordering's tie-breaker) and skip the few unpublished ones. Not led by status:
            # "published or scheduled" is two values, and such an index made every page sort
            # the whole archive (bench/pages.py: latest 11 → 45 ms). Not partial either:
            # SQLite will not match a partial index against bound parameters.
            models.Index(fields=["-pub_date", "-id"], name="article_newest_idx"),
            models.Index(fields=["section", "-pub_date", "-id"], name="article_section_newest_idx"),
            # No index led by status: SQLite, without statistics, preferred it for the public
            # lists and sorted again. The desk's status filters touch few rows and scan fast.
            # PostgreSQL only: migration 0006_search creates it there and skips it on SQLite.
            GinIndex(fields=["search_vector"], name="article_search_idx"),
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
        update_fields = kwargs.get("update_fields")
        searchable = {"title", "lead", "body"}
        if update_fields is None or searchable & set(update_fields):
            vendor = connections[kwargs.get("using") or router.db_for_write(Article, instance=self)].vendor
            search = index_fields(title=self.title, lead=self.lead, body_html=self.body, vendor=vendor)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, *search}
            for name, value in search.items():
                setattr(self, name, value)
        super().save(*args, **kwargs)
        # The vector was an SQL expression computed by the database; the instance does not
        # need it back, and an expression must not be saved twice or serialised.
        self.search_vector = None

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"pk": self.pk, "slug": self.slug})

    def is_published(self) -> bool:
        return self.status in self.PUBLIC_STATUSES and self.pub_date <= timezone.now()

    def is_editable_by(self, user) -> bool:
        """Editors change any article; a writer only their own, and only while it is a draft.
        The same rule as ArticleQuerySet.editable_by, for one article already loaded."""
        if user.has_perm("articles.edit_any_article"):
            return True
        return self.created_by_id == user.pk and self.status == self.Status.DRAFT

    def get_preview_url(self):
        return reverse("articles:preview", kwargs={"pk": self.pk})

    def can_be_previewed_by(self, user) -> bool:
        return user.is_authenticated and (
            user.has_perm("articles.edit_any_article") or self.created_by_id == user.pk
        )

    # Named widths for code outside templates (feeds, link previews, the API).
    PHOTO_WIDTHS = {"card": 640, "large": 1600}

    def photo_url(self, size: str = "large") -> str:
        """JPEG URL of the featured photo's "card" or "large" rendition, "" when there is none
        (no photo, or its file has gone missing: that costs the picture, not the page)."""
        if self.featured_photo is None:
            return ""
        return self.featured_photo.url(self.PHOTO_WIDTHS[size])

    @cached_property
    def body_html(self) -> SafeString:
        """The body for a page, a feed or the API: sanitised again on the way out, since save()
        cleans it but rows can arrive without save() (QuerySet.update, restoring a revision, a
        database restored from elsewhere; nh3 takes microseconds and is idempotent), and library
        photos inserted by editors become <picture>s."""
        return render_body_photos(self._meta.get_field("body").sanitize(self.body))


class Transition(models.Model):
    """One step of an article through the workflow: who moved it, when, and why."""

    article = models.ForeignKey(
        Article, verbose_name=_("الخبر"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("من"), max_length=10, choices=Article.Status)
    to_status = models.CharField(_("إلى"), max_length=10, choices=Article.Status)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("بواسطة"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("فارغ حين ينشر النظام خبراً مجدولاً في موعده."),
    )
    at = models.DateTimeField(_("في"), default=timezone.now)
    note = models.TextField(_("ملاحظة"), blank=True)

    class Meta:
        verbose_name = _("انتقال")
        verbose_name_plural = _("سجل الانتقالات")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.get_from_status_display()} ← {self.get_to_status_display()}"


class Correction(models.Model):
    """A dated correction or update note that readers see at the end of the article."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("تصحيح")
        UPDATE = "update", _("تحديث")

    article = models.ForeignKey(
        Article, verbose_name=_("الخبر"), on_delete=models.CASCADE, related_name="corrections"
    )
    kind = models.CharField(_("النوع"), max_length=10, choices=Kind, default=Kind.CORRECTION)
    text = models.TextField(_("النص"))
    created_at = models.DateTimeField(_("التاريخ"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("كتبه"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("تصحيح أو تحديث")
        verbose_name_plural = _("التصحيحات والتحديثات")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:50]}"


class VerificationLabel(models.Model):
    """A caution readers see on an article, chosen by an editor from this managed list."""

    text = models.CharField(
        _("النص"),
        max_length=250,
        unique=True,
        help_text=_("كما يراه القرّاء، مثل: لم يتسنَّ لنا التحقق من صحة هذه المعلومات بشكل مستقل."),
    )
    is_active = models.BooleanField(_("متاح للاختيار"), default=True)

    class Meta:
        verbose_name = _("تنبيه تحقق")
        verbose_name_plural = _("تنبيهات التحقق")
        ordering = ["text"]

    def __str__(self):
        return self.text
