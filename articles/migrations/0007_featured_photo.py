"""Article.photo and its caption, credit and description move into the photo library.

Each old photo becomes a Photo: its file read, turned upright, cleaned of EXIF/XMP/ICC and
stored again under photos/ (the old file, which carried the metadata, is deleted once the
new one is saved). Renditions are made on first display. A photo whose file has gone
missing or cannot be read is not carried over: the article keeps its text, without a photo.
"""

import logging

import django.db.models.deletion
from django.core.exceptions import ValidationError
from django.db import migrations, models

from newsroom.text import fold
from photos.imaging import clean_upload

logger = logging.getLogger(__name__)


def move_photos_to_library(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Photo = apps.get_model("photos", "Photo")
    for article in Article.objects.exclude(photo="").iterator():
        storage = article.photo.storage
        old_name = article.photo.name
        try:
            with storage.open(old_name, "rb") as file:
                clean = clean_upload(file, old_name)
        except (OSError, ValueError, ValidationError):
            logger.warning("Article %s: photo %s unreadable, not moved to the library", article.pk, old_name)
            continue
        photo = Photo(
            caption=article.photo_caption,
            credit=article.photo_credit,
            alt_text=article.photo_alt,
            width=clean.width,
            height=clean.height,
            uploaded_by_id=article.created_by_id,
            # The same folded key Photo.save() writes, which this historical model lacks.
            search_key=_search_key(article),
        )
        photo.image.save(clean.file.name, clean.file, save=False)
        photo.save()
        Article.objects.filter(pk=article.pk).update(featured_photo=photo)
        storage.delete(old_name)
    _check_constraints_now(schema_editor)


def _check_constraints_now(schema_editor):
    # PostgreSQL defers foreign key checks to the commit, and will not alter a table with
    # checks pending: the columns are dropped in this same transaction.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _search_key(article) -> str:
    return fold(f"{article.photo_caption} {article.photo_credit} {article.photo_alt}").lower()


def move_photos_back(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    for article in Article.objects.exclude(featured_photo=None).select_related("featured_photo"):
        photo = article.featured_photo
        article.photo = photo.image.name
        article.photo_caption = photo.caption
        article.photo_credit = photo.credit
        article.photo_alt = photo.alt_text
        article.save(update_fields=["photo", "photo_caption", "photo_credit", "photo_alt"])
    _check_constraints_now(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_search"),
        ("photos", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="featured_photo",
            field=models.ForeignKey(
                blank=True,
                help_text="من مكتبة الصور: ابحث عنها بالعدسة، أو ارفع صورة جديدة من هناك.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="articles",
                to="photos.photo",
                verbose_name="الصورة الرئيسية",
            ),
        ),
        migrations.RunPython(move_photos_to_library, move_photos_back),
        migrations.RemoveField(model_name="article", name="photo"),
        migrations.RemoveField(model_name="article", name="photo_alt"),
        migrations.RemoveField(model_name="article", name="photo_caption"),
        migrations.RemoveField(model_name="article", name="photo_credit"),
    ]
