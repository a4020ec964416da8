import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

from search.index import index_fields


class AddIndexOnPostgreSQL(migrations.AddIndex):
    """The GIN index exists only where the tsvector is filled; SQLite has no GIN."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def index_existing_articles(apps, schema_editor):
    # The historical model has no custom save(): fill the columns as Article.save() would.
    Article = apps.get_model("articles", "Article")
    vendor = schema_editor.connection.vendor
    articles = Article.objects.using(schema_editor.connection.alias).only("title", "lead", "body")
    for article in articles.iterator(chunk_size=500):
        fields = index_fields(title=article.title, lead=article.lead, body_html=article.body, vendor=vendor)
        Article.objects.using(schema_editor.connection.alias).filter(pk=article.pk).update(**fields)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_newest_first_without_status"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_body",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="article",
            name="search_head",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        AddIndexOnPostgreSQL(
            model_name="article",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="article_search_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="taggedarticle",
            index=models.Index(fields=["tag", "content_object"], name="tagged_article_tag_idx"),
        ),
        # Related news reads the newest articles citing a source off this index; the table is
        # the one Django makes for Article.sources, which takes no Meta.indexes.
        migrations.RunSQL(
            "CREATE INDEX article_sources_source_idx ON articles_article_sources (source_id, article_id)",
            "DROP INDEX article_sources_source_idx",
        ),
        migrations.RunPython(index_existing_articles, migrations.RunPython.noop),
    ]
