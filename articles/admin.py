import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminTextareaWidget, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from taggit.models import Tag

from newsroom.text import arabic_slugify

from .models import Article
from .services import article_publish, article_unpublish


class ArticleAdminForm(forms.ModelForm):
    # taggit's own field is a bare comma-separated text box; existing tags are picked with
    # the admin's autocomplete instead, and new ones typed beside it.
    tags = forms.ModelMultipleChoiceField(
        label=_("الوسوم"),
        queryset=Tag.objects.all(),
        required=False,
        widget=AutocompleteSelectMultiple(Article._meta.get_field("tags"), admin.site),
    )
    new_tags = forms.CharField(
        label=_("وسوم جديدة"),
        required=False,
        max_length=500,
        help_text=_("وسوم غير موجودة بعد، تفصل بينها فاصلة: دير الزور، التحالف الدولي"),
    )

    class Meta:
        model = Article
        widgets = {"lead": AdminTextareaWidget(attrs={"rows": 3})}
        fields = [
            "title",
            "slug",
            "lead",
            "body",
            "section",
            "sources",
            "authors",
            "related",
            "photo",
            "photo_caption",
            "photo_credit",
            "photo_alt",
            "status",
            "pub_date",
        ]

    def clean(self):
        cleaned = super().clean()
        # Only commas separate tags, the Arabic one being what editors type on an Arabic
        # keyboard. (taggit's parse_tags splits comma-less input at spaces, which would turn
        # a lone "دير الزور" into two tags.)
        names = re.split("[,،]", cleaned.get("new_tags", ""))
        typed = list(dict.fromkeys(" ".join(name.split()) for name in names if name.strip()))
        if any(len(name) > 100 for name in typed):
            raise ValidationError({"new_tags": _("الوسم الواحد لا يزيد على 100 حرف.")})
        # A tag page needs a URL: taggit gives a tag of punctuation or emoji alone an empty slug.
        if any(not arabic_slugify(name) for name in typed):
            raise ValidationError({"new_tags": _("كل وسم يحتاج إلى حرف أو رقم واحد على الأقل.")})
        cleaned["tags"] = [*cleaned.get("tags", []), *typed]
        return cleaned


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["thumbnail", "title", "section", "status", "pub_date"]
    list_display_links = ["thumbnail", "title"]
    list_filter = ["status", "section", "pub_date", "sources", "tags"]
    list_select_related = ["section"]
    date_hierarchy = "pub_date"
    search_fields = ["title", "lead"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["section", "sources", "authors", "related"]
    readonly_fields = ["photo_preview", "created", "updated"]
    actions = ["publish", "unpublish"]

    class Media:
        css = {"all": ["articles/admin.css"]}

    fieldsets = [
        (None, {"fields": ["title", "slug", "lead", "body"]}),
        (_("التصنيف"), {"fields": ["section", "tags", "new_tags", "sources", "authors", "related"]}),
        (
            _("الصورة"),
            {"fields": ["photo", "photo_preview", "photo_caption", "photo_credit", "photo_alt"]},
        ),
        (_("النشر"), {"fields": ["status", "pub_date", "created", "updated"]}),
    ]

    @admin.display(description=_("صورة"))
    def thumbnail(self, obj):
        url = obj.photo_url("card")
        if not url:
            return "—"
        return format_html('<img src="{}" alt="" width="96" height="54" loading="lazy">', url)

    @admin.display(description=_("معاينة"))
    def photo_preview(self, obj):
        url = obj.photo_url("card")
        if not url:
            return _("لا صورة")
        return format_html('<img src="{}" alt="{}" width="240" height="135">', url, obj.photo_alt)

    @admin.action(description=_("نشر الأخبار المختارة"), permissions=["change"])
    def publish(self, request, queryset):
        self._apply(request, queryset, article_publish, _("نُشر"))

    @admin.action(description=_("إلغاء نشر الأخبار المختارة"), permissions=["change"])
    def unpublish(self, request, queryset):
        self._apply(request, queryset, article_unpublish, _("أُلغي نشر"))

    def _apply(self, request, queryset, service, verb):
        done = 0
        for article in queryset:
            try:
                service(article=article)
            except ValidationError as error:
                self.message_user(request, f"«{article}»: {'؛ '.join(error.messages)}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(verb)s خبر واحد.", "%(verb)s %(count)d من الأخبار.", done)
                % {"verb": verb, "count": done},
                messages.SUCCESS,
            )
