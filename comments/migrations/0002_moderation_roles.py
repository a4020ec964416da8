from django.contrib.auth.management import create_permissions
from django.db import migrations

from editorial.roles import EDITORS, MODERATORS, grant

# Frozen here, as a migration must be.
MODERATION = [
    "comments.view_comment",
    "comments.change_comment",
    "comments.view_report",
    "comments.view_decision",
    "comments.add_blockedword",
    "comments.change_blockedword",
    "comments.delete_blockedword",
    "comments.view_blockedword",
    "articles.takedown_article",
    # To see their own takedowns (and every other move) in the article's history.
    "articles.view_transition",
]


def grant_moderation(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    for role in (MODERATORS, EDITORS):
        grant(apps, role, MODERATION)


def revoke_moderation(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [name.split(".")[1] for name in MODERATION]
    for group in Group.objects.filter(name__in=[MODERATORS, EDITORS]):
        group.permissions.remove(*Permission.objects.filter(codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("articles", "0004_comments_and_takedown"),
        ("editorial", "0001_roles"),
    ]

    operations = [migrations.RunPython(grant_moderation, revoke_moderation)]
