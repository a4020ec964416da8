from django import template
from django.apps import apps
from django.urls import NoReverseMatch, reverse

from editorial.selectors import dashboard_blocks

register = template.Library()


@register.inclusion_tag("editorial/dashboard.html", takes_context=True)
def editorial_dashboard(context):
    """The admin index's blocks for the signed-in user's role, above the list of apps."""
    user = context["request"].user
    return {
        "blocks": dashboard_blocks(user=user),
        "calendar_url": reverse("editorial:calendar") if user.has_perm("articles.view_article") else "",
        "comments_url": _comments_url(user),
    }


def _comments_url(user) -> str:
    # Moderation waits for the comments app; until it is installed there is nothing to show.
    if not apps.is_installed("comments") or not user.has_module_perms("comments"):
        return ""
    try:
        return reverse("admin:app_list", kwargs={"app_label": "comments"})
    except NoReverseMatch:
        return ""
