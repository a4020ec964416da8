from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CommentQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status=Comment.Status.APPROVED)


class Comment(models.Model):
    """A reader's comment. Plain text only; never public until a moderator approves it, and
    never hard-deleted by moderation: rejected and spam stay here, out of view."""

    class Status(models.TextChoices):
        PENDING = "pending", _("بانتظار المراجعة")
        HIDDEN = "hidden", _("مخفي بعد بلاغات")
        APPROVED = "approved", _("منشور")
        REJECTED = "rejected", _("مرفوض")
        SPAM = "spam", _("مزعج")

    # What the moderation queue shows first: what nobody has decided on yet.
    NEEDS_REVIEW = (Status.PENDING, Status.HIDDEN)

    article = models.ForeignKey(
        # An article with readers' comments cannot be deleted: moderation never hard-deletes them.
        "articles.Article",
        verbose_name=_("الخبر"),
        on_delete=models.PROTECT,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("رد على"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
    )
    name = models.CharField(_("الاسم"), max_length=80)
    email = models.EmailField(_("البريد الإلكتروني"), blank=True, help_text=_("لا يُنشر."))
    text = models.TextField(_("التعليق"))
    status = models.CharField(_("الحالة"), max_length=10, choices=Status, default=Status.PENDING)
    spam_score = models.PositiveSmallIntegerField(_("درجة الإزعاج"), default=0)
    ip_address = models.GenericIPAddressField(
        _("عنوان IP"), null=True, blank=True, help_text=_("يُحذف بعد مدة الاحتفاظ (purge_comment_ips).")
    )
    created_at = models.DateTimeField(_("التاريخ"), default=timezone.now)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("تعليق")
        verbose_name_plural = _("التعليقات")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["article", "status", "created_at"], name="comment_article_idx"),
            models.Index(fields=["status", "-created_at"], name="comment_queue_idx"),
            models.Index(fields=["email"], name="comment_email_idx"),
        ]

    def __str__(self):
        return f"{self.name}: {self.text[:40]}"

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#comment-{self.pk}"


class Report(models.Model):
    """A reader's report of an approved comment; enough of them hide it pending review."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("إزعاج أو إعلان")
        ABUSE = "abuse", _("إساءة أو تحريض")
        OTHER = "other", _("سبب آخر")

    comment = models.ForeignKey(
        Comment, verbose_name=_("التعليق"), on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(_("السبب"), max_length=10, choices=Reason)
    ip_address = models.GenericIPAddressField(_("عنوان IP"), null=True, blank=True)
    created_at = models.DateTimeField(_("التاريخ"), default=timezone.now)

    class Meta:
        verbose_name = _("بلاغ")
        verbose_name_plural = _("البلاغات")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_reason_display()} ← {self.comment_id}"


class Decision(models.Model):
    """Every change of a comment's state: who (None for the automatic filters), when, from
    which state to which."""

    comment = models.ForeignKey(
        Comment, verbose_name=_("التعليق"), on_delete=models.CASCADE, related_name="decisions"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("بواسطة"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    from_status = models.CharField(_("من"), max_length=10, choices=Comment.Status)
    to_status = models.CharField(_("إلى"), max_length=10, choices=Comment.Status)
    note = models.CharField(_("ملاحظة"), max_length=250, blank=True)
    at = models.DateTimeField(_("في"), default=timezone.now)

    class Meta:
        verbose_name = _("قرار إشراف")
        verbose_name_plural = _("قرارات الإشراف")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.get_from_status_display()} ← {self.get_to_status_display()}"


class BlockedWord(models.Model):
    """A word or phrase that marks a comment as likely spam (matched on folded text)."""

    phrase = models.CharField(_("الكلمة أو العبارة"), max_length=100, unique=True)
    created_at = models.DateTimeField(_("أضيفت في"), default=timezone.now)

    class Meta:
        verbose_name = _("كلمة محظورة")
        verbose_name_plural = _("الكلمات المحظورة")
        ordering = ["phrase"]

    def __str__(self):
        return self.phrase
