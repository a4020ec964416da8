from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from newsroom.text import arabic_slugify


class Source(models.Model):
    """A source a story cites, with who is behind it, so readers can weigh the claim."""

    class Kind(models.TextChoices):
        NEWS_AGENCY = "agency", _("وكالة أنباء")
        STATE_MEDIA = "state", _("إعلام رسمي")
        ARMED_GROUP = "armed_group", _("إعلام جماعة مسلحة")
        LOCAL_NETWORK = "local_network", _("شبكة محلية")
        OFFICIAL_BODY = "official", _("جهة رسمية")
        SOCIAL_MEDIA = "social", _("حساب على وسائل التواصل")
        OTHER = "other", _("أخرى")

    name = models.CharField(_("الاسم"), max_length=150, unique=True)
    slug = models.SlugField(_("المعرّف في الرابط"), max_length=170, unique=True, allow_unicode=True)
    kind = models.CharField(_("النوع"), max_length=20, choices=Kind, default=Kind.OTHER)
    website = models.URLField(_("الموقع"), blank=True)
    note = models.TextField(
        _("من يقف وراءه"),
        blank=True,
        help_text=_("جملة أو جملتان للقرّاء: من يملك المصدر أو يديره، ولمن يتبع."),
    )
    aliases = models.CharField(
        _("أسماء أخرى"),
        max_length=300,
        blank=True,
        help_text=_("تُفصل بفاصلة. يستخدمها المستورد للتعرف على المصدر في نص الخبر."),
    )

    class Meta:
        verbose_name = _("مصدر")
        verbose_name_plural = _("المصادر")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = arabic_slugify(self.name, max_length=170)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("sources:detail", kwargs={"slug": self.slug})

    @property
    def names(self) -> list[str]:
        """Every name the source goes by in a story's text."""
        return [self.name, *(a.strip() for a in self.aliases.split(",") if a.strip())]
