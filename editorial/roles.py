"""The newsroom's roles, as permission groups a fresh install creates (migration 0001).

Later apps extend a role in a migration of their own (the comments app gives Moderators
the comment permissions), calling grant() with their permissions.
"""

WRITERS = "كتّاب"
EDITORS = "محررون"
MODERATORS = "مشرفون"


def grant(apps, role: str, permissions: list[str]) -> None:
    """Give `role` the permissions named "app_label.codename" (historical models in migrations)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=role)
    for name in permissions:
        app_label, codename = name.split(".")
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
