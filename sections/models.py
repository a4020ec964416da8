from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from newsroom.text import arabic_slugify


class SectionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Section(models.Model):
    name = models.CharField(_("الاسم"), max_length=100, unique=True)
    slug = models.SlugField(
        _("المعرّف في الرابط"),
        max_length=120,
        unique=True,
        allow_unicode=True,
        help_text=_("يظهر في رابط القسم، بالعربية: من-سوريا"),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("القسم الأب"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    menu_order = models.PositiveSmallIntegerField(
        _("الترتيب في القائمة"), default=100, help_text=_("الأصغر يظهر أولاً.")
    )
    description = models.TextField(_("الوصف"), blank=True)
    is_active = models.BooleanField(
        _("ظاهر"),
        default=True,
        help_text=_("القسم المخفي يغيب عن القائمة والصفحة الرئيسية، وتبقى صفحته وأخباره متاحة للقرّاء."),
    )

    objects = SectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("قسم")
        verbose_name_plural = _("الأقسام")
        ordering = ["menu_order", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = arabic_slugify(self.name, max_length=120)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("sections:detail", kwargs={"slug": self.slug})

    def clean(self):
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk:
                raise ValidationError({"parent": _("لا يمكن أن يكون القسم أباً لنفسه.")})
            ancestor = ancestor.parent
