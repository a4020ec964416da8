from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from newsroom.text import arabic_slugify


class Author(models.Model):
    """A byline. A pseudonym or a desk keeps a reporter at risk unnamed: their real name is
    for staff only and is never printed on a public page, feed or structured data."""

    class Kind(models.TextChoices):
        PERSON = "person", _("اسم حقيقي")
        PSEUDONYM = "pseudonym", _("اسم مستعار")
        DESK = "desk", _("مكتب أو مراسل دون اسم")

    name = models.CharField(_("الاسم"), max_length=150, help_text=_("كما يظهر للقرّاء."))
    kind = models.CharField(_("نوع التوقيع"), max_length=10, choices=Kind, default=Kind.PERSON)
    real_name = models.CharField(
        _("الاسم الحقيقي"),
        max_length=150,
        blank=True,
        help_text=_("للفريق فقط، لا يظهر للقرّاء أبداً."),
    )
    slug = models.SlugField(_("المعرّف في الرابط"), max_length=170, unique=True, allow_unicode=True)
    bio = models.TextField(_("نبذة"), blank=True)
    photo = models.ImageField(_("الصورة"), upload_to="authors/", blank=True)

    class Meta:
        verbose_name = _("كاتب")
        verbose_name_plural = _("الكتّاب")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = arabic_slugify(self.name, max_length=170)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("authors:detail", kwargs={"slug": self.slug})
