from django.contrib.auth.management import create_permissions
from django.db import migrations

from editorial.roles import EDITORS, MODERATORS, WRITERS, grant

# Frozen here, as a migration must be: later changes to a role come in later migrations.
_LOOKUP = [
    "sections.view_section",
    "sources.view_source",
    "authors.view_author",
    "taggit.view_tag",
    "articles.view_verificationlabel",
]

ROLE_PERMISSIONS = {
    # Writers draft and submit; whose drafts they may change is decided per article
    # (Article.objects.editable_by), not by these permissions alone.
    WRITERS: [
        "articles.add_article",
        "articles.change_article",
        "articles.view_article",
        "articles.delete_article",
        "articles.view_transition",
        "taggit.add_tag",
        *_LOOKUP,
    ],
    EDITORS: [
        "articles.add_article",
        "articles.change_article",
        "articles.view_article",
        "articles.delete_article",
        "articles.publish_article",
        "articles.edit_any_article",
        "articles.view_transition",
        "articles.add_correction",
        "articles.change_correction",
        "articles.delete_correction",
        "articles.view_correction",
        "articles.add_verificationlabel",
        "articles.change_verificationlabel",
        "articles.delete_verificationlabel",
        "articles.view_verificationlabel",
        *(
            f"{app}.{action}_{model}"
            for app, model in [
                ("sections", "section"),
                ("sources", "source"),
                ("authors", "author"),
                ("taggit", "tag"),
            ]
            for action in ("add", "change", "delete", "view")
        ),
    ],
    MODERATORS: ["articles.view_article", *_LOOKUP],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations have run; the roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    for role, permissions in ROLE_PERMISSIONS.items():
        grant(apps, role, permissions)


def delete_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLE_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("articles", "0003_editorial_workflow"),
        ("sections", "0002_hidden_sections_keep_archive"),
        ("sources", "0001_initial"),
        ("authors", "0002_editorial_workflow"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_roles, delete_roles)]
