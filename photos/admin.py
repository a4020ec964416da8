from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Photo


def thumbnail_html(photo: Photo, width: int = 120):
    url = photo.thumbnail_url
    if not url:
        return "—"
    height = round(photo.height * width / photo.width) if photo.width else width
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" loading="lazy" class="photo-thumb">',
        url,
        photo.alt_text,
        width,
        height,
    )


class PhotoAdminForm(forms.ModelForm):
    # A plain file field: Django's ImageField would open the upload with Pillow before our
    # checks (size first, pixels from the header) and answer every problem the same way.
    # The model's validate_image is the one judge, with a message saying what is wrong.
    image = forms.FileField(label=_("الصورة"), help_text=Photo._meta.get_field("image").help_text)

    class Meta:
        model = Photo
        fields = ["image", "caption", "credit", "alt_text", "taken_on"]


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    form = PhotoAdminForm
    list_display = ["thumbnail", "__str__", "credit", "taken_on", "uploaded_by", "created"]
    list_display_links = ["thumbnail", "__str__"]
    list_filter = ["created", "taken_on"]
    list_select_related = ["uploaded_by"]
    list_per_page = 50
    date_hierarchy = "created"
    # The folded copy of caption, credit and description: see get_search_results.
    search_fields = ["search_key"]
    search_help_text = _("ابحث في التعليق والمصدر والوصف؛ لا فرق بين أ وا، ولا أثر للتشكيل.")
    fields = [
        "image",
        "preview",
        "caption",
        "credit",
        "alt_text",
        "taken_on",
        "size",
        "uploaded_by",
        "created",
    ]
    readonly_fields = ["preview", "size", "uploaded_by", "created"]

    class Media:
        css = {"all": ["photos/admin.css"]}

    def get_search_results(self, request, queryset, search_term):
        # Editors type أ or ا, ى or ي, with or without harakat; the key holds one spelling.
        return queryset.search(search_term), False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        picker = path(
            "picker/",
            self.admin_site.admin_view(self.picker_view),
            name="photos_photo_picker",
        )
        return [picker, *super().get_urls()]

    def picker_view(self, request):
        """The body editor's "Browse…" popup: search the library, click a photo to insert it.
        The page hands the choice back to the editor through the CKEditor-style callback that
        django-prose-editor's Figure extension listens for."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        query = request.GET.get("q", "").strip()
        photos = Photo.objects.search(query) if query else Photo.objects.all()
        page = Paginator(
            photos.only("image", "width", "height", "caption", "alt_text", "credit", "renditions"), 24
        )
        page_obj = page.get_page(request.GET.get("p"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("اختر صورة من المكتبة"),
            "opts": self.model._meta,
            "query": query,
            "page_obj": page_obj,
            "callback": request.GET.get("CKEditorFuncNum", ""),
            "is_popup": True,
        }
        return TemplateResponse(request, "admin/photos/photo/picker.html", context)

    @admin.display(description=_("الصورة"))
    def thumbnail(self, obj):
        return thumbnail_html(obj, 96)

    @admin.display(description=_("معاينة"))
    def preview(self, obj):
        if obj.pk is None:
            return "—"
        return thumbnail_html(obj, 320)

    @admin.display(description=_("الأبعاد"))
    def size(self, obj):
        if not obj.width:
            return "—"
        return f"{obj.width} × {obj.height}"
