from django.contrib import admin
from django.db import models

from .models import Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "website"]
    list_filter = ["kind"]
    search_fields = ["name", "aliases", "note"]
    prepopulated_fields = {"slug": ["name"]}
    # A website typed without a scheme ("sana.sy") is taken as https, as Django 6 will do.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
