from django import template
from django.urls import reverse

from editorial.selectors import dashboard_blocks, moderation_block

register = template.Library()


@register.inclusion_tag("editorial/dashboard.html", takes_context=True)
def editorial_dashboard(context):
    """The admin index's blocks for the signed-in user's role, above the list of apps."""
    user = context["request"].user
    return {
        "blocks": dashboard_blocks(user=user),
        "calendar_url": reverse("editorial:calendar") if user.has_perm("articles.view_article") else "",
        "moderation": moderation_block(user=user),
    }
