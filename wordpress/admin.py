from django.contrib import admin

from .models import ImportedPost


@admin.register(ImportedPost)
class ImportedPostAdmin(admin.ModelAdmin):
    """Where each imported article came from; the import writes these, editors only read them."""

    list_display = ["post_id", "article", "site", "featured_image_copied", "imported_at"]
    list_filter = ["site", "featured_image_copied"]
    search_fields = ["=post_id", "article__title", "link"]
    list_select_related = ["article"]
    readonly_fields = [f.name for f in ImportedPost._meta.fields]

    def has_add_permission(self, request):
        return False
